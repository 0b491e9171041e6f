package dev.allocator.io;

import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.PoolBuilder;

import java.util.Objects;

/**
 * Builds a {@link PacketPool}. Not thread-safe; one builder may build several pools, each with frames of its own.
 *
 * {@snippet :
 * PacketPool jumbo = PacketPool.builder()
 *         .frameSize(FrameSize.forMtu(9000, 0))   // 9024 bytes of payload room
 *         .headroom(128)                          // room to push headers in front later
 *         .capacity(8192)
 *         .cache(256)                             // per-thread cache, as DPDK's per-lcore mempool cache
 *         .build();
 * }
 */
public final class PacketPoolBuilder {

    /** The largest frame size: 16 MiB. */
    public static final int MAX_FRAME_SIZE = 1 << 24;
    /** The largest capacity, the pool's: 2^30 frames. */
    public static final int MAX_CAPACITY = 1 << 30;

    private int frameSize = -1;
    private int headroom;
    private int capacity = -1;
    private int cache = PoolBuilder.DEFAULT_CACHE;
    private Allocator backing;
    private boolean ownsBacking;

    PacketPoolBuilder() {
    }

    /**
     * The payload room of each frame (required); {@link FrameSize#forMtu} computes it from an MTU.
     *
     * @param frameSize bytes, 1 to {@value #MAX_FRAME_SIZE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PacketPoolBuilder frameSize(int frameSize) {
        this.frameSize = (int) Checks.requireInRange(frameSize, 1, MAX_FRAME_SIZE, "frameSize");
        return this;
    }

    /**
     * Bytes reserved before each payload, for headers pushed in front later; default 0.
     *
     * @param headroom bytes, 0 to {@value FrameSize#MAX_HEADROOM}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PacketPoolBuilder headroom(int headroom) {
        this.headroom = (int) Checks.requireInRange(headroom, 0, FrameSize.MAX_HEADROOM, "headroom");
        return this;
    }

    /**
     * The number of frames (required).
     *
     * @param capacity 1 to {@value #MAX_CAPACITY}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PacketPoolBuilder capacity(int capacity) {
        this.capacity = (int) Checks.requireInRange(capacity, 1, MAX_CAPACITY, "capacity");
        return this;
    }

    /**
     * Free frames per thread cache; default {@link PoolBuilder#DEFAULT_CACHE}, 0 for none. See
     * {@link PoolBuilder#cache(int)}: up to this many free frames may sit in each live platform thread's cache.
     *
     * @param cache 0 to {@link PoolBuilder#MAX_CACHE}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public PacketPoolBuilder cache(int cache) {
        this.cache = (int) Checks.requireInRange(cache, 0, PoolBuilder.MAX_CACHE, "cache");
        return this;
    }

    /**
     * The allocator the frames come from; default {@link dev.allocator.api.Allocators#system()}. The pool does not
     * close it; it registers with it ({@link Allocator#addDependent}), so closing it first closes the pool.
     *
     * @param backing the allocator
     * @return this builder
     */
    public PacketPoolBuilder backing(Allocator backing) {
        return backing(backing, false);
    }

    PacketPoolBuilder backing(Allocator backing, boolean owns) {
        this.backing = Objects.requireNonNull(backing, "backing");
        this.ownsBacking = owns;
        return this;
    }

    /**
     * Takes the frames from the backing allocator and builds the pool: blocks of
     * {@code headroom + frameSize} bytes rounded up to 64, aligned to 64. If this throws, the backing is as it was.
     *
     * @return the pool
     * @throws IllegalStateException when {@code frameSize} or {@code capacity} was not set
     * @throws dev.allocator.api.AllocationException when the backing cannot provide the frames (its reason)
     */
    public PacketPool build() {
        if (frameSize < 0 || capacity < 0) {
            throw new IllegalStateException("a packet pool needs frameSize and capacity: frameSize="
                    + (frameSize < 0 ? "unset" : frameSize) + ", capacity=" + (capacity < 0 ? "unset" : capacity));
        }
        final PoolBuilder frames = FixedBlockPool.builder()
                .blockSize(Checks.alignUp((long) headroom + frameSize, FrameSize.CACHE_LINE))
                .alignment(FrameSize.CACHE_LINE)
                .capacity(capacity)
                .cache(cache);
        if (backing != null) {
            frames.backing(backing, ownsBacking);
        }
        return new PacketPool(frames.build(), frameSize, headroom);
    }
}
