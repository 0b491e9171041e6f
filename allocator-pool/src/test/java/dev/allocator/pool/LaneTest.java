package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform threads' own caches ("lanes"): atomic-free while owned, never losing a block, misuse still caught. */
class LaneTest {

    private static final Layout BLOCK = Layout.of(64, 64);

    /** A pool whose lanes hold {@code cache} blocks: capacity large enough that the quarter-of-the-pool cap is off. */
    private static FixedBlockPool pool(int cache) {
        int lanes = dev.allocator.pool.internal.LaneTier.defaultCount();
        return FixedBlockPool.builder().block(BLOCK).capacity(4 * lanes * cache).cache(cache)
                .backing(AutoBacking.INSTANCE, false).build();
    }

    /** A platform thread (not started) whose lane is not the calling thread's. */
    private static Thread otherLaneThread(FixedBlockPool pool, Runnable body) {
        int mask = Pools.lanes(pool).count() - 1;
        long mine = Thread.currentThread().threadId() & mask;
        while (true) {
            Thread thread = Thread.ofPlatform().unstarted(body);
            if ((thread.threadId() & mask) != mine) {
                return thread;
            }
        }
    }

    private static void assertEveryBlockFreeOnce(FixedBlockPool pool) {
        Pools.assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldServeATakeAndAFreeFromTheThreadsOwnLane() {
        FixedBlockPool pool = pool(8);
        MemorySegment first = pool.allocate(BLOCK);
        assertEquals(pool.capacity() - 4, Pools.freeList(pool).length, "one refill of cache/2 blocks");
        int[] lane = Pools.lanes(pool).snapshot();
        assertEquals(3, lane.length);
        pool.deallocate(first, BLOCK);
        MemorySegment again = pool.allocate(BLOCK);
        assertEquals(first.address(), again.address(), "LIFO within one thread's lane");
        assertEquals(pool.capacity() - 4, Pools.freeList(pool).length, "no list operation for a lane hit");
        pool.deallocate(again, BLOCK);
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldFlushTheOldestHalfOfAFullLane() {
        FixedBlockPool pool = pool(8);
        List<MemorySegment> held = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            held.add(pool.allocate(BLOCK)); // three refills of 4
        }
        for (MemorySegment segment : held) {
            pool.deallocate(segment, BLOCK);
        }
        // 12 frees into an empty lane of 8: full at the 9th, which first flushes the oldest 4
        assertEquals(8, Pools.lanes(pool).snapshot().length);
        assertEquals(pool.capacity() - 8, Pools.freeList(pool).length);
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldGiveTheLaneBackOnRequest() {
        FixedBlockPool pool = pool(8);
        pool.deallocate(pool.allocate(BLOCK), BLOCK);
        assertEquals(4, pool.releaseThreadCache());
        assertEquals(pool.capacity(), Pools.freeList(pool).length);
        assertEquals(0, pool.releaseThreadCache(), "nothing left, no lane held");
        pool.deallocate(pool.allocate(BLOCK), BLOCK); // binds again
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldAdoptTheLaneOfAThreadThatEnded() throws Exception {
        FixedBlockPool pool = pool(8);
        Thread worker = otherLaneThread(pool, () -> pool.deallocate(pool.allocate(BLOCK), BLOCK));
        worker.start();
        worker.join();
        assertEquals(4, Pools.lanes(pool).snapshot().length, "the dead thread's lane still holds its blocks");
        assertEquals(4, pool.trim(), "trim adopts and empties a dead thread's lane");
        assertEquals(pool.capacity(), Pools.freeList(pool).length);
    }

    @Test
    void shouldTakeFromADeadThreadsLaneBeforeReportingExhaustion() throws Exception {
        FixedBlockPool pool = pool(8);
        Thread worker = otherLaneThread(pool, () -> pool.deallocate(pool.allocate(BLOCK), BLOCK));
        worker.start();
        worker.join();
        List<MemorySegment> mine = new ArrayList<>();
        for (MemorySegment s; (s = pool.tryAllocate(BLOCK)) != null; ) {
            mine.add(s);
        }
        assertEquals(pool.capacity(), mine.size(), "every block, the dead lane's too");
        for (MemorySegment segment : mine) {
            pool.deallocate(segment, BLOCK);
        }
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldSayHowManyBlocksAreParkedInALiveThreadAndGetThemAfterItsNextCall() throws Exception {
        FixedBlockPool pool = pool(8);
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch callAgain = new CountDownLatch(1);
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<MemorySegment> workerHolds = new AtomicReference<>();
        Thread worker = otherLaneThread(pool, () -> {
            try {
                pool.deallocate(pool.allocate(BLOCK), BLOCK); // 4 blocks parked in its lane
                parked.countDown();
                callAgain.await();
                workerHolds.set(pool.allocate(BLOCK));        // honours the revocation: gives the 4 back first
                called.countDown();
                finish.await();
                pool.deallocate(workerHolds.get(), BLOCK);
            } catch (Throwable e) {
                failure.set(e);
                called.countDown();
            }
        });
        worker.start();
        parked.await();
        List<MemorySegment> mine = new ArrayList<>();
        for (MemorySegment s; (s = pool.tryAllocate(BLOCK)) != null; ) {
            mine.add(s);
        }
        assertEquals(pool.capacity() - 4, mine.size());
        AllocationException refused = assertThrows(AllocationException.class, () -> pool.allocate(BLOCK));
        assertTrue(refused.getMessage().contains("parked in other live threads' caches (4 free blocks"),
                refused.getMessage());
        callAgain.countDown();
        called.await();
        assertNull(failure.get());
        for (int i = 0; i < 3; i++) {
            assertNotNull(pool.tryAllocate(BLOCK), "the worker gave its lane back on its next call, which took one");
        }
        assertNull(pool.tryAllocate(BLOCK), "the worker holds the last one; nothing is parked any more");
        finish.countDown();
        worker.join();
        assertNull(failure.get());
    }

    @Test
    void shouldRejectADoubleFreeOnTheSameThread() {
        FixedBlockPool pool = pool(8);
        MemorySegment block = pool.allocate(BLOCK);
        pool.deallocate(block, BLOCK);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.deallocate(block, BLOCK));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldRejectADoubleFreeOfABlockAnotherThreadFreedFirst() throws Exception {
        FixedBlockPool pool = pool(8);
        MemorySegment block = pool.allocate(BLOCK);
        Thread worker = otherLaneThread(pool, () -> pool.deallocate(block, BLOCK));
        worker.start();
        worker.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.deallocate(block, BLOCK));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        pool.trim();
        assertEveryBlockFreeOnce(pool);
    }

    @Test
    void shouldNotUseLanesInASmallPool() {
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(16).cache(32)
                .backing(AutoBacking.INSTANCE, false).build();
        assertNull(Pools.lanes(pool), "16 blocks over 8+ lanes: parking would starve other threads");
        assertEquals(0, dev.allocator.pool.internal.LaneTier.laneSize(32, 63, 8));
        assertEquals(2, dev.allocator.pool.internal.LaneTier.laneSize(32, 64, 8));
        assertEquals(32, dev.allocator.pool.internal.LaneTier.laneSize(32, 1 << 20, 8));
    }
}
