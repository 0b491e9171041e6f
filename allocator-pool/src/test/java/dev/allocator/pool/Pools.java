package dev.allocator.pool;

import dev.allocator.pool.internal.TaggedFreeList;

/** Test helpers that reach into a pool. */
final class Pools {

    private Pools() {
    }

    static PoolCore core(FixedBlockPool pool) {
        return pool.core();
    }

    /** The pool's lanes, or null when its tier has none. */
    static dev.allocator.pool.internal.LaneTier lanes(FixedBlockPool pool) {
        return pool.core().tier instanceof dev.allocator.pool.internal.LaneTier lanes ? lanes : null;
    }

    /** The free-list's blocks, first to last (the pool must be quiet). */
    static int[] freeList(FixedBlockPool pool) {
        return list(pool).snapshot();
    }

    /** The blocks in the thread caches (the pool must be quiet); empty when caching is off. */
    static int[] cached(FixedBlockPool pool) {
        return pool.core().tier.snapshot();
    }

    /** The free-list and the caches hold each block exactly once, and none is in use (the pool must be quiet). */
    static void assertEveryBlockFreeOnce(FixedBlockPool pool) {
        int[] listed = freeList(pool);
        int[] cached = cached(pool);
        int[] free = java.util.Arrays.copyOf(listed, listed.length + cached.length);
        System.arraycopy(cached, 0, free, listed.length, cached.length);
        java.util.Arrays.sort(free);
        int[] all = new int[pool.capacity()];
        java.util.Arrays.setAll(all, i -> i);
        org.junit.jupiter.api.Assertions.assertArrayEquals(all, free, "free-list + caches hold each block once");
        org.junit.jupiter.api.Assertions.assertEquals(0, pool.poolStats().inUse());
    }

    /** A Lincheck actor calling {@code method} with the thread parameter {@code thread}. */
    static org.jetbrains.kotlinx.lincheck.Actor actor(java.lang.reflect.Method method, int thread) {
        return new org.jetbrains.kotlinx.lincheck.Actor(method, java.util.List.of(thread), false, false, false, false,
                false);
    }

    static TaggedFreeList list(FixedBlockPool pool) {
        return pool.core().freeList;
    }
}
