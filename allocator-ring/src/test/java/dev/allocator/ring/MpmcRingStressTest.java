package dev.allocator.ring;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The MPMC ring, single operations and open batches, run by Lincheck's stress mode (real threads, every result
 * checked for linearizability against {@link RingModel}). Model checking cannot switch threads inside
 * {@code MemorySegment} accesses (Lincheck 3.7), where all of this ring's state is; stress mode needs no switch
 * points. Sizes: {@code -Dring.stress.iterations} and {@code -Dring.stress.invocations} (the {@code stress} Maven
 * profile raises them). {@code -Dring.lincheck.broken=true} also runs the check over {@link BrokenMpmcIndexRing}
 * (publication that skips earlier claims) and expects it to fail.
 */
class MpmcRingStressTest {

    static final int ITERATIONS = Integer.getInteger("ring.stress.iterations", 10);
    static final int INVOCATIONS = Integer.getInteger("ring.stress.invocations", 1_000);

    /** The MPMC ring, with every operation on every thread. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class Ring {
        private final MpmcIndexRing ring = MpmcIndexRing.create(
                Arena.ofAuto().allocate(MpmcIndexRing.byteSize(RingModel.CAPACITY), 128), RingModel.CAPACITY);

        @Operation
        public boolean offer(@Param(name = "value") int value) {
            return ring.offer(value);
        }

        @Operation
        public int poll() {
            return ring.poll();
        }

        /** Through reserve/put/submit. */
        @Operation
        public int offerTwo(@Param(name = "value") int value) {
            return RingModel.offerTwo(ring, value);
        }

        /** Through peek/get/release. */
        @Operation
        public String pollTwo() {
            return RingModel.pollTwo(ring);
        }
    }

    /** The broken variant, same operations. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class Broken {
        private final BrokenMpmcIndexRing ring = new BrokenMpmcIndexRing(RingModel.CAPACITY);

        @Operation
        public boolean offer(@Param(name = "value") int value) {
            return ring.offer(value);
        }

        @Operation
        public int poll() {
            return ring.poll();
        }

        @Operation
        public int offerTwo(@Param(name = "value") int value) {
            return ring.offerTwo(value);
        }

        @Operation
        public String pollTwo() {
            return ring.pollTwo();
        }
    }

    static StressOptions options() {
        return new StressOptions().threads(3).actorsPerThread(3).actorsBefore(1).actorsAfter(1)
                .iterations(ITERATIONS).invocationsPerIteration(INVOCATIONS)
                .sequentialSpecification(RingModel.class);
    }

    @Test
    void shouldBeLinearizableQueueWithBatchesOnRealThreads() {
        options().check(Ring.class);
    }

    @Test
    @EnabledIfSystemProperty(named = "ring.lincheck.broken", matches = "true")
    void shouldCatchPublicationThatSkipsEarlierClaims() {
        LincheckAssertionError failure = assertThrows(LincheckAssertionError.class, () -> options().check(Broken.class));
        System.out.println(failure.getMessage());
    }
}
