package dev.allocator.pool;

import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockCaches;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.Lane;
import dev.allocator.pool.internal.TaggedFreeList;
import dev.allocator.pool.internal.ThreadLanes;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The pool's single-block free paths ({@code deallocate}, {@code release}), with every check, and the timed-wait
 * registration the lane free honours. Thread-safe.
 */
final class PoolFree {

    /*
     * Maintainers' notes.
     *
     * Give (deallocate, release): every check first (owner, block start, layout, range); then the state word goes
     * from the holder's exact word to FREE by CAS (states.tryFree): that CAS decides a double free and a wrong
     * layout at once, on every path, lanes included; of two racing frees exactly one wins. A mismatch goes to
     * giveChecked, which reads the word and names the fault (double free, or the layout the block was allocated with).
     * Then the wipe, then the push (lane, slot or list), the linearization point of the free. Every check that can
     * throw runs before anything changes: that is why a failed call leaves the pool as it was. Bulk forms: PoolBulk.
     *
     * Timed waits (BoundedWait) and lanes: a waiter increments `waiters` before its first retry; a lane free reads
     * `waiters` (volatile) after its state CAS and, when a waiter exists, pushes to the shared list instead of its
     * lane. Both are synchronization actions, so either the free's CAS precedes the increment (the free linearized
     * before the wait began: its block may be parked, as for tryAllocate) or the free sees the waiter and the block
     * goes where the waiter looks. With double-free checking off the state store is plain and a free racing with the
     * start of a wait may still park its block.
     *
     * Fast free: deallocate first tries the common case in few bytecodes (blockAt, scope identity, size, one CAS of
     * the exact state word), so that a caller that inlines it lets the JIT remove the slice object of a
     * smaller-than-block request; anything else goes to deallocateChecked, which names what is wrong. The slab's
     * address, stride, log2(stride) (-1 when not a power of 2) and scope are copied here for that path: going through
     * the Slab measured 24.9 ± 7.8 against 18.9 ± 3.1 ns per allocate+free (JMH, 2 forks).
     */

    private static final VarHandle WAITERS;
    /** The {@code alignment} argument of {@link #giveChecked} that accepts any layout (the index API). */
    private static final long ANY = -1;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(PoolFree.class, "waiters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PoolCore core;
    private final BlockStates states;
    private final MemorySegment[] blocks;
    private final TaggedFreeList freeList;
    /** Null when caching is off. */
    private final BlockCaches caches;
    /** Null when caching is off or the pool is too small for lanes. */
    private final ThreadLanes lanes;
    private final long base;
    private final long stride;
    private final int strideShift;
    private final int capacity;
    private final MemorySegment.Scope scope;
    private final long blockSize;
    private final long wholeBlock;
    private final boolean wipeOnFree;
    private final boolean checkDoubleFree;
    /** Threads in a timed wait (BoundedWait): while above 0, frees go to the shared list. */
    private volatile int waiters;

    PoolFree(PoolCore core) {
        this.core = core;
        this.states = core.states;
        this.blocks = core.blocks;
        this.freeList = core.freeList;
        this.caches = core.caches;
        this.lanes = core.lanes;
        this.base = core.slab.base;
        this.stride = core.slab.stride;
        this.strideShift = Long.bitCount(stride) == 1 ? Long.numberOfTrailingZeros(stride) : -1;
        this.capacity = core.blocks.length;
        this.scope = core.slab.scope;
        this.blockSize = core.blockSize;
        this.wholeBlock = core.wholeBlock;
        this.wipeOnFree = core.wipeOnFree;
        this.checkDoubleFree = core.checkDoubleFree;
    }

    void deallocate(MemorySegment segment, Layout layout, boolean zero) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        core.requireOpen();
        // The common case in few bytecodes, so that callers (a size-class router, a wrapper) can inline it and the
        // JIT can drop the slice object of a smaller-than-block request: ours (same scope), at a block start, the
        // size asked for, and a state word that is exactly the one this layout's take stored (one CAS decides both
        // the layout and a double free). Everything else takes the checking path, which names what is wrong.
        final long size = layout.size();
        final int index = blockAt(segment.address());
        if (index >= 0 && segment.scope() == scope && segment.byteSize() == size && size <= blockSize
                && tryGive(index, BlockStates.allocated(size, layout.alignment()), zero || wipeOnFree)) {
            return;
        }
        deallocateChecked(segment, layout, zero);
    }

