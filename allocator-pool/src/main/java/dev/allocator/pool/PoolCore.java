package dev.allocator.pool;

import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockCaches;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeListCorruptException;
import dev.allocator.pool.internal.HighWaterMark;
import dev.allocator.pool.internal.Lane;
import dev.allocator.pool.internal.TaggedFreeList;
import dev.allocator.pool.internal.ThreadLanes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * The pool's state and every operation on it, checks included; {@link FixedBlockPool} and {@link BlockIndexes} are
 * its two public faces. Thread-safe.
 */
final class PoolCore {

    /*
     * Maintainers' notes.
     *
     * Take (allocate, acquire): freeList.pop() is the linearization point (see TaggedFreeList for the CAS and its ABA
     * tag); then, in the taking thread, which owns the block now: highWater.taken, then claim: states.take, which
     * stores the block's state word (holder's layout) and take count after checking, with a plain read, that the
     * word was FREE, then the link word is cleared under wipe-on-free. Every tier (lane, slot, list, bulk chain) ends in
     * claim, so a block that reaches a taker while allocated (its free-list link was overwritten by a stray write,
     * or a double free with checking off put it in twice) is never handed out: the pool reports a corrupt free-list
     * naming the block and is poisoned (state CORRUPT: every later take throws IllegalStateException with the first
     * report; frees, stats and close still work). Links are range-checked where they are read (TaggedFreeList), so a
     * link outside the slab is reported the same way, never as an IndexOutOfBoundsException.
     * Give (deallocate, release): PoolFree, whose notes give the checks, the state CAS and where a block goes.
     * Bulk forms: PoolBulk.
     *
     * Counters: no shared counter and no thread-local lookup on the hot path. Each block's take count and requested
     * bytes are written by its holder only (BlockStates), and stats() adds them up, O(capacity); in use = blocks whose
     * state is ALLOCATED; deallocations = allocations - in use. The high-water mark comes from the deepest block index
     * ever taken (HighWaterMark says why that is exact). Exhaustions and other failures are rare: LongAdders.
     * Counting per block needs no thread lookup on the hot path.
     *
     * Thread caches (cache > 0): a platform thread that holds a lane (ThreadLanes.mine()) takes from and gives to
     * its lane with plain loads and stores; the state CAS (PoolFree) is the only atomic instruction of a lane free.
     * Every other thread goes through BlockCaches' per-call slots, whose notes give the slot protocol, the
     * happens-before edges and the linearization points, including that of an exhaustion. When a lane and the list
     * are both empty, take tries the slots, then
     * ThreadLanes.takeSlow (adopt dead threads' lanes, revoke live ones). Blocks in lanes and slots count as free in
     * stats (their state is FREE). The high-water mark's exactness argument (HighWaterMark) needs a LIFO list with
     * nothing beside it: with caches it is an upper bound (it may count blocks that sat in caches), still at least the
     * true figure, since every block in use has an index no deeper than the deepest ever taken. takeMany trims the
     * caches when the list runs short; close() trims the slots (lanes need no trim: the slab goes away whole).
     *
     * Close: check that this thread may give the slab back (Slab.requireReleasableBy: a confined backing's segment
     * must be accessible), then CAS `state` to CLOSED, then Slab.release, then unregister from a backing the pool
     * does not own. `state` is read plain on the hot path (requireOpen, requireUsable): an operation racing with
     * close may still pop or push: the list lives in the slab's scoped segment, so it throws IllegalStateException
     * once the arena is closed, or its caller gets a segment that is already dead.
     */

    private static final VarHandle STATE;
    private static final ValueLayout.OfInt LINK_WORD = ValueLayout.JAVA_INT;
    private static final int OPEN = 0;
    private static final int CORRUPT = 1;
    private static final int CLOSED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PoolCore.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Slab slab;
    final MemorySegment[] blocks;
    final TaggedFreeList freeList;
    /** Null when caching is off. */
    final BlockCaches caches;
    /** Null when caching is off; the platform threads' own caches, in front of {@link #caches}. */
    final ThreadLanes lanes;
    final BlockStates states;
    final boolean checkDoubleFree;
    final long blockSize;
    final long alignment;
    /** The state word of a block taken whole by the index API or a bulk take (any alignment matches on free). */
    final long wholeBlock;
    /** The slab's scope: {@link #owns} is a scope identity test. */
    private final MemorySegment.Scope scope;
    final Wipe wipe;
    final boolean wipeOnFree;
    private final HighWaterMark highWater = new HighWaterMark();
    private final LongAdder exhaustions = new LongAdder();
    private final LongAdder otherFailures = new LongAdder();
    final PoolBulk bulk;
    final PoolFree free;
    /** OPEN, CORRUPT (a corrupt free-list was found: no more takes) or CLOSED. */
    private volatile int state;
    /** The first corrupt free-list report, for the exception every later take throws. */
    private volatile IllegalStateException corruption;

