package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LocalCache}: confined, plain on a hit, its blocks free in the pool's stats, given back on close. */
class LocalCacheTest {

    private static final Layout BLOCK = Layout.of(64, 64);

    private static FixedBlockPool pool(int capacity, int cache) {
        return FixedBlockPool.builder().block(BLOCK).capacity(capacity).cache(cache)
                .backing(AutoBacking.INSTANCE, false).build();
    }

    @Test
    void shouldServeFromItsStackAndTouchTheListOncePerBatch() {
        FixedBlockPool pool = pool(64, 8);
        try (LocalCache cache = pool.localCache()) {
            MemorySegment first = cache.allocate(BLOCK);
            assertEquals(64 - 4, Pools.freeList(pool).length, "one popInto of cache/2 blocks");
            assertEquals(3, cache.held());
            cache.deallocate(first, BLOCK);
            MemorySegment again = cache.allocate(BLOCK);
            assertEquals(first.address(), again.address(), "LIFO: the block just given back");
            cache.deallocate(again, BLOCK);
            assertEquals(64 - 4, Pools.freeList(pool).length, "hits left the list alone");
            assertEquals(4, cache.held());
        }
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldFlushHalfWhenFull() {
        FixedBlockPool pool = pool(64, 8);
        try (LocalCache cache = pool.localCache()) {
            int[] held = new int[9];
            for (int i = 0; i < held.length; i++) {
                held[i] = pool.indexes().acquire();
            }
            for (int index : held) {
                cache.release(index);
            }
            assertEquals(5, cache.held(), "8 held, 4 flushed, then the ninth");
        }
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldCountHeldBlocksAsFreeAndGiveThemBackOnClose() {
        FixedBlockPool pool = pool(64, 8);
        LocalCache cache = pool.localCache();
        int index = cache.acquire();
        assertEquals(1, pool.poolStats().inUse());
        cache.release(index);
        assertEquals(4, cache.held());
        PoolStats stats = pool.poolStats();
        assertEquals(64, stats.free(), "blocks in a local cache are free");
        assertEquals(1, stats.allocations());
        assertEquals(1, stats.deallocations());
        cache.close();
        assertEquals(0, cache.held());
        assertEquals(64, Pools.freeList(pool).length, "close gave every block back to the list");
        cache.close(); // twice: nothing more
        assertThrows(IllegalStateException.class, () -> cache.acquire());
    }

    @Test
    void shouldRefuseOtherThreadsChangingNothing() throws Exception {
        FixedBlockPool pool = pool(64, 8);
        LocalCache cache = pool.localCache();
        MemorySegment block = cache.allocate(BLOCK);
        int held = cache.held();
        for (Runnable call : new Runnable[]{() -> cache.allocate(BLOCK), () -> cache.tryAllocate(BLOCK),
                () -> cache.deallocate(block, BLOCK), cache::acquire, () -> cache.release(0), cache::close}) {
            CompletableFuture<Void> other = CompletableFuture.runAsync(call);
            ExecutionException failed = assertThrows(ExecutionException.class, other::get);
            assertInstanceOf(WrongThreadException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("confined to thread"), failed.getCause().getMessage());
        }
        assertEquals(held, cache.held());
        assertEquals(1, pool.poolStats().inUse());
        cache.deallocate(block, BLOCK);
        cache.close();
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldRejectMisuseAsThePoolDoes() {
        FixedBlockPool pool = pool(64, 8);
        try (LocalCache cache = pool.localCache(); Arena arena = Arena.ofConfined()) {
            MemorySegment block = cache.allocate(BLOCK);
            cache.deallocate(block, BLOCK);
            int held = cache.held();
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> cache.deallocate(block, BLOCK));
            assertTrue(twice.getMessage().contains("already free (double free)"), twice.getMessage());
            MemorySegment other = cache.allocate(BLOCK);
            assertThrows(IllegalArgumentException.class, () -> cache.deallocate(other, Layout.of(32, 64)));
            assertThrows(IllegalArgumentException.class, () -> cache.deallocate(other.asSlice(8, 8), BLOCK));
            assertThrows(IllegalArgumentException.class, () -> cache.deallocate(arena.allocate(64), BLOCK));
            assertThrows(IllegalArgumentException.class, () -> cache.release(64));
            AllocationException tooLarge = assertThrows(AllocationException.class,
                    () -> cache.allocate(Layout.of(65, 8)));
            assertEquals(AllocationException.Reason.TOO_LARGE, tooLarge.reason());
            assertNull(cache.tryAllocate(Layout.of(64, 128)));
            assertEquals(held - 1, cache.held());
            assertEquals(1, pool.poolStats().inUse(), "the misuse changed nothing");
            cache.deallocate(other, BLOCK);
        }
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldTakeFromThePoolsOtherTiersWhenTheListIsEmpty() {
        FixedBlockPool pool = pool(64, 8);
        int[] all = new int[64];
        assertEquals(64, pool.indexes().acquire(all, 0, 64));
        pool.indexes().release(all[0]); // into this thread's own cache (lane or slot), not the list
        assertEquals(0, Pools.freeList(pool).length);
        try (LocalCache cache = pool.localCache()) {
            assertEquals(all[0], cache.acquire(), "found in the pool's tier");
            assertEquals(-1, cache.acquire());
            cache.release(all[0]);
        }
        pool.indexes().release(all, 1, 63);
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldNameItsBlocksWhenThePoolIsExhaustedElsewhere() throws Exception {
        FixedBlockPool pool = pool(8, 8);
        LocalCache cache = pool.localCache();
        int[] mine = new int[8];
        for (int i = 0; i < mine.length; i++) {
            mine[i] = cache.acquire();
        }
        for (int index : mine) {
            cache.release(index);
        }
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Thread.ofPlatform().start(() -> refused.set(assertThrows(AllocationException.class,
                () -> pool.allocate(BLOCK)))).join();
        assertTrue(refused.get().getMessage().contains("in 1 open local caches (8 free blocks"),
                refused.get().getMessage());
        assertEquals(8, pool.poolStats().free());
        cache.close();
        assertEquals(8, Pools.freeList(pool).length);
    }

    @Test
    void shouldBeInvalidatedByThePoolsClose() {
        FixedBlockPool pool = pool(64, 8);
        LocalCache cache = pool.localCache();
        MemorySegment block = cache.allocate(BLOCK);
        cache.deallocate(block, BLOCK);
        pool.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> cache.allocate(BLOCK));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> cache.release(0));
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_INT, 0), "the slab is gone");
        cache.close(); // after the pool: gives nothing back, does not throw
        assertEquals(0, cache.held());
        assertThrows(IllegalStateException.class, pool::localCache);
    }

    @Test
    void shouldGiveToTheListWhileATimedWaiterWaits() {
        FixedBlockPool pool = pool(64, 8);
        try (LocalCache cache = pool.localCache()) {
            int index = cache.acquire();
            int listed = Pools.freeList(pool).length;
            Pools.core(pool).give.waitStarted(); // what BoundedWait does before its first retry
            try {
                cache.release(index);
            } finally {
                Pools.core(pool).give.waitEnded();
            }
            assertEquals(listed + 1, Pools.freeList(pool).length, "the block went where the waiter looks");
            assertEquals(index, Pools.freeList(pool)[0]);
        }
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldZeroOnFreeUnderWipe() {
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(64).wipe(Wipe.FREE)
                .backing(AutoBacking.INSTANCE, false).build();
        try (LocalCache cache = pool.localCache()) {
            MemorySegment block = cache.allocate(BLOCK);
            block.fill((byte) 7);
            cache.deallocate(block, BLOCK);
            MemorySegment again = cache.allocate(BLOCK);
            assertEquals(-1, again.mismatch(MemorySegment.ofArray(new byte[64])), "zero, link included");
            cache.deallocate(again, BLOCK);
        }
    }
}
