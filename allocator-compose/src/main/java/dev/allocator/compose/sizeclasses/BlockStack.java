package dev.allocator.compose.sizeclasses;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One thread's cache of free blocks of one {@link SizeClass}: a LIFO stack of (slab, block index) pairs, any slab of
 * the class. Only its owner thread touches it while that thread lives (after it ended, the thread that adopts it);
 * so no operation here is atomic. When it is empty, {@link BlockRouter} refills half of it from the class in one bulk take; a
 * push gives the older half back to the slabs when it is full, one bulk give per run of blocks of one slab.
 *
 * <p>Blocks in a stack are free to their caller's view (their layout word is {@link ClassSlab#FREE}) and in use to
 * their slab's pool: so a slab with a block in some stack is never retired.
 *
 * <p>The stack also counts the allocations it served ({@link #counted}), in a field beside {@link #count}: the one
 * cache line a pop writes anyway, and a line no other thread writes (a count in an object the thread's stacks share
 * would sit beside another thread's once the collector copies them next to each other).
 */
final class BlockStack {

    private static final VarHandle POPS;

    static {
        try {
            POPS = MethodHandles.lookup().findVarHandle(BlockStack.class, "pops", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Blocks of this many bytes or more are read on a push: a page (see {@link #warms}). */
    static final long WARM_FROM = 4096;

    private final SizeClass sizeClass;
    /** The stack: (slabs[i], indexes[i]) for {@code i < count}, the top at {@code count - 1}; read by BlockRouter. */
    final ClassSlab[] slabs;
    final int[] indexes;
    int count;
    /**
     * Whether a push reads the block's first byte into {@link #warm}: for blocks of {@link #WARM_FROM} bytes or more.
     * The next allocation of the class takes that block back (the stack is LIFO) and its caller writes it; a block of
     * a page or more is likely out of the cache and the TLB by the time it is freed (nothing in a free touches its
     * memory, unlike malloc's), and a load in the free overlaps that miss with the rest of the work, where the
     * caller's store after the allocation would wait for it.
     */
    private final boolean warms;
    /** The first byte of the block last pushed (see {@link #warms}): stored so that the load is not dropped. */
    private byte warm;
    /** Allocations served from this stack; single writer (the owner), opaque, read by any thread. */
    private long pops;

    BlockStack(SizeClass sizeClass, int capacity) {
        this.sizeClass = sizeClass;
        this.warms = sizeClass.block().size() >= WARM_FROM;
        this.slabs = new ClassSlab[capacity];
        this.indexes = new int[capacity];
    }

    /** When this stack {@link #warms}, reads the first byte of block {@code index} of {@code slab}, just pushed. */
    void warm(ClassSlab slab, int index) {
        if (warms) {
            warm = slab.blocks[index].get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    /**
     * Takes a block from the stack for an allocation whose layout word is {@code word}: the pool's whole-block
     * segment, or null when the stack is empty.
     */
    MemorySegment pop(long word) {
        final int n = count - 1;
        if (n < 0) {
            return null;
        }
        count = n;
        final ClassSlab slab = slabs[n];
        final int index = indexes[n];
        slab.hold(index, word);
        return slab.blocks[index];
    }

    /** Counts one allocation served from this stack (the owner only). */
    void counted() {
        POPS.setOpaque(this, (long) POPS.getOpaque(this) + 1);
    }

    /** Allocations served from this stack, as last written by its owner. */
    long allocations() {
        return (long) POPS.getOpaque(this);
    }

    /** Puts a freed block on the stack; when it is full, the older half goes back to the slabs first. */
    void push(ClassSlab slab, int index) {
        int n = count;
        if (n == slabs.length) {
            n = flush(slabs.length / 2);
        }
        slabs[n] = slab;
        indexes[n] = index;
        count = n + 1;
        warm(slab, index);
    }

    /**
     * Gives the {@code n} oldest blocks back to their slabs and moves the rest down.
     *
     * @return how many blocks the stack holds now
     */
    int flush(int n) {
        int from = 0;
        while (from < n) {
            final ClassSlab slab = slabs[from];
            int to = from + 1;
            while (to < n && slabs[to] == slab) {
                to++;
            }
            sizeClass.giveBack(slab, indexes, from, to - from);
            from = to;
        }
        final int kept = count - n;
        System.arraycopy(slabs, n, slabs, 0, kept);
        System.arraycopy(indexes, n, indexes, 0, kept);
        Arrays.fill(slabs, kept, count, null);
        count = kept;
        return kept;
    }

    /** Gives every block back to its slab; returns how many. */
    int flushAll() {
        final int n = count;
        flush(n);
        return n;
    }
}
