package dev.allocator.pool;

import dev.allocator.api.AllocatorStats;

/**
 * A snapshot of a {@link FixedBlockPool}'s counters, with the pool-specific figures {@link AllocatorStats} lacks.
 * Like {@code AllocatorStats}, a snapshot of a busy pool is not atomic: each figure was true at some instant during
 * the call, and once the threads are quiet every figure is exact.
 *
 * {@snippet :
 * PoolStats stats = pool.poolStats();
 * if (stats.free() < stats.capacity() / 10) {
 *     log.warn("pool nearly exhausted: {} of {} blocks in use, {} exhaustions so far",
 *             stats.inUse(), stats.capacity(), stats.exhaustions());
 * }
 * }
 *
 * @param blockSize     the size of each block in bytes
 * @param stride        the distance between blocks in the slab (the block size padded to the alignment, at least 8)
 * @param capacity      the number of blocks
 * @param inUse         blocks handed out and not given back
 * @param highWater     the most blocks in use at once since the pool was built (with thread caches on, an upper
 *                      bound that may count blocks that sat in caches)
 * @param allocations   blocks handed out since the pool was built
 * @param deallocations blocks given back since the pool was built
 * @param exhaustions   requests that found no free block (returned null or -1, threw, or timed out)
 * @param failures      all requests that could not be met: exhaustions plus requests too large or too aligned
 * @param bytesInUse    bytes handed out and not given back, as the requests' sizes add up (whole blocks for the
 *                      index API)
 * @param bytesReserved the slab's size, what the pool holds from its backing allocator; 0 once the pool is closed
 */
public record PoolStats(long blockSize, long stride, int capacity, int inUse, int highWater, long allocations,
                        long deallocations, long exhaustions, long failures, long bytesInUse, long bytesReserved) {

    /**
     * Blocks ready to be handed out.
     *
     * @return {@code capacity() - inUse()}
     */
    public int free() {
        return capacity - inUse;
    }

    /**
     * These figures as the API's {@link AllocatorStats}.
     *
     * @return allocations, deallocations, failures, bytes in use and bytes reserved
     */
    public AllocatorStats toAllocatorStats() {
        return new AllocatorStats(allocations, deallocations, failures, bytesInUse, bytesReserved);
    }
}
