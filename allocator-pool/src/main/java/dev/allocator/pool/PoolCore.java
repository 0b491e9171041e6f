package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockCaches;
import dev.allocator.pool.internal.BlockStates;
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
     * tag); then, in the taking thread, which owns the block now: highWater.taken, clear the link word under
     * wipe-on-free, states.taken (state, take count and requested bytes of that block).
     * Give (deallocate, release): every check first (owner, block start, layout, range), then states.tryMarkFree, the
     * CAS that decides a double free, then the wipe, then freeList.push, the linearization point of the free. Every
     * check that can throw runs before anything changes: that is why a failed call leaves the pool as it was.
     * Bulk take: one popChain CAS, then walk the chain (the blocks are ours). Bulk give: check every entry, mark every
     * state (undo the marks if one fails), link the batch among itself, one pushChain CAS.
     *
     * Counters: no shared counter and no thread-local lookup on the hot path. Each block's take count and requested
     * bytes are written by its holder only (BlockStates), and stats() adds them up, O(capacity); in use = blocks whose
     * state is ALLOCATED; deallocations = allocations - in use. The high-water mark comes from the deepest block index
     * ever taken (HighWaterMark says why that is exact). Exhaustions and other failures are rare: LongAdders. An
     * earlier version counted in per-thread cells behind a ThreadLocal: two lookups cost about 8 ns per pair.
     *
     * Thread caches (cache > 0): a platform thread that holds a lane (ThreadLanes.mine()) takes from and gives to
     * its lane with plain loads and stores; the double-free check there is states.tryMarkFreePlain (a plain read and
     * store of the state word), which catches every free ordered after the first but not two racing ones (documented
     * on PoolBuilder.cache). Every other thread goes through BlockCaches' per-call slots, whose notes give the slot
     * protocol, the happens-before edges and the linearization points, including that of an exhaustion, and which
     * keep states.tryMarkFree's CAS. When a lane and the list are both empty, take tries the slots, then
     * ThreadLanes.takeSlow (adopt dead threads' lanes, revoke live ones). Blocks in lanes and slots count as free in
     * stats (their state is FREE). The high-water mark's exactness argument (HighWaterMark) needs a LIFO list with
     * nothing beside it: with caches it is an upper bound (it may count blocks that sat in caches), still at least the
     * true figure, since every block in use has an index no deeper than the deepest ever taken. takeMany trims the
     * caches when the list runs short; close() trims the slots (lanes need no trim: the slab goes away whole).
     *
     * Fast free: deallocate first tries the common case in few bytecodes (blockAt, scope identity, size), so that a
     * caller that inlines it lets the JIT remove the slice object of a smaller-than-block request; anything else goes
     * to deallocateChecked, which names what is wrong. stride and its shift are copied from the Slab for that path.

     * Close: CAS `closed`, then Slab.release. `closed` is read plain on the hot path (requireOpen): an operation
     * racing with close may still pop or push: the list lives in the slab's scoped segment, so it throws
     * IllegalStateException once the arena is closed, or its caller gets a segment that is already dead.
     */

    private static final VarHandle CLOSED;
    private static final ValueLayout.OfInt LINK_WORD = ValueLayout.JAVA_INT;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(PoolCore.class, "closed", boolean.class);
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
    /**
     * The slab's address, stride, log2(stride) (-1 when not a power of 2) and scope, copied here for the free path:
     * going through {@code slab} there measured 24.9 ± 7.8 against 18.9 ± 3.1 ns per allocate+free (JMH, 2 forks).
     */
    private final long base;
    private final long stride;
    private final int strideShift;
    private final MemorySegment.Scope scope;
    final Wipe wipe;
    final boolean wipeOnFree;
    private final HighWaterMark highWater = new HighWaterMark();
    private final LongAdder exhaustions = new LongAdder();
    private final LongAdder otherFailures = new LongAdder();
    private volatile boolean closed;

    PoolCore(Slab slab, Wipe wipe, boolean checkDoubleFree, int cache, int cacheSlots, boolean lanes) {
        this.slab = slab;
        this.blocks = slab.blocks;
        this.blockSize = slab.blockSize;
        this.base = slab.base;
        this.scope = slab.scope;
        this.stride = slab.stride;
        this.strideShift = Long.bitCount(stride) == 1 ? Long.numberOfTrailingZeros(stride) : -1;
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
     * Throws once the pool is closed. The read is plain: close() racing with a call is the caller's bug, and what
     * that call can then touch is safe (the slab's segments throw once their scope is closed), so the hot path pays
     * no ordering for it.
     */
    void requireOpen() {
        Checks.requireOpen((boolean) CLOSED.get(this), this);
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------------------------------- take

    /** A segment for {@code layout}, or null (counted) when it does not fit or no block is free. */
    MemorySegment tryAllocate(Layout layout) {
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        if (!fits(layout)) {
            otherFailures.increment();
            return null;
        }
        final int index = take();
        if (index == END) {
            exhaustions.increment();
            return null;
        }
        return handOut(index, layout.size());
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

    /** Counts and returns block {@code index} as a segment of {@code size} bytes. */
    MemorySegment handOut(int index, long size) {
        states.taken(index, size);
        final MemorySegment block = blocks[index];
        return size == blockSize ? block : block.asSlice(0, size);
    }

    /** An index (counted as a whole block), or END (counted as an exhaustion). */
    int acquire() {
        requireOpen();
        return counted(take());
    }

    /** Like {@link #acquire()}, counted as {@code requested} bytes in use; END (not counted) when it cannot fit. */
    int acquireFor(long requested) {
        requireOpen();
        if (requested < 0 || requested > blockSize) {
            throw PoolErrors.badRequest(requested, this);
        }
        final int index = take();
        if (index == END) {
            exhaustions.increment();
        } else {
            states.taken(index, requested);
        }
        return index;
    }

    int counted(int index) {
        if (index == END) {
            exhaustions.increment();
        } else {
            states.taken(index, blockSize);
        }
        return index;
    }

    /** Pops a block and does the taking thread's bookkeeping, but no counting; END when empty. */
    int take() {
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

    private int took(int index) {
        highWater.taken(index);
        if (wipeOnFree) {
            blocks[index].set(LINK_WORD, 0, 0);
        }
        return index;
    }

    AllocationException fitFailure(Layout layout, String how) {
        if (layout.size() > blockSize) {
            return PoolErrors.tooLarge(layout, this);
        }
        if (layout.alignment() > alignment) {
            return PoolErrors.tooAligned(layout, this);
        }
        return PoolErrors.exhausted(layout, this, how);
    }

    // ------------------------------------------------------------------------------------------------------- give

    void deallocate(MemorySegment segment, Layout layout, boolean zero) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        // The common case in few bytecodes, so that callers (a size-class router, a wrapper) can inline it and the
        // JIT can drop the slice object of a smaller-than-block request: ours (same scope), at a block start, the
        // layout it was allocated with. Everything else takes the checking path, which names what is wrong.
        final long size = layout.size();
        final int index = blockAt(segment.address());
        if (index >= 0 && segment.scope() == scope && segment.byteSize() == size && size <= blockSize
                && layout.alignment() <= alignment) {
            give(index, zero || wipeOnFree);
            return;
        }
        deallocateChecked(segment, layout, zero);
    }

    /** The block starting at {@code address}, or -1 when no block of this pool starts there. */
    int blockAt(long address) {
        final long offset = address - base;
        final int shift = strideShift;
        if (shift >= 0) {
            return offset >= 0 && (offset & (stride - 1)) == 0 && (offset >>> shift) < blocks.length
                    ? (int) (offset >>> shift) : -1;
        }
        return offset >= 0 && offset % stride == 0 && offset / stride < blocks.length ? (int) (offset / stride) : -1;
    }

    private void deallocateChecked(MemorySegment segment, Layout layout, boolean zero) {
        final int index = indexOf(segment);
        final long size = segment.byteSize();
        if (layout.size() != size || size > blockSize || layout.alignment() > alignment) {
            throw PoolErrors.wrongLayout(index, slab.address(index), segment, layout, this);
        }
        give(index, zero || wipeOnFree);
    }

    void release(int index) {
        requireOpen();
        give(checkRange(index), wipeOnFree);
    }

    private void give(int index, boolean zero) {
        final ThreadLanes lanes = this.lanes;
        final Lane lane = lanes != null ? lanes.mine() : null;
        if (lane != null) {
            // the calling thread's own lane: an ordered double free is still caught, see checkDoubleFree's docs
            if (!checkDoubleFree) {
                states.markFree(index);
            } else if (!states.tryMarkFreePlain(index)) {
                throw PoolErrors.doubleFree(index, slab.address(index), this);
            }
            if (zero) {
                blocks[index].fill((byte) 0);
            }
            lanes.give(lane, index);
            return;
        }
        if (!checkDoubleFree) {
            states.markFree(index);
        } else if (!states.tryMarkFree(index)) {
            throw PoolErrors.doubleFree(index, slab.address(index), this);
        }
        if (zero) {
            blocks[index].fill((byte) 0);
        }
        final BlockCaches caches = this.caches;
        if (caches != null) {
            caches.give(index);
        } else {
            freeList.push(index);
        }
    }

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

    // ------------------------------------------------------------------------------------------------------- bulk

    /**
     * Pops up to {@code count} blocks with one CAS and writes them, from {@code offset} on, to {@code indices} or, when
     * that is null, as whole-block segments to {@code segments}; returns how many.
     */
    int takeMany(int[] indices, MemorySegment[] segments, int offset, int count) {
        checkArrayRange(indices != null ? indices.length : segments.length, offset, count);
        requireOpen();
        if (count == 0) {
            return 0;
        }
        int taken = takeChain(indices, segments, offset, count);
        if (taken < count && caches != null && trimCaches() > 0) {
            taken += takeChain(indices, segments, offset + taken, count - taken);
        }
        if (taken < count) {
            exhaustions.increment();
        }
        return taken;
    }

    private int takeChain(int[] indices, MemorySegment[] segments, int offset, int count) {
        final long chain = freeList.popChain(count);
        final int taken = TaggedFreeList.chainLength(chain);
        int index = TaggedFreeList.chainFirst(chain);
        for (int i = offset; i < offset + taken; i++) {
            final int next = freeList.next(index);
            took(index);
            states.taken(index, blockSize);
            if (indices != null) {
                indices[i] = index;
            } else {
                segments[i] = blocks[index];
            }
            index = next;
        }
        return taken;
    }

    /** Gives every cached block back to the shared list; 0 when caching is off. */
    int trim() {
        requireOpen();
        return caches != null ? trimCaches() : 0;
    }

    private int trimCaches() {
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

    /**
     * Gives back the {@code count} blocks from {@code offset} on in {@code indices} or, when that is null, the
     * whole-block segments in {@code segments}, with one CAS; all or none.
     */
    void giveMany(int[] indices, MemorySegment[] segments, int offset, int count) {
        checkArrayRange(indices != null ? indices.length : segments.length, offset, count);
        requireOpen();
        if (count == 0) {
            return;
        }
        for (int i = offset; i < offset + count; i++) {
            entry(indices, segments, i); // every check that can throw, before anything changes
        }
        final BlockStates states = this.states;
        for (int i = offset; i < offset + count; i++) {
            final int index = entry(indices, segments, i);
            if (!checkDoubleFree) {
                states.markFree(index);
            } else if (!states.tryMarkFree(index)) {
                for (int j = offset; j < i; j++) {
                    states.undoFree(entry(indices, segments, j), blockSize);
                }
                throw PoolErrors.doubleFree(index, slab.address(index), this);
            }
        }
        final int first = entry(indices, segments, offset);
        int previous = first;
        for (int i = offset + 1; i <= offset + count; i++) {
            if (wipeOnFree) {
                blocks[previous].fill((byte) 0);
            }
            if (i < offset + count) {
                final int index = entry(indices, segments, i);
                freeList.link(previous, index);
                previous = index;
            }
        }
        freeList.pushChain(first, previous);
    }

    /** The checked block index of a bulk give's entry {@code i}. */
    private int entry(int[] indices, MemorySegment[] segments, int i) {
        if (indices != null) {
            return checkRange(indices[i]);
        }
        final MemorySegment segment = Objects.requireNonNull(segments[i], "segment");
        final int index = indexOf(segment);
        if (segment.byteSize() != blockSize) {
            throw PoolErrors.wrongLayout(index, slab.address(index), segment, Layout.of(blockSize, alignment), this);
        }
        return index;
    }

    static void checkArrayRange(int length, int offset, int count) {
        if (offset < 0 || count < 0 || offset > length - count) {
            throw PoolErrors.badRange(length, offset, count);
        }
    }

    // ------------------------------------------------------------------------------------- stats and lifecycle

    PoolStats stats() {
        final long[] sums = states.sum();
        final long allocations = sums[0];
        final int inUse = (int) Math.min(sums[1], allocations);
        final long exhausted = exhaustions.sum();
        return new PoolStats(blockSize, slab.stride, slab.capacity, inUse, Math.max(highWater.get(), inUse),
                allocations, allocations - inUse, exhausted, exhausted + otherFailures.sum(), sums[2],
                slab.bytes());
    }

    void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        if (caches != null) {
            caches.trim();
        }
        try {
            slab.release(wipe.onClose());
        } catch (IllegalStateException inUse) {
            if (slab.scope.isAlive()) {
                closed = false;
            }
            throw inUse;
        }
    }

    @Override
    public String toString() {
        final PoolStats stats = stats();
        return "pool(" + blockSize + " B x " + stats.capacity() + ", " + stats.inUse() + " in use, high-water "
                + stats.highWater() + ", " + stats.exhaustions() + " exhausted" + (closed ? ", closed)" : ")");
    }
}
