package dev.allocator.pool;

import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeBlockTier;
import dev.allocator.pool.internal.FreeListCorruptException;
import dev.allocator.pool.internal.HighWaterMark;
import dev.allocator.pool.internal.LaneTier;
import dev.allocator.pool.internal.ListTier;
import dev.allocator.pool.internal.SlotTier;
import dev.allocator.pool.internal.TaggedFreeList;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * The pool's state, its take path and its lifecycle; {@link FixedBlockPool}, {@link BlockIndexes} and
 * {@link LocalCache} are its public faces, {@link PoolGive} its give path, {@link PoolBulk} its bulk forms.
 * Thread-safe.
 */
final class PoolCore {

    /*
     * Maintainers' notes.
     *
     * Vocabulary. take / give: the pool's verb pair (allocate and acquire are the public names of a take, deallocate
     * and release of a give). pop / push: the free-list's. Slab: the one memory region a pool carves its blocks from
     * (Slab holds its geometry and lifecycle). Cache: free blocks held outside the list for one thread: a lane (per
     * platform thread), a slot (per call) or a LocalCache (per user-owned thread). Tier: where free blocks live
     * besides the list, chosen once in the constructor (FreeBlockTier: ListTier, SlotTier or LaneTier).
     *
     * Invariants.
     *  I1. Every block is in exactly one place: in use (its state word ALLOCATED, held by one caller), in the list, in
     *      a cache (lane, slot, LocalCache), or in the hands of a thread between a pop and its claim or between its
     *      state CAS and its push. Blocks in lists and caches have state FREE: stats count them as free.
     *  I2. FREE -> ALLOCATED only in the thread that popped the block (claim, plain: it owns it); ALLOCATED -> FREE
     *      only by the state CAS of a give (PoolGive; plain with checking off), before the block is pushed anywhere.
     *  I3. A block that reaches claim while not FREE came through a corrupt list: nothing is handed out, the pool is
     *      poisoned (state CORRUPT, the first report kept): every later take throws; gives, stats, close still work.
     *  I4. `state` goes OPEN -> CORRUPT -> CLOSED or OPEN -> CLOSED, never back (except a close that the JDK refused).
     *
     * Take: tier.take() pops (its linearization point is the tier's: the list CAS, a lane's count store, a slot's
     * claim); then, in the taking thread: highWater.onTake, claim (state word := the holder's layout, take count++),
     * then the link word is cleared under wipe-on-free. Links are range-checked where they are read (TaggedFreeList),
     * so a link outside the slab is reported as corruption, never as an IndexOutOfBoundsException.
     *
     * Counters: nothing shared on the hot path. Per block: take count and holder's layout (BlockStates), summed by
     * stats() in O(capacity); in use = ALLOCATED words; deallocations = allocations - in use. The high-water mark
     * comes from the deepest block index ever taken (exact with ListTier, an upper bound with caches: HighWaterMark).
     * Exhaustions and misfits: LongAdders. An exhaustion costs no O(capacity) work: the tier's slow path sweeps its
     * lanes and slots (a fixed number, a few per processor), the message reads their counts and those of the open
     * LocalCaches (describe() instead of toString(), which would add up every block).
     *
     * Close: check that this thread may give the slab back (Slab.requireReleasableBy), CAS `state` to CLOSED, trim
     * the tier, Slab.release, unregister from a backing the pool does not own. `state` is read plain on the hot path
     * (requireOpen, requireUsable): an operation racing with close may still pop or push, but the list lives in the
     * slab's scoped segment, so it throws IllegalStateException once the arena is closed, or its caller gets a
     * segment that is already dead. LocalCaches read the same state on every call, so the pool's close invalidates
     * them; they never touch the slab after it.
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
    /** The number of blocks. */
    final int capacity;
    final TaggedFreeList freeList;
    final FreeBlockTier tier;
    final BlockStates states;
    final boolean checkDoubleFree;
    final long blockSize;
    final long alignment;
    /** The state word of a block taken whole by the index API or a bulk take (any alignment matches on free). */
    final long wholeBlock;
    final Wipe wipe;
    final boolean wipeOnFree;
    final int cache;
    private final HighWaterMark highWater = new HighWaterMark();
    private final LongAdder exhaustions = new LongAdder();
    private final LongAdder misfits = new LongAdder();
    /** The open LocalCaches: their counts are the parked figure of an exhaustion message. */
    final Set<LocalCache> localCaches = ConcurrentHashMap.newKeySet();
    final PoolBulk bulk;
    final PoolGive give;
    /** OPEN, CORRUPT (a corrupt free-list was found: no more takes) or CLOSED. */
    private volatile int state;
    /** The first corrupt free-list report, for the exception every later take throws. */
    private volatile IllegalStateException corruption;

    PoolCore(Slab slab, Wipe wipe, boolean checkDoubleFree, int cache, int slots, boolean lanes) {
        this.slab = slab;
        this.capacity = slab.capacity;
        this.blockSize = slab.blockSize;
        this.alignment = slab.alignment;
        this.wholeBlock = BlockStates.allocated(blockSize, 0);
        this.wipe = wipe;
        this.wipeOnFree = wipe.onFree();
        if (wipeOnFree) {
            slab.memory.fill((byte) 0);
        }
        this.states = new BlockStates(slab.capacity);
        this.checkDoubleFree = checkDoubleFree;
        this.cache = cache;
        this.freeList = new TaggedFreeList(slab.memory, slab.stride, slab.capacity);
        freeList.linkAll();
        this.tier = tier(freeList, cache, slots, lanes, slab.capacity);
        this.bulk = new PoolBulk(this);
        this.give = new PoolGive(this);
    }

