package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeListDescriptor;

import java.lang.foreign.MemoryLayout;
import java.util.Objects;

/**
 * Builds a {@link FixedBlockPool}. Not thread-safe; one builder may build several pools, each with its own slab.
 *
 * {@snippet :
 * StructLayout packet = MemoryLayout.structLayout(JAVA_LONG.withName("seq"), MemoryLayout.sequenceLayout(1492, JAVA_BYTE));
 * try (Allocator arena = Allocators.open("arena(chunkSize=16MiB) > system");
 *      FixedBlockPool packets = FixedBlockPool.builder()
 *              .block(packet)                    // size and alignment from the layout
 *              .capacity(8192)
 *              .wipe(Wipe.FREE)
 *              .backing(arena, false)            // the pool gives its slab back but leaves the arena open
 *              .build()) {
 *     MemorySegment p = packets.allocate(Layout.of(packet));
 *     packets.deallocate(p, Layout.of(packet));
 * }
 * }
 */
public final class PoolBuilder {

    /** The largest default alignment: a cache line. */
    public static final long MAX_NATURAL_ALIGNMENT = 64;

    /** The default {@link #cache} size: blocks per thread cache (chosen from PoolBenchmark, see the README). */
    public static final int DEFAULT_CACHE = 32;

    /** The largest {@link #cache} size. */
    public static final int MAX_CACHE = 4096;

    private long blockSize = -1;
    private long alignment = -1;
    private int capacity = -1;
    private Wipe wipe = Wipe.NONE;
    private boolean checkDoubleFree = true;
    private int cache = DEFAULT_CACHE;
    private int cacheSlots = 0;
    private boolean threadLanes = true;
    private Allocator backing;
    private boolean ownsBacking;

    PoolBuilder() {
    }

    /**
     * The natural alignment of a block size: its largest power-of-two divisor, at most
     * {@link #MAX_NATURAL_ALIGNMENT} (64 for 64 or 4096, 16 for 48, 4 for 1500).
     *
     * @param blockSize the block size, {@code > 0}
     * @return the alignment
     * @throws IllegalArgumentException when {@code blockSize <= 0}
     */
    public static long naturalAlignment(long blockSize) {
        Checks.requirePositive(blockSize, "blockSize");
        return Math.min(Long.lowestOneBit(blockSize), MAX_NATURAL_ALIGNMENT);
    }

    /**
     * The size of each block (required, unless {@link #block} is used).
     *
     * @param blockSize bytes, 1 to 2^40 - 1 (the largest request a block's state word records)
     * @return this builder
     * @throws IllegalArgumentException when {@code blockSize} is outside that range
     */
    public PoolBuilder blockSize(long blockSize) {
        this.blockSize = Checks.requireInRange(blockSize, 1, BlockStates.MAX_REQUESTED, "blockSize");
        return this;
    }

    /**
     * The alignment of every block; default {@link #naturalAlignment(long) the block size's natural alignment}.
     *
     * @param alignment bytes, a power of two
     * @return this builder
     * @throws IllegalArgumentException when {@code alignment} is not a power of two
     */
    public PoolBuilder alignment(long alignment) {
        this.alignment = Checks.requirePowerOfTwo(alignment, "alignment");
        return this;
    }

    /**
     * Block size and alignment from a layout.
     *
     * @param layout the layout of each block
     * @return this builder
     * @throws IllegalArgumentException when {@code layout.size()} is 0
     */
    public PoolBuilder block(Layout layout) {
        return blockSize(layout.size()).alignment(layout.alignment());
    }

    /**
     * Block size and alignment from a memory layout, such as a struct layout.
     *
     * @param layout the layout of each block
     * @return this builder
     * @throws IllegalArgumentException when the layout's size is 0
     */
    public PoolBuilder block(MemoryLayout layout) {
        return block(Layout.of(layout));
    }

    /**
     * The number of blocks (required).
     *
     * @param capacity between 1 and 2^30
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PoolBuilder capacity(int capacity) {
        this.capacity = (int) Checks.requireInRange(capacity, 1, FreeListDescriptor.MAX_CAPACITY, "capacity");
        return this;
    }

    /**
     * When to zero memory; default {@link Wipe#NONE}.
     *
     * @param wipe the policy
     * @return this builder
     */
    public PoolBuilder wipe(Wipe wipe) {
        this.wipe = Objects.requireNonNull(wipe, "wipe");
        return this;
    }

    /**
     * Whether double frees are detected even when they race (default {@code true}). On, every free (thread caches
     * included) moves the block's state word to free with one compare-and-set, which also checks the layout: of two
     * frees of one block, ordered or racing on two threads, exactly one succeeds and the other throws
     * {@link IllegalStateException}. Off, the state word is read and written plainly (no atomic instruction): a
     * double free whose two frees are ordered is still caught, but two racing ones may both succeed and put the block
     * in two places; the pool then reports a corrupt free-list (and hands out no more blocks) when the second copy is
     * taken while the first is held, and two takes racing on the two copies may hand the block to two owners.
     *
     * @param check {@code false} to turn the check off
     * @return this builder
     */
    public PoolBuilder checkDoubleFree(boolean check) {
        this.checkDoubleFree = check;
        return this;
    }

