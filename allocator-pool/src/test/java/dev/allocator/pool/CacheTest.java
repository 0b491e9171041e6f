package dev.allocator.pool;

import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread caches: blocks in them count as free, are never lost, and misuse is still caught. */
class CacheTest {

    private static final Layout BLOCK = Layout.of(64, 64);

    private static FixedBlockPool pool(int capacity, int cache, int slots) {
        return FixedBlockPool.builder().block(BLOCK).capacity(capacity).cache(cache).cacheSlots(slots)
                .threadLanes(false).backing(AutoBacking.INSTANCE, false).build();
    }

    /** Free-list plus caches hold each block exactly once (the pool must be quiet). */
    private static void assertEveryBlockFreeOnce(FixedBlockPool pool) {
        Pools.assertEveryBlockFreeOnce(pool);
        assertEquals(Pools.cached(pool).length, pool.trim());
        assertEquals(pool.capacity(), Pools.freeList(pool).length, "after trim the list holds every block");
    }

    @Test
    void shouldServeFromTheCacheAndRefillInBatches() {
        FixedBlockPool pool = pool(64, 8, 1);
        MemorySegment first = pool.allocate(BLOCK);
        assertEquals(64 - 4, Pools.freeList(pool).length, "one popChain of cache/2 blocks");
        assertEquals(3, Pools.cached(pool).length);
        pool.deallocate(first, BLOCK);
        assertEquals(4, Pools.cached(pool).length);
        assertEquals(8, pool.cache());
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldFlushHalfAFullCacheInOneBatch() {
        FixedBlockPool pool = pool(64, 8, 1);
        MemorySegment[] held = new MemorySegment[9];
        for (int i = 0; i < held.length; i++) {
            held[i] = pool.allocate(BLOCK);
        }
        for (MemorySegment segment : held) {
            pool.deallocate(segment, BLOCK);
        }
        // three refills of 4 left 3 cached; 9 frees: full at the 6th, which first flushes the oldest 4
        assertEquals(8, Pools.cached(pool).length);
        assertEquals(64 - 12 + 4, Pools.freeList(pool).length, "one flush of 4 blocks");
        assertEveryBlockFreeOnce(pool);
    }

    @ParameterizedTest(name = "cache={0}")
    @ValueSource(ints = {1, 4, 32})
    void shouldRejectDoubleFreeOfACachedBlock(int cache) {
        FixedBlockPool pool = pool(8, cache, 1);
        MemorySegment block = pool.allocate(BLOCK);
        int index = pool.indexes().indexOf(block);
        pool.deallocate(block, BLOCK);
        int[] cachedBefore = Pools.cached(pool);
        PoolStats before = pool.poolStats();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.deallocate(block, BLOCK));
        assertTrue(e.getMessage().contains("block " + index + " at") && e.getMessage().contains("double free"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> pool.indexes().release(index));
        assertArrayEquals(cachedBefore, Pools.cached(pool), "caches unchanged");
        assertEquals(before, pool.poolStats(), "counts unchanged");
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldRejectDoubleFreeOfABlockTrimmedToTheList() {
        FixedBlockPool pool = pool(8, 4, 1);
        MemorySegment block = pool.allocate(BLOCK);
        int index = pool.indexes().indexOf(block);
        pool.deallocate(block, BLOCK);
        pool.trim();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.deallocate(block, BLOCK));
        assertTrue(e.getMessage().contains("block " + index + " at"), e.getMessage());
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldTakeFromOtherCachesBeforeReportingExhaustion() throws Exception {
        FixedBlockPool pool = pool(8, 8, 8);
        // one thread leaves every block in the slot its id hashes to
        runInThread(() -> {
            MemorySegment[] all = new MemorySegment[8];
            for (int i = 0; i < 8; i++) {
                all[i] = pool.allocate(BLOCK);
            }
            for (MemorySegment segment : all) {
                pool.deallocate(segment, BLOCK);
            }
        });
        assertEquals(8, Pools.cached(pool).length, "all blocks cached, none in the list");
        for (int t = 0; t < 4; t++) { // other threads, other home slots: each still gets all 8
            runInThread(() -> {
                List<Integer> got = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    got.add(pool.indexes().acquire());
                }
                assertEquals(8, got.stream().filter(i -> i >= 0).distinct().count(), got.toString());
                assertNull(pool.tryAllocate(BLOCK), "now every block is in use");
                got.forEach(pool.indexes()::release);
            });
        }
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldFillABulkTakeFromTheCaches() {
        FixedBlockPool pool = pool(8, 8, 1);
        for (int i = 0; i < 8; i++) {
            pool.indexes().release(pool.indexes().acquire()); // the first take caches the rest
        }
        int[] into = new int[8];
        assertEquals(8, pool.indexes().acquire(into, 0, 8), "bulk take trims the caches when the list runs short");
        assertEquals(8, Arrays.stream(into).distinct().count());
        pool.indexes().release(into, 0, 8);
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldGiveCachedBlocksBackOnClose() {
        RecordingAllocator backing = new RecordingAllocator();
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(16).cache(8).backing(backing, false)
                .build();
        pool.deallocate(pool.allocate(BLOCK), BLOCK);
        assertTrue(Pools.cached(pool).length > 0);
        pool.close();
        assertEquals(0, Pools.cached(pool).length, "close trims every cache");
        assertEquals(1, backing.deallocations);
        assertThrows(IllegalStateException.class, pool::trim);
    }

    @Test
    void shouldTurnCachingOffWithZero() {
        FixedBlockPool pool = pool(8, 0, 1);
        pool.deallocate(pool.allocate(BLOCK), BLOCK);
        assertEquals(0, pool.cache());
        assertEquals(0, pool.trim());
        assertEquals(8, Pools.freeList(pool).length);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, PoolBuilder.MAX_CACHE + 1})
    void shouldRejectABadCacheSize(int cache) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FixedBlockPool.builder().cache(cache));
        assertTrue(e.getMessage().contains("cache=" + cache), e.getMessage());
        IllegalArgumentException spec = assertThrows(IllegalArgumentException.class, () -> new PoolProvider()
                .create(Map.of("blockSize", "64", "capacity", "8", "cache", String.valueOf(cache)),
                        new RecordingAllocator()));
        assertTrue(spec.getMessage().contains("cache=" + cache) && spec.getMessage().contains("between 0 and"),
                spec.getMessage());
    }

