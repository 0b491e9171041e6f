package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Layout;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One slab of a {@link SizeClass}: its pool, the memory under it, the address range it covers, where it stands in its
 * class's {@link SlabSupply} and the layout each of its blocks was allocated with, so that a free with another layout
 * is refused before the pool is told.
 */
final class ClassSlab {

    /** The slab is its class's current slab: allocations take from it first. */
    static final int CURRENT = 0;
    /** An allocation found no free block in it: no list holds it; the next free that sees this state lists it. */
    static final int FULL = 1;
    /** It sits in its class's stack of slabs with free blocks (or is on its way there). */
    static final int LISTED = 2;
    /** Unlisted and closed (or being closed); terminal. */
    static final int RETIRED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ClassSlab.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The bits of a {@link #encode}d layout that hold the size (a class block is at most 1 GiB). */
    private static final long SIZE_BITS = (1L << 56) - 1;

    final FixedBlockPool pool;
    final BlockIndexes indexes;
    final SlabMemory memory;
    /** The first address of the slab's memory, and one past its last. */
    final long start;
    final long end;
    /**
     * Per block, the {@link #encode}d layout of its allocation: written by the thread that took the block (which owns
     * it then), read by the thread that frees it (the pool's free-to-take edge orders them). Not cleared on free: a
     * second free with the same layout reaches the pool, which names it a double free.
     */
    final long[] layouts;
    /** One of {@link #CURRENT}, {@link #FULL}, {@link #LISTED}, {@link #RETIRED}: see {@link SlabSupply}. */
    private volatile int state = CURRENT;
    /** Where the slab sits in its class's list of all slabs; guarded by the class's lock. */
    int slot;

    ClassSlab(FixedBlockPool pool, SlabMemory memory, long[] layouts) {
        this.pool = pool;
        this.indexes = pool.indexes();
        this.memory = memory;
        this.layouts = layouts;
        this.start = memory.raw().address();
        this.end = start + memory.raw().byteSize();
    }

    /**
     * Takes a block for {@code layout}: the pool's own segment of the whole block (no new object), or null when the
     * slab has none free to this thread or was retired meanwhile (its closed pool throws).
     */
    MemorySegment take(Layout layout) {
        final int index;
        try {
            index = indexes.acquireFor(layout.size());
        } catch (IllegalStateException retired) {
            return null;
        }
        if (index < 0) {
            return null;
        }
        layouts[index] = encode(layout);
        return indexes.segment(index);
    }

    /** Whether {@code address} lies within the slab's memory. */
    boolean contains(long address) {
        return address >= start && address < end;
    }

    int state() {
        return state;
    }

    void state(int next) {
        state = next;
    }

    boolean changeState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
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
