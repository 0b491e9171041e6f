package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;

/**
 * The Java heap a pool's per-block structures take, estimated before any of them is allocated, so that a pool too
 * large for the heap fails at once with an {@link AllocationException} rather than after seconds of garbage
 * collection with an {@link OutOfMemoryError}.
 */
final class PoolHeap {

    /*
     * Per block the pool keeps its state in BlockStates and nothing else: block segments are built on demand from
     * the slab's segment (Slab.segment), so no segment object or reference is kept per block. BlockStates.heapBytes
     * computes its array exactly (power-of-two rounding and padding included). Lanes and cache slots are fixed-size
     * (a few KiB per processor), not counted.
     *
     * The limit: half the maximum heap (Runtime.maxMemory), so that the pool leaves the application at least as
     * much as it takes, and, for a need of more than a sixteenth of the maximum heap, no more than is free now
     * (maxMemory minus totalMemory plus freeMemory), since more than that would need a full collection to fit at best
     * and an OutOfMemoryError after long GC at worst. Used memory includes garbage not yet collected, so the second
     * bound can refuse a pool that would fit after a collection (the message says so); it is not applied to smaller
     * needs, which an ordinary collection makes room for: a size-class slab's few hundred bytes must not be refused
     * because the heap is full of garbage at that moment.
     */

    private PoolHeap() {
    }

    /** The heap the per-block structures of {@code capacity} blocks need, in bytes. */
    static long need(int capacity) {
        return BlockStates.heapBytes(capacity);
    }

    /**
     * Throws when a pool of {@code capacity} blocks would need more heap than allowed.
     *
     * @throws AllocationException reason {@code TOO_LARGE}, naming the need, the maximum and the free heap
     */
    static void require(long blockSize, long alignment, int capacity) {
        final Runtime runtime = Runtime.getRuntime();
        final long max = runtime.maxMemory();
        final long free = max - (runtime.totalMemory() - runtime.freeMemory());
        final long need = need(capacity);
        if (!fits(need, max, free)) {
            throw new AllocationException(AllocationException.Reason.TOO_LARGE,
                    Layout.of(Math.max(blockSize, 1), alignment),
                    "a pool of " + capacity + " blocks of " + blockSize + " B needs about " + mib(need)
                    + " of Java heap for its per-block structures (its state words),"
                    + " more than half the maximum heap (" + mib(max) + ") or more than is free now (" + mib(free)
                    + "): use fewer, larger blocks, or a larger -Xmx");
        }
    }

    /**
     * Whether {@code need} bytes of per-block structures are allowed with {@code max} bytes of maximum heap of which
     * {@code free} are free now (see the maintainers' notes).
     */
    static boolean fits(long need, long max, long free) {
        return need <= max / 2 && (need <= free || need <= max / 16);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
