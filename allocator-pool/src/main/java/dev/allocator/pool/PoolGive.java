package dev.allocator.pool;

import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeBlockTier;
import dev.allocator.pool.internal.TaggedFreeList;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The pool's single-block give paths ({@code deallocate}, {@code release}), with every check, and the timed-wait
 * registration that sends gives to the shared list. Thread-safe.
 */
final class PoolGive {

    /*
     * Maintainers' notes.
     *
     * Give: every check first (owner, block start, layout, range); then the state word goes from the holder's exact
     * word to FREE by CAS (states.tryGive): that CAS decides a double free and a wrong layout at once, on every tier;
     * of two racing gives exactly one wins. A mismatch goes to giveChecked, which reads the word and names the fault
     * (double free, or the layout the block was allocated with). Then the wipe, then tier.give (lane, slot or list),
     * the linearization point of the give. Every check that can throw runs before anything changes: a failed call
     * leaves the pool as it was. Bulk forms: PoolBulk.
     *
     * Timed waits (BoundedWait): a waiter increments `waiters` before its first retry; a give reads `waiters`
     * (volatile) after its state CAS and, when a waiter exists, pushes to the shared list instead of the tier. Both
     * are synchronization actions, so either the give's CAS precedes the increment (the give linearized before the
     * wait began: its block may be parked, as for tryAllocate) or the give sees the waiter and the block goes where
     * the waiter looks. With double-free checking off the state store is plain and a give racing with the start of a
     * wait may still park its block.
     *
     * Fast give: deallocate first tries the common case in few bytecodes (Slab.blockAt, scope identity, size, one
     * CAS of the exact state word), so that a caller that inlines it lets the JIT remove the slice object of a
     * smaller-than-block request; anything else goes to deallocateChecked, which names what is wrong.
     */

    private static final VarHandle WAITERS;
    /** The {@code alignment} argument of {@link #giveChecked} that accepts any layout (the index API). */
    private static final long ANY = -1;

    static {
        try {
            WAITERS = MethodHandles.lookup().findVarHandle(PoolGive.class, "waiters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PoolCore core;
    private final Slab slab;
    private final BlockStates states;
    private final FreeBlockTier tier;
    private final TaggedFreeList freeList;
    private final long blockSize;
    private final long wholeBlock;
    private final boolean wipeOnFree;
    private final boolean checkDoubleFree;
    /** Threads in a timed wait (BoundedWait): while above 0, gives go to the shared list. */
    private volatile int waiters;

    PoolGive(PoolCore core) {
        this.core = core;
        this.slab = core.slab;
        this.states = core.states;
        this.tier = core.tier;
        this.freeList = core.freeList;
        this.blockSize = core.blockSize;
        this.wholeBlock = core.wholeBlock;
        this.wipeOnFree = core.wipeOnFree;
        this.checkDoubleFree = core.checkDoubleFree;
    }

    void deallocate(MemorySegment segment, Layout layout, boolean zero) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        core.requireOpen();
        // The common case in few bytecodes: ours (same scope), at a block start, the size asked for, and a state word
        // that is exactly the one this layout's take stored (one CAS decides both the layout and a double free).
        final long size = layout.size();
        final int index = slab.blockAt(segment.address());
        if (index >= 0 && segment.scope() == slab.scope && segment.byteSize() == size && size <= blockSize
                && tryGive(index, BlockStates.allocated(size, layout.alignment()), zero || wipeOnFree)) {
            return;
        }
        deallocateChecked(segment, layout, zero);
    }
    private void deallocateChecked(MemorySegment segment, Layout layout, boolean zero) {
        final int index = core.indexOf(segment);
        final long size = segment.byteSize();
        if (layout.size() != size || size > blockSize || layout.alignment() > core.alignment) {
            throw PoolErrors.wrongLayout(index, slab.address(index), segment, layout,
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
            if (!states.tryGive(index, expected)) {
                return false;
            }
        } else if (!states.giveIfHeldAs(index, expected)) {
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
            if (!BlockStates.isAllocatedWord(word) || (word & BlockStates.GIVING) != 0) {
                throw PoolErrors.doubleFree(index, slab.address(index), core);
            }
            if (alignment != ANY && !BlockStates.matches(word, requested, alignment == 0
                    ? BlockStates.alignment(word) : alignment)) {
                throw PoolErrors.wrongLayout(index, slab.address(index), segment,
                        Layout.of(requested, Math.max(alignment, 1)), word, core);
            }
            if (tryGive(index, word, zero)) {
                return;
            }
            // the word changed since the read: another free of this block won; the next round reports it
        }
    }

    /** Puts block {@code index}, now FREE, where takers find it: the tier, or the list while a thread waits. */
    private void put(int index, boolean zero) {
        if (zero) {
            core.slab.zero(index);
        }
        if (waiting()) { // after the state CAS: see "Timed waits" in the notes
            freeList.push(index);
        } else {
            tier.give(index);
        }
    }

    /** Whether a thread is in a timed wait, so that a give must go to the shared list (volatile). */
    boolean waiting() {
        return (int) WAITERS.getVolatile(this) != 0;
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