    /** The block starting at {@code address}, or -1 when no block of this pool starts there. */
    int blockAt(long address) {
        final long offset = address - base;
        final int shift = strideShift;
        if (shift >= 0) {
            return offset >= 0 && (offset & (stride - 1)) == 0 && (offset >>> shift) < capacity
                    ? (int) (offset >>> shift) : -1;
        }
        return offset >= 0 && offset % stride == 0 && offset / stride < capacity ? (int) (offset / stride) : -1;
    }

    private void deallocateChecked(MemorySegment segment, Layout layout, boolean zero) {
        final int index = core.indexOf(segment);
        final long size = segment.byteSize();
        if (layout.size() != size || size > blockSize || layout.alignment() > core.alignment) {
            throw PoolErrors.wrongLayout(index, core.slab.address(index), segment, layout,
                    states.stateVolatile(index), core);
        }
        giveChecked(index, size, layout.alignment(), segment, zero || wipeOnFree);
    }

    void release(int index) {
        core.requireOpen();
        core.checkRange(index);
        if (!tryGive(index, wholeBlock, wipeOnFree)) {
            giveChecked(index, 0, ANY, null, wipeOnFree);
        }
    }

    /** Gives back block {@code index}, checking that it was taken for {@code requested} bytes. */
    void releaseFor(int index, long requested) {
        core.requireOpen();
        core.checkRange(index);
        if (!tryGive(index, BlockStates.allocated(requested, 0), wipeOnFree)) {
            giveChecked(index, requested, 0, null, wipeOnFree);
        }
    }

    /**
     * Frees block {@code index} if its state word is exactly {@code expected} (the holder's layout): one CAS, or a
     * plain read and store with double-free checking off. False, with nothing changed, otherwise.
     */
    private boolean tryGive(int index, long expected, boolean zero) {
        if (checkDoubleFree) {
            if (!states.tryFree(index, expected)) {
                return false;
            }
        } else if (states.statePlain(index) == expected) {
            states.markFree(index);
        } else {
            return false;
        }
        put(index, zero);
        return true;
    }

    /**
     * The free after the exact-word attempt failed: reads the state and names the fault (double free, or the layout
     * the block was taken with), or frees a block taken with no alignment recorded. {@code alignment} {@link #ANY}
     * accepts any layout (the index API); 0 checks the size only.
     */
    private void giveChecked(int index, long requested, long alignment, MemorySegment segment, boolean zero) {
        while (true) {
            final long word = checkDoubleFree ? states.stateVolatile(index) : states.statePlain(index);
            if (!BlockStates.isAllocatedWord(word) || (word & BlockStates.FREEING) != 0) {
                throw PoolErrors.doubleFree(index, core.slab.address(index), core);
            }
            if (alignment != ANY && !BlockStates.matches(word, requested, alignment == 0
                    ? BlockStates.alignment(word) : alignment)) {
                throw PoolErrors.wrongLayout(index, core.slab.address(index), segment,
                        Layout.of(requested, Math.max(alignment, 1)), word, core);
            }
            if (tryGive(index, word, zero)) {
                return;
            }
            // the word changed since the read: another free of this block won; the next round reports it
        }
    }

    /** Puts block {@code index}, now FREE, where takers find it: the caller's lane, a slot or the list. */
    private void put(int index, boolean zero) {
        if (zero) {
            blocks[index].fill((byte) 0);
        }
        final ThreadLanes lanes = this.lanes;
        final Lane lane = lanes != null ? lanes.mine() : null;
        if ((int) WAITERS.getVolatile(this) != 0) { // after the state CAS: see "Timed waits" in the notes
            freeList.push(index);
        } else if (lane != null) {
            lanes.give(lane, index);
        } else if (caches != null) {
            caches.give(index);
        } else {
            freeList.push(index);
        }
    }

    /** A timed wait begins: until {@link #waitEnded()}, frees go where a waiter looks. */
    void waitStarted() {
        WAITERS.getAndAdd(this, 1);
    }

    /** A timed wait ends. */
    void waitEnded() {
        WAITERS.getAndAdd(this, -1);
    }
}