    PoolCore(Slab slab, Wipe wipe, boolean checkDoubleFree, int cache, int cacheSlots, boolean lanes) {
        this.slab = slab;
        this.blocks = slab.blocks;
        this.blockSize = slab.blockSize;
        this.wholeBlock = BlockStates.allocated(blockSize, 0);
        this.scope = slab.scope;
        this.alignment = slab.alignment;
        this.wipe = wipe;
        this.wipeOnFree = wipe.onFree();
        if (wipeOnFree) {
            slab.memory.fill((byte) 0);
        }
        this.states = new BlockStates(slab.capacity);
        this.checkDoubleFree = checkDoubleFree;
        this.freeList = new TaggedFreeList(slab.memory, slab.stride, slab.capacity);
        freeList.linkAll();
        this.caches = cache > 0 ? new BlockCaches(freeList, cache,
                cacheSlots > 0 ? cacheSlots : BlockCaches.defaultSlots()) : null;
        final int laneCount = ThreadLanes.defaultCount();
        final int laneSize = laneSize(cache, slab.capacity, laneCount);
        this.lanes = lanes && laneSize > 0 ? new ThreadLanes(freeList, laneSize, laneCount) : null;
        this.bulk = new PoolBulk(this);
        this.free = new PoolFree(this);
    }

    /**
     * Blocks per thread lane: {@code cache}, but no more than a quarter of the pool spread over all lanes, so parked
     * blocks never hold more than a quarter of the pool; 0 (no lanes) when that leaves fewer than 2.
     */
    static int laneSize(int cache, int capacity, int lanes) {
        final int size = Math.min(cache, capacity / (4 * lanes));
        return size >= 2 ? size : 0;
    }

    /**
     * Throws once the pool is closed: the check of the free paths. The read is plain: close() racing with a call is
     * the caller's bug, and what that call can then touch is safe (the slab's segments throw once their scope is
     * closed), so the hot path pays no ordering for it.
     */
    void requireOpen() {
        Checks.requireOpen((int) STATE.get(this) == CLOSED, this);
    }

    /** Throws once the pool is closed or its free-list was found corrupt: the check of the take paths (plain). */
    void requireUsable() {
        if ((int) STATE.get(this) != OPEN) {
            requireOpen();
            throw PoolErrors.stillCorrupt(corruption, this);
        }
    }

    // ------------------------------------------------------------------------------------------------------- take

    /** A segment for {@code layout}, or null (counted) when it does not fit or no block is free. */
    MemorySegment tryAllocate(Layout layout) {
        Objects.requireNonNull(layout, "layout");
        requireUsable();
        if (!fits(layout)) {
            otherFailures.increment();
            return null;
        }
        final int index = take();
        if (index == END) {
            exhaustions.increment();
            return null;
        }
        return handOut(index, layout);
    }

    boolean fits(Layout layout) {
        return layout.size() <= blockSize && layout.alignment() <= alignment;
    }

    void countMisfit() {
        otherFailures.increment();
    }

    void countExhaustion() {
        exhaustions.increment();
    }

    /** Claims and returns block {@code index}, just popped, as a segment for {@code layout}. */
    MemorySegment handOut(int index, Layout layout) {
        final long size = layout.size();
        claim(index, BlockStates.allocated(size, layout.alignment()));
        final MemorySegment block = blocks[index];
        return size == blockSize ? block : block.asSlice(0, size);
    }

    /**
     * Records that the calling thread holds block {@code index}, just popped, with state {@code word}; when the block
     * was not free, hands nothing out: poisons the pool and throws.
     */
    void claim(int index, long word) {
        if (!states.take(index, word)) {
            throw poison(PoolErrors.takenTwice(index, slab.address(index), states.statePlain(index), this));
        }
        if (wipeOnFree) {
            blocks[index].set(LINK_WORD, 0, 0); // the link, the only non-zero word of a block freed under wipe
        }
    }

    /**
     * Marks the pool CORRUPT (the first report is kept) and returns the exception to throw: after a corrupt free-list
     * the pool hands out nothing more, since the next block it would hand out could be a live one.
     */
    IllegalStateException poison(IllegalStateException report) {
        if (STATE.compareAndSet(this, OPEN, CORRUPT)) {
            corruption = report;
        }
        return report;
    }

    /** An index (counted as a whole block), or END (counted as an exhaustion). */
    int acquire() {
        requireUsable();
        return counted(take());
    }

    /** Like {@link #acquire()}, counted as {@code requested} bytes in use; END (not counted) when it cannot fit. */
    int acquireFor(long requested) {
        requireUsable();
        if (requested < 0 || requested > blockSize) {
            throw PoolErrors.badRequest(requested, this);
        }
        final int index = take();
        if (index == END) {
            exhaustions.increment();
        } else {
            claim(index, BlockStates.allocated(requested, 0));
        }
        return index;
    }

