package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.PoolBuilder;
import dev.allocator.pool.Wipe;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A general-purpose allocator built from pools: each request goes to the smallest {@linkplain SizeClasses size class}
 * that fits its size and alignment, served by lock-free {@link FixedBlockPool}s ("slabs") taken from the backing
 * allocator on demand; requests above the largest class go to the backing allocator directly.
 *
 * {@snippet :
 * try (Allocator general = Allocators.open("sizeclasses(maxClass=64KiB) > system")) {
 *     MemorySegment small = general.allocate(Layout.of(100));       // from the 128 B class
 *     MemorySegment large = general.allocate(Layout.of(1 << 20));   // straight from system
 *     general.deallocate(small, Layout.of(100));
 *     general.deallocate(large, Layout.of(1 << 20));
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe: allocation and deallocation are the pools' lock-free operations on the class's current slab
 *       and on the slab found from the address; switching the current slab, listing a slab that was full again and
 *       adding a slab take a lock of the class. Happens-before as in {@link FixedBlockPool}.</li>
 *   <li>Cost independent of the memory held: an allocation takes from the class's current slab, else from the slab
 *       that had a block freed last, and a free finds its slab from the address through a page table; neither looks
 *       at the other slabs of the class.</li>
 *   <li>Not capped by one pool: a class that fills up gets another slab of about {@code slabSize} bytes (at least 8
 *       and at most {@link #MAX_BLOCKS_PER_SLAB} blocks). A slab whose per-block heap (about
 *       {@value SizeClass#HEAP_BYTES_PER_BLOCK} bytes a block) would take more than an eighth of the maximum heap is
 *       refused with an {@link AllocationException} before the backing allocator is asked.</li>
 *   <li>Idle slabs: a slab that stays empty for {@code idleMillis} goes back to the backing allocator, checked by a
 *       shared daemon thread; {@link #trim()} gives every empty slab back at once. A trim that fails (the backing
 *       throws) is logged as a warning and tried again next period; the trimmer never stops. A backing whose memory
 *       the trimmer thread may not touch (a confined arena) gets nothing back from the trimmer: its owner thread
 *       gives idle slabs back with {@link #trim()}.</li>
 *   <li>Thread caches: each platform thread keeps, per class up to 32 KiB, a stack of up to 64 free blocks (at most
 *       64 KiB of them) from any slab of the class: it allocates with no atomic instruction and frees with one
 *       uncontended compare-and-set; the stack refills and empties itself in bulk. Virtual threads go to the slabs.
 *       A slab can only go back once none of its blocks is cached: a live thread's cached blocks come back when it
 *       calls {@link #releaseThreadCaches()} or {@link #trim()}, those of a thread that ended at the next trim. A
 *       pooled worker that goes idle after a burst should call {@link #releaseThreadCaches()} so the burst's slabs
 *       can go back.</li>
 *   <li>{@link #deallocate} must get the segment and the layout it was allocated with: it picks the class from the
 *       layout and the slab from the address. A segment no slab of that class
 *       owns, a slice, or a layout other than the allocation's (size or alignment) throws
 *       {@link IllegalArgumentException} and changes nothing; a double free throws {@link IllegalStateException},
 *       and of two frees of one block racing each other one does (with {@code checkDoubleFree}).</li>
 *   <li>Stats count what callers did: allocations and deallocations they made, {@code bytesInUse} as their requests'
 *       sizes; {@code bytesReserved} counts whole slabs and large segments held from the backing allocator.
 *       {@link #stats()} reads every block's layout word (O(blocks)).</li>
 *   <li>{@link #close()} closes every slab (wiping per the {@code wipe} policy), stops trimming, gives the slabs back
 *       and closes the backing allocator when it owns it. Over a backing it does not own, it registers itself
 *       ({@link Allocator#addDependent}), so a backing that closes first closes it, and its segments then throw
 *       instead of touching freed memory. Called from a thread that may not touch the backing's
 *       memory (a confined arena's other threads), it throws {@link WrongThreadException} and changes nothing; that check needs one segment from the backing, so an
 *       allocator that never took one closes without it.</li>
 * </ul>
 */
public final class SizeClassAllocator extends ForwardingAllocator {

    /*
     * Maintainers' notes.
     *
     * A platform thread's request pops from its own stack of the class (BlockStack, in ThreadBlocks, registered in
     * ThreadCaches), a free pushes to it; BlockRouter holds both paths. The stacks refill from and flush to the class.
     * Each class (SizeClass) takes from its current slab, then from a stack of slabs that had blocks freed since they
     * were found full (SlabSupply, whose notes give the slab states and why no freed block is lost); only when none
     * has a block does it take the class's lock and add a slab. A free finds its slab from the address in a page
     * table (SlabMap). Both are O(1) in the number of slabs.
     *
     * Trimming (one thread at a time, under IdleSlabs' lock): a slab is idle when two samples at least idleNanos
     * apart both saw it empty with the same allocation count. To retire it (SizeClass.retire): slab.trim() empties
     * the trimming thread's own cache, adopts the caches of dead threads and asks live owners to give theirs back;
     * (pools are built without caches of their own), then, under the class lock, one bulk acquire of every block. If that gets every block, no thread holds or can
     * get one: the slab is marked RETIRED, unlisted (supply, map, list of all) and closed. If not, the blocks go back
     * and the slab stays. Invariant: a slab is in the map while any block of it may be in use, so a valid free always
     * finds it. A thread that read a slab as current before it retired calls acquireFor on a closed pool: it throws
     * IllegalStateException, which ClassSlab.take treats as a refusal.
     *
     * Stats: allocations are counted per thread stack (BlockStack) or in BlockRouter.direct; in use is what the layout
     * words say (FREE or a layout), so retire's bulk takes and cached blocks never show.
     * Memory: each pool is built over a SlabMemory, which takes the slab from the backing and, when the pool closes,
     * only records it; SlabReturns gives it to the backing from a thread whose access the backing's segment allows
     * (MemorySegment.isAccessibleBy), else keeps it until one comes by (trim, a new slab, close). retire skips a slab
     * the calling thread may not touch. CloseGuard is part of requireCloseable, which ForwardingAllocator.close runs
     * before anything changes, and refuses such a thread.
     * Layouts: a block's word in ClassSlab.layouts is FREE or its allocation's layout; the free CASes it back to FREE
     * (one of two racing frees wins), and BlockRouter.refused names what is wrong with a free that does not match.
     */

    private static final int MIN_BLOCKS_PER_SLAB = 8;
    /** The most blocks a slab holds, whatever {@code slabSize} says: its pool keeps a few words of heap per block. */
    public static final int MAX_BLOCKS_PER_SLAB = 1 << 20;
    /** The largest {@code slabSize}. */
    public static final long MAX_SLAB_SIZE = 1L << 30;
    private static final MemorySegment LARGE = BlockRouter.LARGE;

    private final SizeClasses classes;
    private final SizeClass[] byClass;
    private final long slabSize;
    private final Wipe wipe;
    private final boolean checkDoubleFree;
    private final long idleNanos;
    private final LongAdder largeAllocations = new LongAdder();
    private final LongAdder largeDeallocations = new LongAdder();
    private final LongAdder largeBytes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final SlabReturns returns = new SlabReturns();
    private final CloseGuard closeGuard;
    private final IdleSlabs idle;
    private final ThreadCaches caches;
    private final BlockRouter router;
    private final LongAdder trimFailures = new LongAdder();
    private final ScheduledFuture<?> trimTask;
    /** Whether the backing (not ours) closes this allocator before it frees memory: see Allocator.addDependent. */
    private final boolean registered;

    /**
     * Creates a size-class allocator.
     *
     * @param backing         where slabs and large requests come from
     * @param maxClass        the largest class, a power of two from 16 B to 1 GiB
     * @param slabSize        about how many bytes each slab holds (at least 8 and at most
     *                        {@link #MAX_BLOCKS_PER_SLAB} blocks), 1 to {@link #MAX_SLAB_SIZE}
     * @param idleMillis      how long a slab stays empty before it goes back; 0 keeps every slab until close
     * @param wipe            the slabs' wipe policy
     * @param checkDoubleFree whether the slabs detect double frees
     * @param ownsBacking     whether {@link #close()} closes {@code backing}
     * @throws IllegalArgumentException when an argument is out of range; the message names it
     */
    public SizeClassAllocator(Allocator backing, long maxClass, long slabSize, long idleMillis, Wipe wipe,
                              boolean checkDoubleFree, boolean ownsBacking) {
        this(backing, maxClass, slabSize, idleMillis, wipe, checkDoubleFree, ownsBacking, PoolBuilder.DEFAULT_CACHE);
    }

    /** As the public constructor; {@code cache} 0 turns the per-thread caches off (for tests), any other value on. */
    SizeClassAllocator(Allocator backing, long maxClass, long slabSize, long idleMillis, Wipe wipe,
                       boolean checkDoubleFree, boolean ownsBacking, int cache) {
        this(backing, maxClass, slabSize, idleMillis, wipe, checkDoubleFree, ownsBacking, cache, ThreadCaches.HOMES);
    }

    /** As above, with {@code homeSlots} slots in the table that finds a thread's caches (tests use 1). */
    SizeClassAllocator(Allocator backing, long maxClass, long slabSize, long idleMillis, Wipe wipe,
                       boolean checkDoubleFree, boolean ownsBacking, int cache, int homeSlots) {
        super("sizeclasses", backing, ownsBacking);
        this.classes = new SizeClasses(maxClass);
        this.slabSize = Checks.requireInRange(slabSize, 1, MAX_SLAB_SIZE, "slabSize");
        this.idleNanos = Checks.requireNonNegative(idleMillis, "idleMillis") * 1_000_000L;
        this.wipe = Objects.requireNonNull(wipe, "wipe");
        this.checkDoubleFree = checkDoubleFree;
        this.byClass = new SizeClass[classes.count()];
        for (int c = 0; c < byClass.length; c++) {
            long size = classes.size(c);
            int blocks = (int) Math.min(MAX_BLOCKS_PER_SLAB, Math.max(MIN_BLOCKS_PER_SLAB, slabSize / size));
            byClass[c] = new SizeClass(Layout.of(size, classes.alignment(c)), blocks, backing, wipe, checkDoubleFree,
                    returns);
        }
        this.caches = new ThreadCaches(byClass, cache > 0, homeSlots);
        this.router = new BlockRouter(this, classes, byClass, caches, checkDoubleFree, returns, failures);
        this.idle = new IdleSlabs(byClass, idleNanos, returns, this::isClosed);
        this.closeGuard = new CloseGuard(this, byClass, returns);
        this.trimTask = idleMillis == 0 ? null : SlabTrimmer.schedule(this, Math.max(1, idleMillis / 2));
        this.registered = !ownsBacking && backing.addDependent(this);
    }

    /**
     * The class table.
     *
     * @return the classes
     */
    public SizeClasses classes() {
        return classes;
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        final MemorySegment block = classBlock(layout, true);
        return block == LARGE ? allocateLarge(layout, true, false) : block.asSlice(0, layout.size());
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        final MemorySegment block = classBlock(layout, false);
        if (block == LARGE) {
            return allocateLarge(layout, false, false);
        }
        return block != null ? block.asSlice(0, layout.size()) : null;
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        final MemorySegment block = classBlock(layout, true);
        return block == LARGE ? allocateLarge(layout, true, true) : block.asSlice(0, layout.size()).fill((byte) 0);
    }

    /*
     * allocate makes the slice it hands out in a method small enough to inline, from the block segment the pool built
     * once (classBlock returns that object, never a new one); deallocate hands on the slice's address, size and
     * scope. The paths behind them (BlockRouter) are never inlined into them, so both stay small once compiled and
     * the JIT inlines them into their callers, where the slice does not escape and is scalar-replaced (0 B/op).
     */

    /**
     * The whole block (the pool's own segment) for a request of a size class, taken and counted for the request's
     * layout; {@link #LARGE} for a request above {@code maxClass}; null when the class cannot grow and
     * {@code throwOnFailure} is false.
     */
    private MemorySegment classBlock(Layout layout, boolean throwOnFailure) {
        requireOpen();
        return router.take(layout, throwOnFailure);
    }

    private MemorySegment allocateLarge(Layout layout, boolean throwOnFailure, boolean zeroed) {
        final MemorySegment segment;
        try {
            segment = allocateFromBacking(layout, throwOnFailure, zeroed);
        } catch (AllocationException e) {
            failures.increment();
            throw e;
        }
        if (segment == null) {
            failures.increment();
            return null;
        }
        largeAllocations.increment();
        largeBytes.add(layout.size());
        returns.sawBackingSegment(segment);
        return segment;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when no slab of the layout's class owns {@code segment} (it came from
     *                                  elsewhere, or was allocated with another layout), or what the slab or the
     *                                  backing allocator throws
     * @throws IllegalStateException    on a double free, or when closed
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        requireOpen();
        if (!router.give(segment.address(), segment.byteSize(), segment.scope(), layout)) {
            deallocateLarge(segment, layout);
        }
    }

    private void deallocateLarge(MemorySegment segment, Layout layout) {
        backing.deallocate(segment, layout);
        largeDeallocations.increment();
        largeBytes.add(-layout.size());
    }

    @Override
    public boolean owns(MemorySegment segment) {
        for (SizeClass sizeClass : byClass) {
            if (sizeClass.owns(segment)) {
                return true;
            }
        }
        return backing.owns(segment);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Allocations are counted per thread; deallocations are the allocations less the blocks in use, which this
     * reads from every block's layout word (O(blocks)).
     */
    @Override
    public AllocatorStats stats() {
        final long large = largeBytes.sum();
        final long largeAllocated = largeAllocations.sum();
        final long[] sums = new long[3]; // blocks in use, bytes in use, bytes reserved
        for (SizeClass sizeClass : byClass) {
            sizeClass.addTo(sums);
        }
        final long allocated = caches.allocations() + router.direct.sum();
        return new AllocatorStats(largeAllocated + allocated, largeDeallocations.sum() + allocated - sums[0],
                failures.sum(), large + sums[1], large + returns.pendingBytes() + sums[2]);
    }

    /** @return the number of slabs held now, over all classes */
    public int slabCount() {
        int count = 0;
        for (SizeClass sizeClass : byClass) {
            count += sizeClass.slabCount();
        }
        return count;
    }

    /**
     * Gives every slab that is empty now back to the backing allocator, without waiting for it to be idle; also the
     * slabs the idle trimmer closed but could not give back because the backing refused its thread.
     *
     * @return how many slabs went back
     * @throws RuntimeException what the backing allocator throws when it refuses a slab (kept for the next call)
     */
    public int trim() {
        if (!isClosed()) {
            caches.releaseOwn();
            caches.adoptEnded();
        }
        return returns.retry() + idle.trim(Long.MIN_VALUE);
    }

    /**
     * The calling thread gives the free blocks in its own caches (one per slab it used) back, so that idle slabs can
     * go back to the backing allocator: for a thread that is done with this allocator for a while but stays alive.
     * Its next call takes caches again.
     *
     * @return how many blocks went back
     * @throws IllegalStateException when the allocator is closed
     */
    public int releaseThreadCaches() {
        requireOpen();
        return caches.releaseOwn();
    }

    /** Called by {@link SlabTrimmer}: retires slabs idle for {@code idleNanos}. */
    int trimIdle() {
        caches.adoptEnded();
        return returns.retry() + idle.trim(System.nanoTime());
    }

    /** Called by {@link SlabTrimmer} when {@link #trimIdle()} threw: counted, logged, and trimming goes on. */
    void trimFailed(Throwable failure) {
        trimFailures.increment();
        System.getLogger(SizeClassAllocator.class.getName()).log(System.Logger.Level.WARNING,
                () -> this + ": the idle trimmer could not give slabs back (it tries again next period)", failure);
    }

    /** @return how often the idle trimmer failed (each failure is logged) */
    long trimFailures() {
        return trimFailures.sum();
    }

    /** Class {@code c}, for tests. */
    SizeClass sizeClass(int c) {
        return byClass[c];
    }

    /** Also refuses, with {@link WrongThreadException}, a thread that may not touch the backing's segments. */
    @Override
    public void requireCloseable() {
        super.requireCloseable();
        closeGuard.check();
    }

    /** Stops trimming, closes every slab and gives its memory back. */
    @Override
    protected void onClose() {
        if (trimTask != null) {
            trimTask.cancel(false);
        }
        if (registered) {
            backing.removeDependent(this);
        }
        idle.closeAll();
    }

    /** Returns {@code "sizeclasses(16 B..64 KiB, 3 slabs) > backing"}. */
    @Override
    public String toString() {
        return "sizeclasses(" + SizeClasses.MIN_CLASS + " B.." + classes.maxClass() + " B, " + slabCount()
                + " slabs) > " + backing;
    }

    /** Lists its slab count and trim failures ({@code layer=sizeclasses}), then the backing's measures. */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        SizeClassMeasures.list(this, sink);
        super.measures(sink);
    }
}
