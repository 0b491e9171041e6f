package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.PoolStats;
import dev.allocator.pool.Wipe;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One size class of a {@link SizeClassAllocator}: its slabs (pools of the class's block layout), added on demand and
 * retired when idle. Thread-safe; see the maintainers' notes of {@link SizeClassAllocator} for the protocol.
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
    private final SlabReturns returns;
    /** Copy-on-write: replaced, never changed, under this object's lock. */
    private volatile ClassSlab[] slabs = NO_SLABS;
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

    SizeClass(Layout block, int blocksPerSlab, Allocator backing, Wipe wipe, boolean checkDoubleFree,
              SlabReturns returns) {
        this.block = block;
        this.blocksPerSlab = blocksPerSlab;
        this.backing = backing;
        this.wipe = wipe;
        this.checkDoubleFree = checkDoubleFree;
        this.returns = returns;
    }

    Layout block() {
        return block;
    }

    ClassSlab[] slabs() {
        return slabs;
    }

    /**
     * Takes a block for {@code layout} from the slabs there are: the pool's own segment of the whole block (no new
     * object), or null when all are full.
     */
    MemorySegment takeBlock(Layout layout) {
        final long size = layout.size();
        for (ClassSlab slab : slabs) {
            final int index;
            try {
                index = slab.indexes.acquireFor(size);
            } catch (IllegalStateException retired) {
                continue; // a slab retired after we read the array: a refusal (see SizeClassAllocator's notes)
            }
            if (index >= 0) {
                slab.layouts[index] = ClassSlab.encode(layout);
                return slab.indexes.segment(index);
            }
        }
        return null;
    }

    /**
     * Frees the block that starts at {@code address} in a slab of {@code scope} when it was allocated with
     * {@code layout}; false when no slab has such a block or its layout differs (the caller's checking path then
     * says what is wrong).
     */
    boolean release(long address, MemorySegment.Scope scope, Layout layout) {
        for (ClassSlab slab : slabs) {
            final int index = slab.indexes.blockAt(address);
            if (index >= 0 && slab.indexes.segment(index).scope() == scope) {
                if (slab.layouts[index] != ClassSlab.encode(layout)) {
                    return false;
                }
                slab.indexes.releaseFor(index, layout.size());
                return true;
            }
        }
        return false;
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
        for (ClassSlab slab : slabs) {
            if (slab.pool.owns(segment)) {
                final int index = slab.indexes.indexOf(segment); // names a segment that is not at a block start
                final Layout allocated = ClassSlab.decode(slab.layouts[index]);
                if (segment.byteSize() != allocated.size() || !allocated.equals(layout)) {
                    throw new IllegalArgumentException("a segment must be freed whole with the layout it was "
                            + "allocated with: segment=" + Checks.hex(segment.address()) + " of "
                            + segment.byteSize() + " bytes, allocated=" + allocated + ", layout=" + layout);
                }
                slab.indexes.releaseFor(index, layout.size());
                return true;
            }
        }
        return false;
    }

    /** A block (the pool's whole-block segment, taken for {@code layout}) from a new slab, unless another thread
     * added one meanwhile that has a free block.
     *
     * @throws AllocationException when the slab's per-block heap would be too large, or the backing allocator
     *                             cannot give a new slab; nothing changed then
     */
    synchronized MemorySegment grow(Layout layout) {
        MemorySegment taken = takeBlock(layout);
        if (taken != null) {
            return taken;
        }
        requireHeap(layout);
        final long[] layouts = new long[blocksPerSlab];
        final SlabMemory memory = new SlabMemory(backing);
        final FixedBlockPool pool;
        try {
            pool = FixedBlockPool.builder().block(block).capacity(blocksPerSlab).wipe(wipe)
                    .checkDoubleFree(checkDoubleFree).backing(memory, false).build();
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
        final int index = slab.indexes.acquireFor(layout.size());
        layouts[index] = ClassSlab.encode(layout);
        final ClassSlab[] grown = Arrays.copyOf(slabs, slabs.length + 1);
        grown[grown.length - 1] = slab;
        slabs = grown;
        returns.sawBackingSegment(memory.raw());
        return slab.indexes.segment(index);
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
        for (ClassSlab slab : slabs) {
            try {
                moved += slab.pool.releaseThreadCache();
            } catch (IllegalStateException retired) {
                // retired after we read the array: nothing of ours is left in it
            }
        }
        return moved;
    }

    boolean owns(MemorySegment segment) {
        for (ClassSlab slab : slabs) {
            if (slab.pool.owns(segment)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds this class's figures to {@code sums}: allocations, deallocations, bytes in use, bytes reserved. Under the
     * lock that {@link #retire} holds while it has taken blocks itself, so its takes never show.
     */
    synchronized void addTo(long[] sums) {
        sums[0] += retiredAllocations - ownTakes;
        sums[1] += retiredDeallocations - ownTakes;
        for (ClassSlab slab : slabs) {
            final PoolStats stats = slab.pool.poolStats();
            sums[0] += stats.allocations();
            sums[1] += stats.deallocations();
            sums[2] += stats.bytesInUse();
            sums[3] += stats.bytesReserved();
        }
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
            final int capacity = slab.indexes.capacity();
            final int[] all = new int[capacity];
            final int taken = slab.indexes.acquire(all, 0, capacity);
            if (taken < capacity) {
                if (taken > 0) {
                    slab.indexes.release(all, 0, taken);
                }
                ownTakes += taken;
                return false;
            }
            final PoolStats stats = slab.pool.poolStats();
            retiredAllocations += stats.allocations() - capacity;
            retiredDeallocations += stats.deallocations();
            final ClassSlab[] rest = new ClassSlab[slabs.length - 1];
            int i = 0;
            for (ClassSlab each : slabs) {
                if (each != slab) {
                    rest[i++] = each;
                }
            }
            slabs = rest;
        }
        slab.pool.close(); // gives the slab to its SlabMemory only
        returns.giveBack(slab.memory);
        return true;
    }

    private void hook(String point) {
        final RetireHook test = hook;
        if (test != null) {
            test.at(point);
        }
    }

    /** Whether {@code thread} may give every slab of this class back. */
    boolean accessibleBy(Thread thread) {
        for (ClassSlab slab : slabs) {
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
        final ClassSlab[] all;
        synchronized (this) {
            all = slabs;
            slabs = NO_SLABS;
        }
        RuntimeException failure = null;
        for (ClassSlab slab : all) {
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
