package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12 in the pool: exact layouts on free, corrupt free-lists reported as such, timed waits that reach blocks
 * freed by live platform threads, registration with a backing the pool does not own, and a close from the wrong
 * thread that changes nothing.
 */
class TrustTest {

    private static final Layout BLOCK = Layout.of(64, 8);

    private static FixedBlockPool pool(int cache) {
        return FixedBlockPool.builder().block(BLOCK).capacity(64).cache(cache).build();
    }

    // --------------------------------------------------------------------------------------- wrong-layout free

    @Test
    void shouldRejectASliceFreedWithItsOwnSmallerLayout() {
        try (FixedBlockPool pool = pool(32)) {
            MemorySegment block = pool.allocate(BLOCK);
            AllocatorStats before = pool.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pool.deallocate(block.asSlice(0, 8), Layout.of(8, 8)));
            assertTrue(e.getMessage().contains("allocated for 64 bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("layout 8 B"), e.getMessage());
            assertEquals(before, pool.stats());
            pool.deallocate(block, BLOCK);
            assertEquals(0, pool.poolStats().inUse());
        }
    }

    @Test
    void shouldRejectAWholeBlockFreedForASmallAllocation() {
        try (FixedBlockPool pool = pool(32)) {
            MemorySegment small = pool.allocate(Layout.of(8, 8));
            MemorySegment whole = pool.indexes().segment(pool.indexes().indexOf(small));
            AllocatorStats before = pool.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pool.deallocate(whole, BLOCK));
            assertTrue(e.getMessage().contains("allocated for 8 bytes"), e.getMessage());
            assertEquals(before, pool.stats());
            assertEquals(8, pool.stats().bytesInUse());
            pool.deallocate(small, Layout.of(8, 8));
        }
    }

