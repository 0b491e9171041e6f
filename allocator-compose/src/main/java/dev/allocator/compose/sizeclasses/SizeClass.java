package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
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

    private static final FixedBlockPool[] NO_SLABS = new FixedBlockPool[0];

    private final Layout block;
    private final int blocksPerSlab;
    private final Allocator backing;
    private final Wipe wipe;
    private final boolean checkDoubleFree;
    /** Copy-on-write: replaced, never changed, under this object's lock. */
    private volatile FixedBlockPool[] slabs = NO_SLABS;
    /** Counts of retired slabs, guarded by this. */
    private long retiredAllocations;
    private long retiredDeallocations;

    SizeClass(Layout block, int blocksPerSlab, Allocator backing, Wipe wipe, boolean checkDoubleFree) {
        this.block = block;
        this.blocksPerSlab = blocksPerSlab;
        this.backing = backing;
        this.wipe = wipe;
        this.checkDoubleFree = checkDoubleFree;
    }

    Layout block() {
        return block;
    }

    FixedBlockPool[] slabs() {
        return slabs;
    }

    /** A block from the slabs there are, or null when all are full. */
    MemorySegment tryAllocate(Layout layout) {
        final long size = layout.size();
        FixedBlockPool found = null;
        int index = -1;
        for (FixedBlockPool slab : slabs) {
            try {
                index = slab.indexes().acquireFor(size);
            } catch (IllegalStateException retired) {
                continue; // a slab retired after we read the array: a refusal (see SizeClassAllocator's notes)
            }
            if (index >= 0) {
                found = slab;
                break;
            }
        }
        // one allocation site, outside the loop and always a fresh slice (even of a whole block): the JIT can then
        // drop the object when the caller frees it in the same compiled code (0 B/op in steady state)
        return found == null ? null : found.indexes().segment(index).asSlice(0, size);
    }

    /**
     * A block from a new slab, unless another thread added one meanwhile that has a free block.
     *
     * @throws AllocationException when the backing allocator cannot give a new slab
     */
    synchronized MemorySegment grow(Layout layout) {
        MemorySegment segment = tryAllocate(layout);
        if (segment != null) {
            return segment;
        }
        FixedBlockPool slab = FixedBlockPool.builder().block(block).capacity(blocksPerSlab).wipe(wipe)
                .checkDoubleFree(checkDoubleFree).backing(backing, false).build();
        segment = slab.allocate(layout);   // before the slab is published, so no other thread can take it all
        append(slab);
        return segment;
    }

    /** Gives a segment back to the slab that owns it; false when none does. */
    boolean deallocate(MemorySegment segment, Layout layout) {
        for (FixedBlockPool slab : slabs) {
            if (slab.owns(segment)) {
                // by address and index, so that the segment object goes into no call the JIT may not inline (it
                // can then drop the slice allocate made); anything unusual takes the pool's checking path
                final int index = slab.indexes().blockAt(segment.address());
                if (index >= 0 && segment.byteSize() == layout.size()) {
                    slab.indexes().release(index);
                } else {
                    slab.deallocate(segment, layout);
                }
                return true;
            }
        }
        return false;
    }

    /** The calling thread gives back the blocks in its own cache of each slab; returns how many. */
    int releaseThreadCaches() {
        int moved = 0;
        for (FixedBlockPool slab : slabs) {
            try {
                moved += slab.releaseThreadCache();
            } catch (IllegalStateException retired) {
                // retired after we read the array: nothing of ours is left in it
            }
        }
        return moved;
    }

    boolean owns(MemorySegment segment) {
        for (FixedBlockPool slab : slabs) {
            if (slab.owns(segment)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds this class's figures to {@code sums}: allocations, deallocations, bytes in use, bytes reserved.
     */
    synchronized void addTo(long[] sums) {
        sums[0] += retiredAllocations;
        sums[1] += retiredDeallocations;
        for (FixedBlockPool slab : slabs) {
            PoolStats stats = slab.poolStats();
            sums[0] += stats.allocations();
            sums[1] += stats.deallocations();
            sums[2] += stats.bytesInUse();
            sums[3] += stats.bytesReserved();
        }
    }

    /**
     * Retires an empty slab: unlists it, then takes every block with one bulk acquire; with all of them no thread can
     * hold or get one, so the slab is closed. Otherwise the blocks go back and the slab is listed again.
     *
     * @return whether the slab went back to the backing allocator
     */
    boolean retire(FixedBlockPool slab, PoolStats stats) {
        synchronized (this) {
            FixedBlockPool[] rest = new FixedBlockPool[slabs.length - 1];
            int i = 0;
            for (FixedBlockPool each : slabs) {
                if (each != slab) {
                    rest[i++] = each;
                }
            }
            slabs = rest;
        }
        int capacity = slab.capacity();
        slab.trim(); // the caller's own cache, dead threads' caches; live owners are asked to give theirs back
        int[] all = new int[capacity];
        int taken = slab.indexes().acquire(all, 0, capacity);
        if (taken < capacity) {
            if (taken > 0) {
                slab.indexes().release(all, 0, taken);
            }
            synchronized (this) {
                append(slab);
            }
            return false;
        }
        synchronized (this) {
            retiredAllocations += stats.allocations();
            retiredDeallocations += stats.deallocations();
        }
        slab.close();
        return true;
    }

    /** Unlists every slab and closes it. */
    void closeAll() {
        FixedBlockPool[] all;
        synchronized (this) {
            all = slabs;
            slabs = NO_SLABS;
        }
        for (FixedBlockPool slab : all) {
            slab.close();
        }
    }

    /** Caller holds this object's lock. */
    private void append(FixedBlockPool slab) {
        FixedBlockPool[] grown = Arrays.copyOf(slabs, slabs.length + 1);
        grown[grown.length - 1] = slab;
        slabs = grown;
    }
}