    /** The tier for these options: the list alone, slots, or lanes with slots behind them. */
    static FreeBlockTier tier(TaggedFreeList list, int cache, int slots, boolean lanes, int capacity) {
        if (cache == 0) {
            return new ListTier(list);
        }
        final SlotTier slotTier = new SlotTier(list, cache, slots > 0 ? slots : SlotTier.defaultSlots());
        final int laneCount = LaneTier.defaultCount();
        final int laneSize = LaneTier.laneSize(cache, capacity, laneCount);
        return lanes && laneSize > 0 ? new LaneTier(list, slotTier, laneSize, laneCount) : slotTier;
    }

    /**
     * Throws once the pool is closed: the check of the give paths. The read is plain: close() racing with a call is
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
            misfits.increment();
            return null;
        }
        final long size = layout.size();
        final int index = take(BlockStates.allocated(size, layout.alignment()));
        return index == END ? null : segment(index, size);
    }

    boolean fits(Layout layout) {
        return layout.size() <= blockSize && layout.alignment() <= alignment;
    }

    void countMisfit() {
        misfits.increment();
    }

    void countExhaustion() {
        exhaustions.increment();
    }

    /** The segment of block {@code index} for a request of {@code size} bytes, built on demand (Slab.segment). */
    MemorySegment segment(int index, long size) {
        return slab.segment(index, size);
    }

    /**
     * Takes a block through the tier and claims it with state {@code word}; END, counted as an exhaustion, when none
     * is free.
     */
    int take(long word) {
        final int index = pop();
        if (index == END) {
            exhaustions.increment();
            return END;
        }
        claim(index, word);
        return index;
    }

    /**
     * Pops a block through the tier, unclaimed (the caller claims it or gives it back); END when none is free.
     *
     * @throws IllegalStateException when the free-list is found corrupt (the pool is then poisoned)
     */
    int pop() {
        try {
            return tier.take();
        } catch (FreeListCorruptException e) {
            throw poison(PoolErrors.corrupt(e, slab.address(e.block()), this));
        }
    }

    /**
     * Records that the calling thread holds block {@code index}, just popped, with state {@code word}; when the block
     * was not free, hands nothing out: poisons the pool and throws (I3).
     */
    void claim(int index, long word) {
        highWater.onTake(index);
        claimCached(index, word);
    }

    /**
     * {@link #claim} for a block whose index the high-water mark has already seen ({@link #noteTaken}): a LocalCache's
     * hit.
     */
    void claimCached(int index, long word) {
        if (!states.take(index, word)) {
            throw poison(PoolErrors.takenTwice(index, slab.address(index), states.statePlain(index), this));
        }
        if (wipeOnFree) {
            // the link, the only non-zero word of a block freed under wipe
            slab.memory.set(LINK_WORD, index * slab.stride, 0);
        }
    }

    /** Raises the high-water mark for a batch of blocks popped into a cache, {@code deepest} its largest index. */
    void noteTaken(int deepest) {
        highWater.onTake(deepest);
    }

    /** Marks the pool CORRUPT (the first report is kept) and returns the exception to throw (I3). */
    IllegalStateException poison(IllegalStateException report) {
        if (STATE.compareAndSet(this, OPEN, CORRUPT)) {
            corruption = report;
        }
        return report;
    }

    /** A block index for {@code requested} bytes (the index API), or END (counted) when none is free. */
    int acquire(long requested) {
        requireUsable();
        if (requested < 0 || requested > blockSize) {
            throw PoolErrors.badRequest(requested, this);
        }
        return take(BlockStates.allocated(requested, 0));
    }

    // ------------------------------------------------------------------------------------------- give helpers

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
        if (index < 0 || index >= capacity) {
            throw PoolErrors.indexOutOfRange(index, this);
        }
        return index;
    }

    /** Scope identity: the pool's arena hands every block the same scope object, and scopes have no other equality. */
    boolean owns(MemorySegment segment) {
        return segment.scope() == slab.scope;
    }

    // -------------------------------------------------------------------------------------------------- caches

    /** Gives every cached block that can go back now to the list; 0 with {@link ListTier}. */
    int trim() {
        requireOpen();
        return tier.trim();
    }

    /** The calling thread gives its own lane back; see {@link FixedBlockPool#releaseThreadCache()}. */
    int releaseThreadCache() {
        requireOpen();
        return tier.releaseMine();
    }

    // ------------------------------------------------------------------------------------- stats and lifecycle

    PoolStats stats() {
        final long[] sums = states.sum();
        final long allocations = sums[0];
        final int inUse = (int) Math.min(sums[1], allocations);
        final long exhausted = exhaustions.sum();
        return new PoolStats(blockSize, slab.stride, slab.capacity, inUse, Math.max(highWater.get(), inUse),
                allocations, allocations - inUse, exhausted, exhausted + misfits.sum(), sums[2],
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
        tier.trim();
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

    boolean isClosed() {
        return state == CLOSED;
    }

    /** The pool without its counts, in O(1): what error messages name. */
    String describe() {
        return "pool(" + blockSize + " B x " + capacity
                + (state == CLOSED ? ", closed)" : state == CORRUPT ? ", free-list corrupt)" : ")");
    }

    @Override
    public String toString() {
        final PoolStats stats = stats();
        return "pool(" + blockSize + " B x " + stats.capacity() + ", " + stats.inUse() + " in use, high-water "
                + stats.highWater() + ", " + stats.exhaustions() + " exhausted"
                + (state == CLOSED ? ", closed)" : state == CORRUPT ? ", free-list corrupt)" : ")");
    }
}
