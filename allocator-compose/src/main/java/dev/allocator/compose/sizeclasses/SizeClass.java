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

    /**
     * Takes a block for a request of {@code size} bytes from the slabs there are: the pool's own segment of the whole
     * block (no new object), or null when all are full.
     */
    MemorySegment takeBlock(long size) {
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
        return found == null ? null : found.indexes().segment(index);
    }

    /**
     * Frees the block that starts at {@code address} in a slab of {@code scope}; false when no slab has such a block
     * (then the caller's checking path says what is wrong).
     */
    boolean release(long address, MemorySegment.Scope scope) {
        for (FixedBlockPool slab : slabs) {
            final int index = slab.indexes().blockAt(address);
            if (index >= 0 && slab.indexes().segment(index).scope() == scope) {
                slab.indexes().release(index);
                return true;
            }
        }
        return false;
    }

    /**
     * A block (the pool's whole-block segment, taken for {@code layout.size()} bytes) from a new slab, unless another
     * thread added one meanwhile that has a free block.
     *
     * @throws AllocationException when the backing allocator cannot give a new slab
     */
    synchronized MemorySegment grow(Layout layout) {
        MemorySegment taken = takeBlock(layout.size());
        if (taken != null) {
            return taken;
        }
        FixedBlockPool slab = FixedBlockPool.builder().block(block).capacity(blocksPerSlab).wipe(wipe)
                .checkDoubleFree(checkDoubleFree).backing(backing, false).build();
        // taken before the slab is published, so no other thread can take it all
        taken = slab.indexes().segment(slab.indexes().acquireFor(layout.size()));
        append(slab);
        return taken;
    }

    /** Gives a segment back to the slab that owns it; false when none does. */
    boolean deallocate(MemorySegment segment, Layout layout) {
        for (FixedBlockPool slab : slabs) {
            if (slab.owns(segment)) {
                slab.deallocate(segment, layout); // the pool's checks name the fault
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
