package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.PoolStats;
import dev.allocator.pool.Wipe;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;

/**
 * One size class of a {@link SizeClassAllocator}: its slabs (pools of the class's block layout), added on demand and
 * retired when idle. Allocation takes from the current slab ({@link SlabSupply}), a free finds its slab by address
 * ({@link SlabMap}): both O(1) whatever the number of slabs. Thread-safe; see the maintainers' notes of
 * {@link SizeClassAllocator} and {@link SlabSupply} for the protocol.
 */
final class SizeClass {

    /**
     * Heap bytes a slab's pool and this class keep per block, at most: the block's segment object and its reference
     * (56), the pool's state words (up to 32 with their rounding), the layout word here (8).
     */
    static final long HEAP_BYTES_PER_BLOCK = 96;

    private static final ClassSlab[] NO_SLABS = new ClassSlab[0];

    private final Layout block;
    private final int blocksPerSlab;
    private final Allocator backing;
    private final Wipe wipe;
    private final boolean checkDoubleFree;
    private final int cache;
    private final SlabReturns returns;
    private final SlabSupply supply = new SlabSupply();
    private final SlabMap map;
    /** Every slab, each at its {@code slot}; guarded by this. */
    private final ArrayList<ClassSlab> all = new ArrayList<>();
    /** Counts of retired slabs, and of the blocks retiring took itself (not callers' allocations); guarded by this. */
    private long retiredAllocations;
    private long retiredDeallocations;
    private long ownTakes;
    /** Test hook: runs at the named points of {@link #retire}; null in use. */
    volatile RetireHook hook;

    /** What a test runs at a point of {@link #retire}. */
    interface RetireHook {
        /** @param point {@code "start"} (emptiness was judged), {@code "take"} (before the bulk take) */
        void at(String point);
    }

    SizeClass(Layout block, int blocksPerSlab, Allocator backing, Wipe wipe, boolean checkDoubleFree, int cache,
              SlabReturns returns) {
        this.block = block;
        this.blocksPerSlab = blocksPerSlab;
        this.backing = backing;
        this.wipe = wipe;
        this.checkDoubleFree = checkDoubleFree;
        this.cache = cache;
        this.returns = returns;
        // a slab is the blocks at their stride, plus what the backing may add to align it
        final long stride = (block.size() + block.alignment() - 1) / block.alignment() * block.alignment();
        this.map = new SlabMap(stride * blocksPerSlab + block.alignment());
    }

    Layout block() {
        return block;
    }

    /** A snapshot of the slabs. */
    synchronized ClassSlab[] slabs() {
        return all.toArray(NO_SLABS);
    }

    synchronized int slabCount() {
        return all.size();
    }

    /**
     * Takes a block for {@code layout} from the slabs there are: the pool's own segment of the whole block (no new
     * object), or null when all are full.
     */
    MemorySegment takeBlock(Layout layout) {
        final ClassSlab slab = supply.current();
        if (slab != null) {
            final MemorySegment taken = slab.take(layout);
            if (taken != null) {
                return taken;
            }
        }
        return supply.take(layout);
    }

    /**
     * Frees the block that starts at {@code address} in a slab of {@code scope} when it was allocated with
     * {@code layout}; false when no slab has such a block or its layout differs (the caller's checking path then
     * says what is wrong).
     */
    boolean release(long address, MemorySegment.Scope scope, Layout layout) {
        final ClassSlab slab = map.find(address);
        if (slab == null) {
            return false;
        }
        final int index = slab.indexes.blockAt(address);
        if (index < 0 || slab.indexes.segment(index).scope() != scope
                || slab.layouts[index] != ClassSlab.encode(layout)) {
            return false;
        }
        slab.indexes.releaseFor(index, layout.size());
        supply.relist(slab);
        return true;
    }

    /**
     * The checking free: gives a segment back to the slab that owns it, or says exactly what is wrong; false when no
     * slab of this class owns it.
     *
     * @throws IllegalArgumentException when the segment is not a whole allocation of this class (a slice, another
     *                                  size or alignment than it was allocated with); nothing changed then
     * @throws IllegalStateException    on a double free (the pool's check)
     */
    boolean deallocate(MemorySegment segment, Layout layout) {
        final ClassSlab slab = map.find(segment.address());
        if (slab == null || !slab.pool.owns(segment)) {
            return false;
        }
        final int index = slab.indexes.indexOf(segment); // names a segment that is not at a block start
        final Layout allocated = ClassSlab.decode(slab.layouts[index]);
        if (segment.byteSize() != allocated.size() || !allocated.equals(layout)) {
            throw new IllegalArgumentException("a segment must be freed whole with the layout it was "
                    + "allocated with: segment=" + Checks.hex(segment.address()) + " of "
                    + segment.byteSize() + " bytes, allocated=" + allocated + ", layout=" + layout);
        }
        slab.indexes.releaseFor(index, layout.size());
        supply.relist(slab);
        return true;
    }

