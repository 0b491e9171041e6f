package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Layout;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;

/**
 * One slab of a {@link SizeClass}: its pool, the memory under it, and the layout each of its blocks was allocated
 * with, so that a free with another layout is refused before the pool is told.
 */
final class ClassSlab {

    /** The bits of a {@link #encode}d layout that hold the size (a class block is at most 1 GiB). */
    private static final long SIZE_BITS = (1L << 56) - 1;

    final FixedBlockPool pool;
    final BlockIndexes indexes;
    final SlabMemory memory;
    /**
     * Per block, the {@link #encode}d layout of its allocation: written by the thread that took the block (which owns
     * it then), read by the thread that frees it (the pool's free-to-take edge orders them). Not cleared on free: a
     * second free with the same layout reaches the pool, which names it a double free.
     */
    final long[] layouts;

    ClassSlab(FixedBlockPool pool, SlabMemory memory, long[] layouts) {
        this.pool = pool;
        this.indexes = pool.indexes();
        this.memory = memory;
        this.layouts = layouts;
    }

    /** A layout of a class block as one word: the size, and log2 of the alignment in the top byte. */
    static long encode(Layout layout) {
        return layout.size() | (long) Long.numberOfTrailingZeros(layout.alignment()) << 56;
    }

    /** The layout a word from {@link #encode} stands for. */
    static Layout decode(long word) {
        return Layout.of(word & SIZE_BITS, 1L << (word >>> 56));
    }
}
