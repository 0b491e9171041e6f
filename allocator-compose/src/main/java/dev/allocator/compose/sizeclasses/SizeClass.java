package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.FixedBlockPool;
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
     * (56), the pool's state words (up to 32 with their rounding), the layout word and segment reference here (16).
     */
    static final long HEAP_BYTES_PER_BLOCK = 104;

    private static final ClassSlab[] NO_SLABS = new ClassSlab[0];

    private final Layout block;
    private final int blocksPerSlab;
    private final Allocator backing;
    private final Wipe wipe;
    private final boolean checkDoubleFree;
    private final SlabReturns returns;
    private final SlabSupply supply = new SlabSupply();
    private final SlabMap map;
    /** Every slab, each at its {@code slot}; guarded by this. */
    private final ArrayList<ClassSlab> all = new ArrayList<>();
    /** Set by {@link #closeAll()}: no slab is added afterwards (a thread that passed the open check racing the
     * close must not grow a slab nobody will close); guarded by this. */
    private boolean closed;
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
     * Takes a block from the slabs there are and records {@code word} as its layout word: the pool's own segment of
     * the whole block (no new object), or null when all are full.
     */
    MemorySegment takeBlock(long word) {
        final ClassSlab slab = supply.current();
        if (slab != null) {
            final MemorySegment taken = slab.take(word);
            if (taken != null) {
                return taken;
            }
        }
        return supply.take(word);
    }

    /** The slab allocations take from first, or null: see {@link SlabSupply#current()}. */
    ClassSlab current() {
        return supply.current();
    }

    /** The slow path of {@link #takeBlock}: see {@link SlabSupply#take}. */
    MemorySegment takeListed(long word) {
        return supply.take(word);
    }

    /**
     * Takes up to {@code max} free blocks, all of one slab, into {@code slabs} and {@code indexes} from 0 (their
     * layout words stay {@link ClassSlab#FREE}): for a thread's {@link BlockStack}.
     *
     * @return how many; 0 when every slab is full (the class must grow)
     */
    int takeInto(ClassSlab[] slabs, int[] indexes, int max) {
        ClassSlab slab = supply.current();
        int taken = slab != null ? slab.takeMany(indexes, 0, max) : 0;
        if (taken == 0) {
            final MemorySegment first = supply.take(ClassSlab.FREE); // the slow path: may switch the current slab
            if (first == null) {
                return 0;
            }
            slab = map.find(first.address());
            indexes[0] = slab.blockAt(first.address());
            taken = 1 + slab.takeMany(indexes, 1, max - 1);
        }
        java.util.Arrays.fill(slabs, 0, taken, slab);
        return taken;
    }

    /** The slab whose memory holds {@code address}, or null. Lock-free. */
    ClassSlab find(long address) {
        return map.find(address);
    }

    /** Gives back block {@code index} of {@code slab}, already marked free, to its pool. */
    void giveBack(ClassSlab slab, int index) {
        slab.indexes.release(index);
        supply.relist(slab);
    }

    /** Gives back {@code count} blocks of {@code slab}, already marked free, with one bulk give. */
    void giveBack(ClassSlab slab, int[] indexes, int offset, int count) {
        slab.indexes.release(indexes, offset, count);
        supply.relist(slab);
    }

    /** A block (the pool's whole-block segment, taken for {@code layout}) from a new slab, unless another thread
     * added one meanwhile, or freed a block, so that a slab has one.
     *
     * @throws AllocationException  when the slab's per-block heap would be too large, or the backing allocator
     *                              cannot give a new slab; nothing changed then
     * @throws IllegalStateException after {@link #closeAll()}: the allocator closed while the caller was on its way
     */
    synchronized MemorySegment grow(Layout layout, long word) {
        if (closed) {
            Checks.requireOpen(true, "sizeclasses (its " + block.size() + " B class)");
        }
        final MemorySegment taken = supply.take(word);
        if (taken != null) {
            return taken;
        }
        requireHeap(layout);
        final SlabMemory memory = new SlabMemory(backing);
        final FixedBlockPool pool;
        try {
            pool = FixedBlockPool.builder().block(block).capacity(blocksPerSlab).wipe(wipe)
                    .checkDoubleFree(checkDoubleFree).cache(0).backing(memory, false).build();
        } catch (RuntimeException | Error e) {
            try {
                memory.giveBack(); // a pool that failed after it took the slab: the slab must not leak
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        final ClassSlab slab;
        try {
            slab = new ClassSlab(pool, memory);
        } catch (RuntimeException | Error e) {
            pool.close();
            returns.giveBack(memory);
            throw e;
        }
        // taken before the slab is published, so no other thread can take it all
        final MemorySegment first = slab.take(word);
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

    boolean owns(MemorySegment segment) {
        final ClassSlab slab = map.find(segment.address());
        return slab != null && slab.pool.owns(segment);
    }

    /**
     * Adds this class's figures to {@code sums}: blocks in use, bytes in use (their requests' sizes, from their
     * layout words), bytes reserved. O(blocks).
     */
    synchronized void addTo(long[] sums) {
        for (ClassSlab slab : all) {
            for (long word : slab.layouts) {
                if (word != ClassSlab.FREE) {
                    sums[0]++;
                    sums[1] += ClassSlab.size(word);
                }
            }
            sums[2] += slab.pool.poolStats().bytesReserved();
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
                return false;
            }
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
            closed = true;
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