    /** A block (the pool's whole-block segment, taken for {@code layout}) from a new slab, unless another thread
     * added one meanwhile, or freed a block, so that a slab has one.
     *
     * @throws AllocationException when the slab's per-block heap would be too large, or the backing allocator
     *                             cannot give a new slab; nothing changed then
     */
    synchronized MemorySegment grow(Layout layout) {
        final MemorySegment taken = supply.take(layout);
        if (taken != null) {
            return taken;
        }
        requireHeap(layout);
        final long[] layouts = new long[blocksPerSlab];
        final SlabMemory memory = new SlabMemory(backing);
        final FixedBlockPool pool;
        try {
            pool = FixedBlockPool.builder().block(block).capacity(blocksPerSlab).wipe(wipe)
                    .checkDoubleFree(checkDoubleFree).cache(cache).backing(memory, false).build();
        } catch (RuntimeException | Error e) {
            try {
                memory.giveBack(); // a pool that failed after it took the slab: the slab must not leak
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        final ClassSlab slab = new ClassSlab(pool, memory, layouts);
        // taken before the slab is published, so no other thread can take it all
        final MemorySegment first = slab.take(layout);
        slab.slot = all.size();
        all.add(slab);
        map.add(slab);
        supply.install(slab);
        returns.sawBackingSegment(memory.raw());
        return first;
    }

    /** Refuses a slab whose per-block heap would take more than an eighth of the maximum heap. */
    private void requireHeap(Layout layout) {
        final long heap = blocksPerSlab * HEAP_BYTES_PER_BLOCK;
        final long limit = Runtime.getRuntime().maxMemory() / 8;
        if (heap > limit) {
            throw new AllocationException(AllocationException.Reason.TOO_LARGE, layout, "a new slab of the "
                    + block.size() + " B class needs at most an eighth of the maximum heap for its " + blocksPerSlab
                    + " blocks: heapBytes=" + heap + " (" + HEAP_BYTES_PER_BLOCK + " per block), limit=" + limit
                    + "; use a smaller slabSize or a larger -Xmx");
        }
    }

    /** The calling thread gives back the blocks in its own cache of each slab; returns how many. */
    int releaseThreadCaches() {
        int moved = 0;
        for (ClassSlab slab : slabs()) {
            try {
                moved += slab.pool.releaseThreadCache();
            } catch (IllegalStateException retired) {
                // retired after the snapshot: nothing of ours is left in it
            }
        }
        return moved;
    }

    boolean owns(MemorySegment segment) {
        final ClassSlab slab = map.find(segment.address());
        return slab != null && slab.pool.owns(segment);
    }

    /**
     * Adds this class's figures to {@code sums}: allocations, deallocations, bytes in use, bytes reserved. Under the
     * lock that {@link #retire} holds while it has taken blocks itself, so its takes never show.
     */
    synchronized void addTo(long[] sums) {
        sums[0] += retiredAllocations - ownTakes;
        sums[1] += retiredDeallocations - ownTakes;
        for (ClassSlab slab : all) {
            final PoolStats stats = slab.pool.poolStats();
            sums[0] += stats.allocations();
            sums[1] += stats.deallocations();
            sums[2] += stats.bytesInUse();
            sums[3] += stats.bytesReserved();
        }
    }

    /**
     * Lists {@code slab} for allocation again when it was marked full but has free blocks: for the trimmer, after it
     * collected blocks that frees had parked in thread caches (see {@link SlabSupply}'s notes).
     */
    void relist(ClassSlab slab) {
        supply.relist(slab);
    }

    /**
     * Retires a slab that was seen empty, when it still is: takes every block with one bulk acquire; with all of them
     * no thread holds or can get one, so the slab is unlisted and closed. Otherwise the blocks go back and the slab
     * stays listed: it is never unlisted while a block of it may be in use, so every valid free finds it.
     *
     * @return whether the slab was closed
     */
    boolean retire(ClassSlab slab) {
        if (!slab.memory.accessibleBy(Thread.currentThread())) {
            return false; // the backing would refuse this thread (a confined arena): leave it for its owner
        }
        hook("start");
        slab.pool.trim(); // the caller's own cache, dead threads' caches; live owners are asked to give theirs back
        hook("take");
        synchronized (this) {
            if (slab.state() == ClassSlab.RETIRED) {
                return false;
            }
            final int capacity = slab.indexes.capacity();
            final int[] taken = new int[capacity];
            final int count = slab.indexes.acquire(taken, 0, capacity);
            if (count < capacity) {
                if (count > 0) {
                    slab.indexes.release(taken, 0, count);
                }
                ownTakes += count;
                return false;
            }
            final PoolStats stats = slab.pool.poolStats();
            retiredAllocations += stats.allocations() - capacity;
            retiredDeallocations += stats.deallocations();
            supply.retire(slab);
            map.remove(slab);
            final ClassSlab last = all.remove(all.size() - 1);
            if (last != slab) {
                last.slot = slab.slot;
                all.set(slab.slot, last);
            }
        }
        slab.pool.close(); // gives the slab to its SlabMemory only
        returns.giveBack(slab.memory);
        return true;
    }

    /** Whether an allocation can find {@code slab} (see {@link SlabSupply#findable}). For tests. */
    boolean findable(ClassSlab slab) {
        return supply.findable(slab);
    }

    /** Drops retired slabs from the stack of listed ones: once per trim. */
    void purge() {
        supply.purge();
    }

    private void hook(String point) {
        final RetireHook test = hook;
        if (test != null) {
            test.at(point);
        }
    }

    /** Whether {@code thread} may give every slab of this class back. */
    boolean accessibleBy(Thread thread) {
        for (ClassSlab slab : slabs()) {
            if (!slab.memory.accessibleBy(thread)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Unlists every slab, closes it and gives its memory back (or keeps it in {@link SlabReturns} when the backing
     * refuses this thread).
     *
     * @throws RuntimeException the first failure, after every slab was tried
     */
    void closeAll() {
        final ClassSlab[] closing;
        synchronized (this) {
            closing = all.toArray(NO_SLABS);
            all.clear();
            supply.clear();
            for (ClassSlab slab : closing) {
                slab.state(ClassSlab.RETIRED);
                map.remove(slab);
            }
        }
        RuntimeException failure = null;
        for (ClassSlab slab : closing) {
            try {
                slab.pool.close();
                returns.giveBack(slab.memory);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
