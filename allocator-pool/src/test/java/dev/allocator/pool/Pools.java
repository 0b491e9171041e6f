package dev.allocator.pool;

import dev.allocator.pool.internal.TaggedFreeList;

/** Test helpers that reach into a pool. */
final class Pools {

    private Pools() {
    }

    static PoolCore core(FixedBlockPool pool) {
        return pool.core();
    }

    /** The free-list's blocks, first to last (the pool must be quiet). */
    static int[] freeList(FixedBlockPool pool) {
        return list(pool).snapshot();
    }

    /** The blocks in the thread caches (the pool must be quiet); empty when caching is off. */
    static int[] cached(FixedBlockPool pool) {
        return pool.core().caches != null ? pool.core().caches.snapshot() : new int[0];
    }

    static TaggedFreeList list(FixedBlockPool pool) {
        return pool.core().freeList;
    }
}
