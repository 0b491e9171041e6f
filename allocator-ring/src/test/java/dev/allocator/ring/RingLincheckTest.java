package dev.allocator.ring;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

/**
 * Both rings model-checked by Lincheck against {@link RingModel}, a bounded FIFO queue of capacity 2 (so full and
 * wrap-around are reached): the MPMC ring with every operation on every thread, the SPSC ring with the producer's
 * operations confined to one thread at a time and the consumer's to another ({@code nonParallelGroup}).
 *
 * <p>What this can and cannot find: Lincheck 3.7 switches threads at Java field and array accesses, not inside
 * {@code MemorySegment} VarHandle accesses (it traces them as calls). The SPSC ring's cursors are Java fields, so its
 * operations interleave; the MPMC ring keeps everything in the segment, so its operations run atomically here and
 * this test checks its sequential FIFO, burst and bound semantics only. Its races are checked on real threads by
 * {@link MpmcRingStressTest} (Lincheck stress mode, batches included) and by allocator-jcstress {@code MpmcRing*Test}.
 */
class RingLincheckTest {

    static final int ITERATIONS = Integer.getInteger("ring.lincheck.iterations", 8);
    static final int INVOCATIONS = Integer.getInteger("ring.lincheck.invocations", 200);

    /** The MPMC ring. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class Mpmc {
        private final MpmcIndexRing ring = MpmcIndexRing.create(
                Arena.ofAuto().allocate(MpmcIndexRing.byteSize(RingModel.CAPACITY), 128), RingModel.CAPACITY);
        private final int[] taken = new int[2];

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
            return ring.offer(new int[] {value, value + 10}, 0, 2);
        }

        @Operation
        public String pollTwo() {
            int[] into = new int[2];
            return RingModel.join(into, ring.poll(into, 0, 2));
        }
    }

    /** The SPSC ring: producer operations never run in parallel with each other, nor consumer operations. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class Spsc {
        private final SpscIndexRing ring = SpscIndexRing.create(
                Arena.ofAuto().allocate(SpscIndexRing.byteSize(RingModel.CAPACITY), 128), RingModel.CAPACITY);

        @Operation(nonParallelGroup = "producer")
        public boolean offer(@Param(name = "value") int value) {
            return ring.offer(value);
        }

        @Operation(nonParallelGroup = "consumer")
        public int poll() {
            return ring.poll();
        }

        /** Through reserve/put/submit. */
        @Operation(nonParallelGroup = "producer")
        public int offerTwo(@Param(name = "value") int value) {
            return RingModel.offerTwo(ring, value);
        }

        /** Through peek/get/release. */
        @Operation(nonParallelGroup = "consumer")
        public String pollTwo() {
            return RingModel.pollTwo(ring);
        }
    }

    /** The SPSC ring with two slots, single operations: full and wrap-around. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class TinySpsc {
        private final SpscIndexRing ring = SpscIndexRing.create(
                Arena.ofAuto().allocate(SpscIndexRing.byteSize(RingModel.Tiny.CAPACITY), 128), RingModel.Tiny.CAPACITY);

        @Operation(nonParallelGroup = "producer")
        public boolean offer(@Param(name = "value") int value) {
            return ring.offer(value);
        }

        @Operation(nonParallelGroup = "consumer")
        public int poll() {
            return ring.poll();
        }
    }

    static ModelCheckingOptions options(int threads) {
        return new ModelCheckingOptions().threads(threads).actorsPerThread(3).actorsBefore(1).actorsAfter(1)
                .iterations(ITERATIONS).invocationsPerIteration(INVOCATIONS)
                .sequentialSpecification(RingModel.class);
    }

    @Test
    void shouldBehaveAsBoundedQueueWithManyProducersAndConsumers() {
        options(3).check(Mpmc.class);
    }

    @Test
    void shouldBehaveAsBoundedQueueWithOneProducerAndOneConsumer() {
        options(2).check(Spsc.class);
    }

    @Test
    void shouldReportFullAndWrapAroundExactlyWithTwoSlots() {
        options(2).sequentialSpecification(RingModel.Tiny.class).check(TinySpsc.class);
    }
}
