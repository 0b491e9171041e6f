package dev.allocator.pool.internal;

/**
 * Where a pool keeps its free blocks besides the shared {@link TaggedFreeList}: chosen once, when the pool is built,
 * from the {@code cache} option. One implementation per tier:
 * <ul>
 *   <li>{@link ListTier} ({@code cache=0}): the list alone; every take and give is one CAS of its head.</li>
 *   <li>{@link SlotTier}: small caches borrowed for the length of one call (one CAS to claim), for pools too small
 *       to give every platform thread a lane.</li>
 *   <li>{@link LaneTier} (the default): a lane per platform thread (no atomic instruction), with a {@link SlotTier}
 *       behind it for virtual threads and threads that find no free lane.</li>
 * </ul>
 * The pool's state word checks (double free, layout) happen before {@link #give} and after {@link #take}; a tier
 * only moves free block indices around. Every method may be called by any thread.
 *
 * <p>Happens-before: whatever a thread did before it gave a block happens-before whatever the thread that takes the
 * block next does afterwards, whichever way the block went.
 */
public interface FreeBlockTier {

    /**
     * Takes a free block for the calling thread.
     *
     * @return its index, or {@link FreeListDescriptor#END} when none could be found (see each tier for whether blocks
     *         parked in other live threads count)
     * @throws FreeListCorruptException when the list is found corrupt
     */
    int take();

    /**
     * Gives back a block the caller held; its state word is FREE already.
     *
     * @param index a block in no list and no cache
     */
    void give(int index);

    /**
     * Moves every cached block that can move now to the list: the caller's own, dead threads', the slots'; asks
     * live owners to give theirs back on their next call.
     *
     * @return how many blocks went to the list
     */
    int trim();

    /**
     * The calling thread gives its own cache back and lets it go.
     *
     * @return how many blocks went to the list
     */
    int releaseMine();

    /**
     * Free blocks parked in caches other live threads own, from the counts the caches keep: a hint, for messages.
     *
     * @return the count, 0 when the tier has no per-thread caches
     */
    int parkedElsewhere();

    /**
     * Blocks per cache.
     *
     * @return the size, 0 for the list alone
     */
    int cacheSize();

    /**
     * The blocks in the caches now, for tests; exact only while no thread uses the pool.
     *
     * @return the indices
     */
    int[] snapshot();
}