    int counted(int index) {
        if (index == END) {
            exhaustions.increment();
        } else {
            claim(index, wholeBlock);
        }
        return index;
    }

    /**
     * Pops a block and does the taking thread's bookkeeping, but no counting and no claim; END when empty.
     *
     * @throws IllegalStateException when the free-list is found corrupt (the pool is then poisoned)
     */
    int take() {
        try {
            return takeAny();
        } catch (FreeListCorruptException e) {
            throw poison(PoolErrors.corrupt(e, slab.address(e.block()), this));
        }
    }

    private int takeAny() {
        final ThreadLanes lanes = this.lanes;
        final int index;
        if (lanes != null) {
            final Lane lane = lanes.mine();
            index = lane != null ? lanes.take(lane) : END;
            return index != END ? took(index) : takeShared(lanes);
        }
        final BlockCaches caches = this.caches;
        index = caches != null ? caches.take() : freeList.pop();
        return index != END ? took(index) : END;
    }

    /** The lane was empty and so was the list, or the caller has no lane: the shared caches, then dead lanes. */
    private int takeShared(ThreadLanes lanes) {
        int index = caches.take();
        if (index == END) {
            index = lanes.takeSlow();
        }
        return index != END ? took(index) : END;
    }

    int took(int index) {
        highWater.taken(index);
        return index;
    }

    // ------------------------------------------------------------------------------------------------------- give

    int indexOf(MemorySegment segment) {
        if (!owns(segment)) {
            throw PoolErrors.foreign(segment, this);
        }
        final long offset = segment.address() - slab.base;
        final int index = (int) slab.blockOf(offset);
        if (!slab.isBlockStart(offset)) {
            throw PoolErrors.notBlockStart(segment, index, slab.address(index), this);
        }
        return index;
    }

    int checkRange(int index) {
        if (index < 0 || index >= blocks.length) {
            throw PoolErrors.indexOutOfRange(index, this);
        }
        return index;
    }

    /** Scope identity: the pool's arena hands every block the same scope object, and scopes have no other equality. */
    boolean owns(MemorySegment segment) {
        return segment.scope() == scope;
    }

    // -------------------------------------------------------------------------------------------- caches

    /** Gives every cached block back to the shared list; 0 when caching is off. */
    int trim() {
        requireOpen();
        return caches != null ? trimCaches() : 0;
    }

    int trimCaches() {
        return caches.trim() + (lanes != null ? lanes.trim() : 0);
    }

    /** The calling thread gives its own cache back; see {@link FixedBlockPool#releaseThreadCache()}. */
    int releaseThreadCache() {
        requireOpen();
        return lanes != null ? lanes.releaseMine() : 0;
    }

    /** Free blocks parked in the caches of other live threads (a hint, for messages). */
    int parkedElsewhere() {
        return lanes != null ? lanes.parkedElsewhere() : 0;
    }

    // ------------------------------------------------------------------------------------- stats and lifecycle

    PoolStats stats() {
        final long[] sums = states.sum();
        final long allocations = sums[0];
        final int inUse = (int) Math.min(sums[1], allocations);
        final long exhausted = exhaustions.sum();
        return new PoolStats(blockSize, slab.stride, slab.capacity, inUse, Math.max(highWater.get(), inUse),
                allocations, allocations - inUse, exhausted, exhausted + otherFailures.sum(), sums[2],
                state == CLOSED ? 0 : slab.bytes());
    }

    /** Throws, changing nothing, when this thread could not close the pool; see {@link Slab#requireReleasableBy}. */
    void requireCloseable() {
        if (state != CLOSED) {
            slab.requireReleasableBy(Thread.currentThread(), this);
        }
    }

    /**
     * Closes the pool once; {@code self} is the face registered with a backing the pool does not own.
     *
     * @throws WrongThreadException  when this thread may not give the slab back (nothing changes)
     * @throws IllegalStateException when a block is in use by a native call in another thread (nothing changes)
     */
    void close(AutoCloseable self) {
        if (state == CLOSED) {
            return;
        }
        requireCloseable();
        int before;
        do {
            before = state;
            if (before == CLOSED) {
                return;
            }
        } while (!STATE.compareAndSet(this, before, CLOSED));
        if (caches != null) {
            caches.trim();
        }
        try {
            slab.release(wipe.onClose());
        } catch (IllegalStateException inUse) {
            if (slab.scope.isAlive()) {
                state = before;
            }
            throw inUse;
        }
        slab.unregister(self);
    }

    @Override
    public String toString() {
        final PoolStats stats = stats();
        return "pool(" + blockSize + " B x " + stats.capacity() + ", " + stats.inUse() + " in use, high-water "
                + stats.highWater() + ", " + stats.exhaustions() + " exhausted"
                + (state == CLOSED ? ", closed)" : state == CORRUPT ? ", free-list corrupt)" : ")");
    }
}
