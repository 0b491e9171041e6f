package dev.allocator.pool;

import dev.allocator.api.Layout;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Model checking of the pool with thread lanes on: every interleaving of takes, frees (single, bulk, through the
 * index API and through {@code Allocator}), trims and lane releases on two platform threads must be linearizable to
 * {@link Model}, and no block may be handed out twice ({@code TWICE}).
 *
 * <p>The pool has {@value #CAPACITY} blocks, more than any scenario can hold at once, so the model never runs out:
 * with lanes on a pool may report exhaustion while blocks sit in another live thread's lane (documented), which a
 * sequential model cannot express; {@link LaneTest} covers that case deterministically. The lanes here hold
 * {@code min(cache, capacity / (4 * lanes))} = 2 blocks, so refills, flushes and lane hand-backs all happen within a
 * few operations.
 */
@Param(name = "thread", gen = ThreadIdGen.class)
public class LanePoolLincheckTest {

    static final int CAPACITY = 4 * 2 * 16; // lanes of 2 with up to 16 lanes (this machine has 8)
    private static final Layout BLOCK = Layout.of(16, 8);

    private final FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(CAPACITY).cache(2)
            .backing(AutoBacking.INSTANCE, false).build();
    private final BlockIndexes blocks = pool.indexes();
    private final CountingPoolModel.Holders held = new CountingPoolModel.Holders(CAPACITY);

    @Operation
    public int acquire(@Param(name = "thread") int thread) {
        int index = blocks.acquire();
        return index < 0 ? -1 : held.add(thread, index);
    }

    @Operation
    public int allocate(@Param(name = "thread") int thread) {
        MemorySegment segment = pool.tryAllocate(BLOCK);
        return segment == null ? -1 : held.add(thread, blocks.indexOf(segment));
    }

    @Operation
    public int acquireTwo(@Param(name = "thread") int thread) {
        int[] into = new int[2];
        return held.addAll(thread, into, blocks.acquire(into, 0, 2));
    }

    @Operation
    public int release(@Param(name = "thread") int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        blocks.release(held.take(thread));
        return 0;
    }

    @Operation
    public int deallocate(@Param(name = "thread") int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        pool.deallocate(blocks.segment(held.take(thread)), BLOCK);
        return 0;
    }

    @Operation
    public void trim() {
        pool.trim();
    }

    @Operation
    public void releaseThreadCache() {
        pool.releaseThreadCache();
    }

    /** The pool as a sequence sees it: never empty here, so takes always succeed. */
    public static class Model extends CountingPoolModel {
        private final int[] held = new int[THREADS];

        @Override
        public int acquire(int thread) {
            held[thread]++;
            return 0;
        }

        @Override
        public int allocate(int thread) {
            return acquire(thread);
        }

        @Override
        public int acquireTwo(int thread) {
            held[thread] += 2;
            return 2;
        }

        @Override
        public int release(int thread) {
            if (held[thread] == 0) {
                return -1;
            }
            held[thread]--;
            return 0;
        }

        @Override
        public int deallocate(int thread) {
            return release(thread);
        }

        public void releaseThreadCache() {
        }
    }

    @Test
    void shouldBeLinearizableWithLaneTier() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("pool.lincheck.iterations", 30))
                .invocationsPerIteration(Integer.getInteger("pool.lincheck.invocations", 1000))
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(Model.class)
                .check(LanePoolLincheckTest.class);
    }

    /**
     * Each thread frees a block into its own lane and takes twice: the second take must not see the lane's block
     * again. Random scenarios rarely line this up; a lane that forgets to pop hands out the block twice here.
     */
    static ExecutionScenario laneReuseScenario() {
        try {
            var acquire = LanePoolLincheckTest.class.getMethod("acquire", int.class);
            var deallocate = LanePoolLincheckTest.class.getMethod("deallocate", int.class);
            var release = LanePoolLincheckTest.class.getMethod("release", int.class);
            List<Actor> first = List.of(Pools.actor(acquire, 0), Pools.actor(release, 0), Pools.actor(acquire, 0),
                    Pools.actor(acquire, 0));
            List<Actor> second = List.of(Pools.actor(acquire, 1), Pools.actor(deallocate, 1),
                    Pools.actor(acquire, 1), Pools.actor(acquire, 1));
            return new ExecutionScenario(List.of(), List.of(first, second), List.of(), null);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }


    @Test
    void shouldNotHandOutALaneBlockTwice() {
        new ModelCheckingOptions().iterations(0).invocationsPerIteration(2000)
                .sequentialSpecification(Model.class).addCustomScenario(laneReuseScenario())
                .check(LanePoolLincheckTest.class);
    }
}
