package dev.allocator.pool;

import dev.allocator.api.Layout;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Lincheck model checking: every interleaving Lincheck explores of these operations, from two threads, on a pool of
 * {@link IndexPoolModel#CAPACITY} blocks, must give results that some sequential run of {@link IndexPoolModel} gives.
 * Covers the Allocator path (allocate/deallocate), the index path and the bulk forms; each thread frees the blocks it
 * holds, last taken first.
 *
 * <p>Caching off: the model is LIFO, which names the exact block each take returns. {@link CachedPoolLincheckTest}
 * checks the same operations with caching on against a model that counts blocks.
 *
 * <p>CI sizes: {@code pool.lincheck.iterations} x {@code pool.lincheck.invocations}, set in the pom (raised by
 * {@code -Pstress}).
 */
@Param(name = "thread", gen = ThreadIdGen.class)
public class PoolLincheckTest {

    private static final Layout BLOCK = Layout.of(16, 8);

    private final FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(IndexPoolModel.CAPACITY).cache(0)
            .backing(AutoBacking.INSTANCE, false).build();
    private final BlockIndexes blocks = pool.indexes();
    private final IndexPoolModel.Held held = new IndexPoolModel.Held();

    @Operation
    public int acquire(@Param(name = "thread") int thread) {
        int index = blocks.acquire();
        return index < 0 ? index : held.add(thread, index);
    }

    @Operation
    public int allocate(@Param(name = "thread") int thread) {
        MemorySegment segment = pool.tryAllocate(BLOCK);
        return segment == null ? -1 : held.add(thread, blocks.indexOf(segment));
    }

    @Operation
    public List<Integer> acquireTwo(@Param(name = "thread") int thread) {
        int[] into = new int[2];
        int n = blocks.acquire(into, 0, 2);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(held.add(thread, into[i]));
        }
        return got;
    }

    @Operation
    public int release(@Param(name = "thread") int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        int index = held.take(thread);
        blocks.release(index);
        return index;
    }

    @Operation
    public int deallocate(@Param(name = "thread") int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        int index = held.take(thread);
        pool.deallocate(blocks.segment(index), BLOCK);
        return index;
    }

    @Operation
    public int releaseFirst(@Param(name = "thread") int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        int index = held.takeFirst(thread);
        blocks.release(index);
        return index;
    }

    @Operation
    public List<Integer> releaseTwo(@Param(name = "thread") int thread) {
        if (held.count(thread) < 2) {
            return List.of();
        }
        int first = held.take(thread);
        int second = held.take(thread);
        blocks.release(new int[]{first, second}, 0, 2);
        return List.of(first, second);
    }

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .iterations(Integer.getInteger("pool.lincheck.iterations", 30))
                .invocationsPerIteration(Integer.getInteger("pool.lincheck.invocations", 1000))
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(IndexPoolModel.class);
    }

    @Test
    void shouldBeLinearizable() {
        options().check(PoolLincheckTest.class);
    }
}
