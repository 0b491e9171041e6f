package dev.allocator.compose.sizeclasses;

import java.lang.foreign.MemorySegment;
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

    private final SizeClass sizeClass;
    /** The stack: (slabs[i], indexes[i]) for {@code i < count}, the top at {@code count - 1}; read by BlockRouter. */
    final ClassSlab[] slabs;
    final int[] indexes;
    int count;
    /**
     * The value {@link ClassSlab#touch} made of the block last pushed: stored here, where only the owner writes, so
     * that the JIT keeps the loads it was made from.
     */
    private byte touched;
    /** Allocations served from this stack; single writer (the owner), opaque, read by any thread. */
    private long pops;

    BlockStack(SizeClass sizeClass, int capacity) {
        this.sizeClass = sizeClass;
        this.slabs = new ClassSlab[capacity];
        this.indexes = new int[capacity];
    }

    /** Keeps {@code value}, from {@link ClassSlab#touch} for the block just pushed. */
    void touched(byte value) {
        touched = value;
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

    /**
     * Puts a freed block on the stack, with what {@link ClassSlab#touch} read of it; when the stack is full, the older
     * half goes back to the slabs first.
     */
    void push(ClassSlab slab, int index, byte touch) {
        int n = count;
        if (n == slabs.length) {
            n = flush(slabs.length / 2);
        }
        slabs[n] = slab;
        indexes[n] = index;
        count = n + 1;
        touched = touch;
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