    @Test
    void shouldReadTheCacheOption() {
        try (FixedBlockPool off = (FixedBlockPool) Allocators.open("pool(blockSize=64, capacity=8, cache=0)");
             FixedBlockPool on = (FixedBlockPool) Allocators.open("pool(blockSize=64, capacity=8, cache=5)");
             FixedBlockPool byDefault = (FixedBlockPool) Allocators.open("pool(blockSize=64, capacity=8)")) {
            assertEquals(0, off.cache());
            assertEquals(5, on.cache());
            assertEquals(PoolBuilder.DEFAULT_CACHE, byDefault.cache());
        }
    }

    /** A pool of 256 blocks with the tier named {@code tier} ({@code local}: the default, used via LocalCaches). */
    private static FixedBlockPool manyThreadsPool(String tier) {
        PoolBuilder builder = FixedBlockPool.builder().block(BLOCK).capacity(256).backing(AutoBacking.INSTANCE, false);
        return switch (tier) {
            case "list" -> builder.cache(0).build();
            case "slots" -> builder.cache(8).threadLanes(false).build();
            default -> builder.build();
        };
    }

    @ParameterizedTest(name = "tier={0}")
    @ValueSource(strings = {"list", "slots", "lanes", "local"})
    void shouldLoseNoBlockWithTenThousandVirtualThreads(String tier) throws Exception {
        FixedBlockPool pool = manyThreadsPool(tier);
        final boolean local = tier.equals("local");
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 10_000; t++) {
                final long pattern = t;
                tasks.add(executor.submit(() -> useBriefly(pool, pattern, local)));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        }
        assertEveryBlockFreeOnce(pool);
    }

    @ParameterizedTest(name = "tier={0}")
    @ValueSource(strings = {"list", "slots", "lanes", "local"})
    void shouldLoseNoBlockWithAThousandShortLivedPlatformThreads(String tier) throws Exception {
        FixedBlockPool pool = manyThreadsPool(tier);
        final boolean local = tier.equals("local");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int wave = 0; wave < 125; wave++) { // 8 threads at a time, 1,000 in all, each used once
            Thread[] threads = new Thread[8];
            for (int i = 0; i < threads.length; i++) {
                final long pattern = wave * 8L + i;
                threads[i] = Thread.ofPlatform().start(() -> {
                    try {
                        useBriefly(pool, pattern, local);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEveryBlockFreeOnce(pool);
    }

    /** Takes and frees a few blocks, writing a pattern into each and checking it before the free. */
    private static void useBriefly(FixedBlockPool pool, long pattern, boolean viaLocalCache) {
        final LocalCache local = viaLocalCache ? pool.localCache() : null;
        final dev.allocator.api.Allocator from = local != null ? local : pool;
        for (int round = 0; round < 10; round++) {
            MemorySegment a = from.tryAllocate(BLOCK);
            MemorySegment b = from.tryAllocate(BLOCK);
            for (MemorySegment s : new MemorySegment[]{a, b}) {
                if (s != null) {
                    s.set(ValueLayout.JAVA_LONG, 0, pattern);
                    s.set(ValueLayout.JAVA_LONG, 56, ~pattern);
                }
            }
            Thread.yield();
            for (MemorySegment s : new MemorySegment[]{b, a}) {
                if (s != null) {
                    assertEquals(pattern, s.get(ValueLayout.JAVA_LONG, 0), "block handed out twice");
                    assertEquals(~pattern, s.get(ValueLayout.JAVA_LONG, 56), "block handed out twice");
                    from.deallocate(s, BLOCK);
                }
            }
        }
        if (local != null) {
            local.close(); // a short-lived owner gives its cache back before it ends
        }
    }

    private static void runInThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void shouldNotAllocateWhenEveryBlockIsHeldAcrossThreads() throws Exception {
        FixedBlockPool pool = pool(4, 2, 2);
        MemorySegment[] mine = new MemorySegment[2];
        mine[0] = pool.allocate(BLOCK);
        mine[1] = pool.allocate(BLOCK);
        runInThread(() -> {
            assertNotNull(pool.tryAllocate(BLOCK));
            assertNotNull(pool.tryAllocate(BLOCK));
            assertNull(pool.tryAllocate(BLOCK));
        });
        assertEquals(4, pool.poolStats().inUse());
        assertEquals(1, pool.poolStats().exhaustions());
    }
}
