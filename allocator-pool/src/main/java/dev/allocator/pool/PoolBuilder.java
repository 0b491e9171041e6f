package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
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

    /** The default {@link #cache} size: blocks per thread-cache slot (chosen from PoolBenchmark, see the README). */
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
     * @param blockSize bytes, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException when {@code blockSize <= 0}
     */
    public PoolBuilder blockSize(long blockSize) {
        this.blockSize = Checks.requirePositive(blockSize, "blockSize");
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
     * Whether to detect double frees (default {@code true}). Off saves one compare-and-set per free; then a double
     * free goes unnoticed and corrupts the pool.
     *
     * @param check {@code false} to turn the check off
     * @return this builder
     */
    public PoolBuilder checkDoubleFree(boolean check) {
        this.checkDoubleFree = check;
        return this;
    }

    /**
     * Blocks per thread-cache slot; default {@link #DEFAULT_CACHE}, 0 turns caching off. With caching on, a thread
     * takes and gives back blocks through one of a fixed set of small caches (about twice as many as processors,
     * borrowed for the length of one call, so virtual and short-lived threads are fine) and touches the shared
     * free-list once per {@code cache / 2} blocks. Cached blocks count as free, are taken from other caches before
     * the pool reports exhaustion, and go back to the shared list on {@link FixedBlockPool#trim()} and close. Up to
     * {@code cache} blocks per slot may sit idle in the caches, and blocks are no longer handed out in LIFO order
     * across threads.
     *
     * @param cache blocks per slot, 0 to {@link #MAX_CACHE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PoolBuilder cache(int cache) {
        this.cache = (int) Checks.requireInRange(cache, 0, MAX_CACHE, "cache");
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
     * @throws dev.allocator.api.AllocationException when the backing allocator cannot provide the slab
     */
    public FixedBlockPool build() {
        if (blockSize < 0 || capacity < 0) {
            throw new IllegalStateException("a pool needs blockSize and capacity: blockSize="
                    + (blockSize < 0 ? "unset" : blockSize) + ", capacity=" + (capacity < 0 ? "unset" : capacity));
        }
        final long align = alignment > 0 ? alignment : naturalAlignment(blockSize);
        final Allocator from = backing != null ? backing : Allocators.system();
        return new FixedBlockPool(new PoolCore(Slab.carve(from, ownsBacking, blockSize, align, capacity), wipe,
                checkDoubleFree, cache, cacheSlots));
    }
}