    @Test
    void shouldRejectAFreeWithAnotherAlignment() {
        try (FixedBlockPool pool = pool(0)) {
            MemorySegment block = pool.allocate(Layout.of(64, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pool.deallocate(block, Layout.of(64, 1)));
            assertTrue(e.getMessage().contains("aligned 8"), e.getMessage());
            assertEquals(1, pool.poolStats().inUse());
            pool.deallocate(block, Layout.of(64, 8));
            assertEquals(0, pool.poolStats().inUse());
        }
    }

    @Test
    void shouldRejectReleaseForAnotherSize() {
        try (FixedBlockPool pool = pool(32)) {
            int index = pool.indexes().acquireFor(24);
            assertThrows(IllegalArgumentException.class, () -> pool.indexes().releaseFor(index, 16));
            assertEquals(24, pool.stats().bytesInUse());
            pool.indexes().releaseFor(index, 24);
            assertEquals(0, pool.stats().bytesInUse());
        }
    }

    @Test
    void shouldKeepTheRequestedBytesWhenABulkReleaseIsRejected() {
        try (FixedBlockPool pool = pool(32)) {
            int first = pool.indexes().acquireFor(20);
            int second = pool.indexes().acquireFor(20);
            AllocatorStats before = pool.stats();
            assertEquals(40, before.bytesInUse());
            int free = (first + 2) % 64 == second ? (first + 3) % 64 : (first + 2) % 64;
            int[] bad = {first, second, free};                    // the last is free: the whole call is refused
            assertThrows(IllegalStateException.class, () -> pool.indexes().release(bad, 0, 3));
            assertEquals(before, pool.stats(), "a rejected bulk release changes no count");
            pool.indexes().releaseFor(first, 20);
            pool.indexes().releaseFor(second, 20);
            assertEquals(0, pool.stats().bytesInUse());
        }
    }

    // ------------------------------------------------------------------------------- corrupt free-list (stray write)

    @Test
    void shouldReportALinkOutsideThePoolAsCorruptInsteadOfIndexOutOfBounds() {
        for (int cache : new int[]{0, 32}) {
            try (FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(4).cache(cache).build()) {
                MemorySegment a = pool.allocate(BLOCK);
                pool.deallocate(a, BLOCK);
                pool.trim();
                a.set(ValueLayout.JAVA_INT, 0, 1_000_000); // a stray write through the freed segment into its link
                IllegalStateException e = allocateUntilRefused(pool, null);
                assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("1000000"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> pool.allocate(BLOCK), "cache=" + cache);
                assertThrows(IllegalStateException.class, () -> pool.tryAllocate(BLOCK), "cache=" + cache);
            }
        }
    }

    @Test
    void shouldNeverHandOutALiveBlockWhoseIndexWasWrittenIntoAFreeLink() {
        for (int cache : new int[]{0, 32}) {
            try (FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(4).cache(cache).build()) {
                MemorySegment live = pool.allocate(BLOCK);
                int liveIndex = pool.indexes().indexOf(live);
                MemorySegment freed = pool.allocate(BLOCK);
                pool.deallocate(freed, BLOCK);
                pool.trim();
                freed.set(ValueLayout.JAVA_INT, 0, liveIndex); // the freed block now links to the live one
                IllegalStateException e = allocateUntilRefused(pool, live);
                assertTrue(e.getMessage().contains("block " + liveIndex), e.getMessage());
                assertThrows(IllegalStateException.class, () -> pool.indexes().acquire());
                assertThrows(IllegalStateException.class, () -> pool.indexes().acquire(new int[2], 0, 2));
                pool.deallocate(live, BLOCK); // frees, stats and close still work
                assertTrue(pool.toString().contains("corrupt"), pool.toString());
            }
        }
    }

    /**
     * Allocates until the pool refuses, failing if it hands out {@code live} or throws anything but an
     * IllegalStateException (an IndexOutOfBoundsException, say); returns the refusal.
     */
    private static IllegalStateException allocateUntilRefused(FixedBlockPool pool, MemorySegment live) {
        for (int i = 0; i <= pool.capacity(); i++) {
            final MemorySegment got;
            try {
                got = pool.allocate(BLOCK);
            } catch (IllegalStateException refused) {
                return refused;
            }
            if (live != null && got.address() == live.address()) {
                throw new AssertionError("handed out the live block " + live + " again");
            }
        }
        throw new AssertionError("the corrupt free-list was never reported: " + pool);
    }

    @Test
    void shouldCheckEveryBlockOfABulkTakeBeforeHandingAnyOut() {
        try (FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(8).cache(0).build()) {
            MemorySegment live = pool.allocate(BLOCK);            // block 0
            MemorySegment freed = pool.allocate(BLOCK);           // block 1
            pool.deallocate(freed, BLOCK);                        // list: 1 -> 2 -> ...
            freed.set(ValueLayout.JAVA_INT, 0, 0);                // 1 -> 0 (live)
            int[] into = new int[4];
            assertThrows(IllegalStateException.class, () -> pool.indexes().acquire(into, 0, 4));
            assertEquals(1, pool.poolStats().inUse());
            pool.deallocate(live, BLOCK);
        }
    }

    // ------------------------------------------------------------------------------------------- timed waits

    @Test
    void shouldHandAWaiterABlockFreedByALivePlatformThread() throws Exception {
        try (FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(64).build()) {
            CountDownLatch allTaken = new CountDownLatch(1);
            CountDownLatch waiting = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread producer = Thread.ofPlatform().start(() -> {
                MemorySegment[] held = new MemorySegment[64];
                for (int i = 0; i < held.length; i++) {
                    held[i] = pool.allocate(BLOCK);
                }
                allTaken.countDown();
                await(waiting);
                sleep(100);                         // the consumer is waiting by now
                pool.deallocate(held[0], BLOCK);    // into this live thread's lane, were it not for the waiter
                await(done);                        // stays alive and does not call the pool again
                for (int i = 1; i < held.length; i++) {
                    pool.deallocate(held[i], BLOCK);
                }
            });
            assertTrue(allTaken.await(10, TimeUnit.SECONDS));
            waiting.countDown();
            MemorySegment got = pool.allocate(BLOCK, Duration.ofSeconds(10));
            assertNotNull(got);
            pool.deallocate(got, BLOCK);
            done.countDown();
            producer.join();
        }
    }

    // ------------------------------------------------------------------------------------ backing's dependents

    @Test
    void shouldBeClosedByABackingItDoesNotOwnBeforeTheBackingFreesTheSlab() {
        ArenaBacking backing = new ArenaBacking(false);
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(8).backing(backing, false).build();
        assertEquals(1, backing.dependents.size());
        MemorySegment block = pool.allocate(BLOCK);
        backing.close();
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_INT, 0));
        assertThrows(IllegalStateException.class, () -> pool.allocate(BLOCK));
        assertEquals(0, backing.dependents.size());
        assertTrue(backing.live == 0, "the pool gave its slab back first");
    }

    @Test
    void shouldUnregisterFromItsBackingWhenClosed() {
        try (ArenaBacking backing = new ArenaBacking(false)) {
            FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(8).backing(backing, false).build();
            assertEquals(1, backing.dependents.size());
            pool.close();
            assertEquals(0, backing.dependents.size());
            assertEquals(0, backing.live);
        }
    }

    @Test
    void shouldCloseItsDependentsFirstAndRefuseToCloseWhenOneDoesNot() {
        FixedBlockPool pool = pool(32);
        MemorySegment block = pool.allocate(BLOCK);
        boolean[] closed = new boolean[1];
        AutoCloseable stubborn = () -> {
            throw new IllegalStateException("still in use");
        };
        assertTrue(pool.addDependent(() -> closed[0] = true));
        assertTrue(pool.addDependent(stubborn));
        assertThrows(IllegalStateException.class, pool::close);
        block.set(ValueLayout.JAVA_LONG, 0, 7);                    // nothing changed: the pool is open
        assertFalse(closed[0], "the older dependent is left alone when a newer one does not close");
        pool.removeDependent(stubborn);
        pool.deallocate(block, BLOCK);
        pool.close();
        assertTrue(closed[0]);
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void shouldNotRegisterWithABackingItOwns() {
        ArenaBacking backing = new ArenaBacking(false);
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(8).backing(backing, true).build();
        assertEquals(0, backing.dependents.size());
        pool.close();
        assertTrue(backing.closed);
    }

    // -------------------------------------------------------------------------------------- close, wrong thread

    @Test
    void shouldRefuseACloseFromAThreadThatCannotGiveTheSlabBackAndChangeNothing() throws Exception {
        ArenaBacking backing = new ArenaBacking(true);
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(8).backing(backing, true).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                pool.close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        other.join();
        assertTrue(thrown.get() instanceof WrongThreadException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("pool(") && thrown.get().getMessage().contains("confined to " + backing.owner.getName()),
                thrown.get().getMessage());
        MemorySegment block = pool.allocate(BLOCK); // still open
        pool.deallocate(block, BLOCK);
        assertFalse(backing.closed);
        pool.close();
        assertTrue(backing.closed);
        assertEquals(0, backing.live);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A backing over an arena of its own; with a shared arena it honours dependents as the real backings do (closes
     * them before it frees anything), with a confined one its memory is confined to the thread that made it.
     */
    static final class ArenaBacking implements Allocator {
        final Dependents dependents = new Dependents();
        final Thread owner = Thread.currentThread();
        final Arena arena;
        final boolean confined;
        int live;
        boolean closed;

        ArenaBacking(boolean confined) {
            this.confined = confined;
            this.arena = confined ? Arena.ofConfined() : Arena.ofShared();
        }

        @Override
        public MemorySegment allocate(Layout layout) {
            live++;
            return arena.allocate(layout.size(), layout.alignment());
        }

        @Override
        public MemorySegment tryAllocate(Layout layout) {
            return allocate(layout);
        }

        @Override
        public void deallocate(MemorySegment segment, Layout layout) {
            segment.get(ValueLayout.JAVA_BYTE, 0); // a confined segment throws WrongThreadException elsewhere
            live--;
        }

        @Override
        public boolean owns(MemorySegment segment) {
            return segment.scope().equals(arena.scope());
        }

        @Override
        public AllocatorStats stats() {
            return new AllocatorStats(0, 0, 0, 0, 0);
        }

        @Override
        public boolean addDependent(AutoCloseable dependent) {
            dependents.add(dependent);
            return true;
        }

        @Override
        public void removeDependent(AutoCloseable dependent) {
            dependents.remove(dependent);
        }

        @Override
        public void close() {
            if (!closed) {
                dependents.closeAll(this);
                closed = true;
                arena.close();
            }
        }

        @Override
        public String toString() {
            return confined ? "confined to " + owner.getName() : "honouring";
        }
    }
}
