package dev.allocator.api;

/**
 * A snapshot of an allocator's counters, cheap enough to take from a monitoring thread.
 *
 * <p>The counters are read one after another while other threads may allocate, so a snapshot of a busy allocator is
 * not atomic: each figure was true at some instant during the call.
 *
 * {@snippet :
 * AllocatorStats stats = allocator.stats();
 * System.out.printf("%d live, %d bytes in use of %d reserved%n",
 *         stats.liveAllocations(), stats.bytesInUse(), stats.bytesReserved());
 * }
 *
 * @param allocations   successful allocations since the allocator was created
 * @param deallocations successful deallocations since the allocator was created
 * @param failures      allocation requests that could not be satisfied (returned null or threw
 *                      {@link AllocationException})
 * @param bytesInUse    bytes handed out and not yet given back, as the requests' sizes add up
 * @param bytesReserved bytes this allocator holds from its backing allocator or the operating system
 */
public record AllocatorStats(long allocations, long deallocations, long failures, long bytesInUse,
                             long bytesReserved) {

    /**
     * Allocations not yet given back.
     *
     * @return {@code allocations() - deallocations()}
     */
    public long liveAllocations() {
        return allocations - deallocations;
    }
}
