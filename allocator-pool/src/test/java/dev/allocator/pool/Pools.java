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
        final PoolCore core = pool.core();
        if (core.caches == null) {
            return new int[0];
        }
        final int[] slots = core.caches.snapshot();
        final int[] lanes = core.lanes != null ? core.lanes.snapshot() : new int[0];
        final int[] all = java.util.Arrays.copyOf(slots, slots.length + lanes.length);
        System.arraycopy(lanes, 0, all, slots.length, lanes.length);
        return all;
    }

    static TaggedFreeList list(FixedBlockPool pool) {
        return pool.core().freeList;
    }
}
