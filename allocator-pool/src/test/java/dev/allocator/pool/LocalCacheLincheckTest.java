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
 * Model checking of {@link LocalCache}: two threads, each with a cache of its own (made on first use, closed and
 * made again by {@code closeLocal}), take through their cache and give back through it, through the pool's shared
 * path or in bulk, while the other does the same; every interleaving must be linearizable to
 * {@link LanePoolLincheckTest.Model} and no block may be handed out twice ({@code TWICE}). Caches of 2 blocks, so
 * refills, flushes and closes happen within a few operations; the pool is larger than any scenario can hold.
 */
@Param(name = "thread", gen = ThreadIdGen.class)
public class LocalCacheLincheckTest {

    private static final Layout BLOCK = Layout.of(16, 8);

    private final FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(LanePoolLincheckTest.CAPACITY)
            .cache(2).backing(AutoBacking.INSTANCE, false).build();
    private final BlockIndexes blocks = pool.indexes();
    private final CountingPoolModel.Holders held = new CountingPoolModel.Holders(LanePoolLincheckTest.CAPACITY);
    private final LocalCache[] caches = new LocalCache[CountingPoolModel.THREADS];

    private LocalCache cache(int thread) {
        if (caches[thread] == null) {
            caches[thread] = pool.localCache();
        }
        return caches[thread];
    }

    @Operation
    public int acquire(@Param(name = "thread") int thread) {
        int index = cache(thread).acquire();
        return index < 0 ? -1 : held.add(thread, index);
    }

    @Operation
    public int allocate(@Param(name = "thread") int thread) {
        MemorySegment segment = cache(thread).tryAllocate(BLOCK);
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
        cache(thread).release(held.take(thread));
        return 0;
    }

    @Operation
    public int deallocate(@Param(name = "thread") int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        pool.deallocate(blocks.segment(held.take(thread)), BLOCK); // a block from a cache, given to the pool
        return 0;
    }

    @Operation
    public void closeLocal(@Param(name = "thread") int thread) {
        if (caches[thread] != null) {
            caches[thread].close();
            caches[thread] = null;
        }
    }

    @Operation
    public void trim() {
        pool.trim();
    }

    /** {@link LanePoolLincheckTest.Model} plus a close, which changes nothing a sequence can see. */
    public static class Model extends LanePoolLincheckTest.Model {
        public void closeLocal(int thread) {
        }
    }

    @Test
    void shouldBeLinearizableWithLocalCaches() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("pool.lincheck.iterations", 30))
                .invocationsPerIteration(Integer.getInteger("pool.lincheck.invocations", 1000))
                .threads(2)
                .actorsPerThread(4)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Model.class)
                .check(LocalCacheLincheckTest.class);
    }

    /**
     * Each thread gives a block to its own cache and takes twice: the second take must not see the cache's block
     * again. Random scenarios rarely line this up; a cache whose pop forgets to shrink its stack hands the block out
     * twice here (checked by hand: Lincheck then reports the pool's "free-list ... is corrupt" exception, a result no
     * sequential run gives).
     */
    @Test
    void shouldNotHandOutACachedBlockTwice() throws NoSuchMethodException {
        var acquire = LocalCacheLincheckTest.class.getMethod("acquire", int.class);
        var allocate = LocalCacheLincheckTest.class.getMethod("allocate", int.class);
        var release = LocalCacheLincheckTest.class.getMethod("release", int.class);
        List<Actor> first = List.of(Pools.actor(acquire, 0), Pools.actor(release, 0), Pools.actor(acquire, 0),
                Pools.actor(acquire, 0));
        List<Actor> second = List.of(Pools.actor(allocate, 1), Pools.actor(release, 1), Pools.actor(allocate, 1),
                Pools.actor(allocate, 1));
        new ModelCheckingOptions().iterations(0).invocationsPerIteration(500)
                .sequentialSpecification(Model.class)
                .addCustomScenario(new ExecutionScenario(List.of(), List.of(first, second), List.of(), null))
                .check(LocalCacheLincheckTest.class);
    }
}