    /**
     * Blocks per thread cache; default {@link #DEFAULT_CACHE}, 0 turns caching off.
     *
     * <p>With caching on, each platform thread takes and gives back blocks through a cache of its own (a "lane", one
     * of a fixed set of about four per processor, found by the thread's id): no atomic instruction at all, and the
     * shared free-list is touched once per {@code cache / 2} blocks, with one CAS. Virtual threads, and a platform
     * thread whose lane another live thread holds, use a second set of small caches borrowed for the length of one
     * call (one CAS to claim), so very many short-lived or virtual threads cost nothing and leave nothing behind.
     *
     * <p>The price, as with DPDK's per-core mempool caches: up to {@code cache} free blocks per live platform thread
     * may be parked in that thread's lane, where other threads cannot take them. They count as free. They come back
     * when the thread ends (adopted by the next thread that wants the lane, or by a thread that runs short, or by
     * {@link FixedBlockPool#trim()}), when the owner next calls the pool after another thread ran short, and when the
     * owner calls {@link FixedBlockPool#releaseThreadCache()}. So with caching on, {@code tryAllocate} may return
     * {@code null} while blocks are parked in live threads that do not call the pool; the exhaustion message says how
     * many. Size the pool with that headroom, or use {@code cache(0)} for a pool that hands out its last block to any
     * thread. A timed {@link FixedBlockPool#allocate(dev.allocator.api.Layout, java.time.Duration) allocate} gets
     * every block freed while it waits, whatever thread frees it. A free from a thread's own cache costs one
     * uncontended compare-and-set of the block's state word (see {@link #checkDoubleFree}). Blocks are not handed out
     * in LIFO order across threads.
     *
     * @param cache blocks per thread cache, 0 to {@link #MAX_CACHE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PoolBuilder cache(int cache) {
        this.cache = (int) Checks.requireInRange(cache, 0, MAX_CACHE, "cache");
        return this;
    }

    /** For tests: whether platform threads get caches of their own (default) or share the per-call slots only. */
    PoolBuilder threadLanes(boolean on) {
        this.threadLanes = on;
        return this;
    }

    /** For tests: the number of cache slots, a power of two; 0 = the default (about twice the processors). */
    PoolBuilder cacheSlots(int slots) {
        this.cacheSlots = slots;
        return this;
    }

    /**
     * The allocator the slab comes from; default {@link Allocators#system()}.
     *
     * <p>With {@code owns} false the pool registers itself with {@code backing}
     * ({@link Allocator#addDependent}), so that closing or resetting the backing first closes the pool: its segments
     * then throw {@link IllegalStateException} instead of reaching freed memory. A backing that does not honour
     * dependents ({@code addDependent} returns {@code false}) must be kept open by the caller for as long as the pool
     * is open; closing or resetting it earlier leaves the pool's segments over freed memory (undefined behaviour,
     * up to a JVM crash).
     *
     * @param backing the allocator
     * @param owns    {@code true} to have the pool's {@code close()} close {@code backing} after giving the slab back
     * @return this builder
     */
    public PoolBuilder backing(Allocator backing, boolean owns) {
        this.backing = Objects.requireNonNull(backing, "backing");
        this.ownsBacking = owns;
        return this;
    }

    /**
     * Takes the slab from the backing allocator and builds the pool. If this throws, the backing allocator is as it
     * was (not closed, even when the pool was to own it).
     *
     * @return the pool
     * @throws IllegalStateException    when {@code blockSize} or {@code capacity} was not set
     * @throws IllegalArgumentException when the slab's size ({@code stride * capacity}) overflows a {@code long}
     * @throws dev.allocator.api.AllocationException when the backing allocator cannot provide the slab (its
     *         reason), or, with reason {@code TOO_LARGE} and before anything is taken from the backing, when the
     *         pool's per-block structures (8 bytes a block) would need more than half the maximum Java heap
     *         or more than the heap has free now (maximum minus used); the message gives the need and both figures
     */
    public FixedBlockPool build() {
        if (blockSize < 0 || capacity < 0) {
            throw new IllegalStateException("a pool needs blockSize and capacity: blockSize="
                    + (blockSize < 0 ? "unset" : blockSize) + ", capacity=" + (capacity < 0 ? "unset" : capacity));
        }
        final long align = alignment > 0 ? alignment : naturalAlignment(blockSize);
        final Allocator from = backing != null ? backing : Allocators.system();
        PoolHeap.require(blockSize, align, capacity);
        final Slab slab = Slab.carve(from, ownsBacking, blockSize, align, capacity);
        final FixedBlockPool pool;
        try {
            pool = new FixedBlockPool(new PoolCore(slab, wipe, checkDoubleFree, cache, cacheSlots, threadLanes));
            slab.register(pool);
        } catch (RuntimeException | Error e) {
            try {
                slab.abandon();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return pool;
    }
}
