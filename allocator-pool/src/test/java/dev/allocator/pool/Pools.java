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

    static TaggedFreeList list(FixedBlockPool pool) {
        return pool.core().freeList;
    }
}
