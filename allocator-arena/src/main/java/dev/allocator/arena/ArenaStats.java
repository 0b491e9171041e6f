package dev.allocator.arena;

import dev.allocator.api.AllocatorStats;

/**
 * A snapshot of a {@link BumpArena}'s counters, from {@link BumpArena#arenaStats()}.
 *
 * {@snippet :
 * ArenaStats stats = arena.arenaStats();
 * System.out.println(stats);   // arena: 2 chunks (2097152 B reserved), 1200 B in use in 17 live allocations, ...
 * }
 *
 * <p>Like {@link AllocatorStats}, the figures of a shared arena in use by other threads are read one after another,
 * so each was true at some instant during the call.
 *
 * @param chunksHeld    chunks the arena holds from its backing allocator: in use, and kept for reuse
 * @param bytesReserved the bytes of those chunks
 * @param bytesInUse    the sizes of the live allocations added up (ended by neither deallocate, rewind nor reset)
 * @param allocations   successful allocations since the arena was created
 * @param deallocations allocations ended since then, by {@code deallocate}, {@code rewind} or {@code reset}
 * @param failures      allocations that could not be satisfied (the backing allocator refused a chunk)
 * @param resets        calls of {@link BumpArena#reset()} since the arena was created
 * @param wastedBytes   bytes skipped since the arena was created: alignment padding in front of allocations, and the
 *                      unused tails of chunks that were left because the next request did not fit
 */
public record ArenaStats(long chunksHeld, long bytesReserved, long bytesInUse, long allocations, long deallocations,
                         long failures, long resets, long wastedBytes) {

    /**
     * Allocations not yet ended.
     *
     * @return {@code allocations() - deallocations()}
     */
    public long liveAllocations() {
        return allocations - deallocations;
    }

    /**
     * These counters in the API's common form.
     *
     * @return the stats as {@link AllocatorStats}
     */
    public AllocatorStats toAllocatorStats() {
        return new AllocatorStats(allocations, deallocations, failures, bytesInUse, bytesReserved);
    }

    /** Returns one readable line with every figure. */
    @Override
    public String toString() {
        return "arena: " + chunksHeld + " chunks (" + bytesReserved + " B reserved), " + bytesInUse + " B in use in "
                + liveAllocations() + " live allocations, " + allocations + " allocations, " + deallocations
                + " ended, " + failures + " failures, " + resets + " resets, " + wastedBytes + " B wasted";
    }
}
