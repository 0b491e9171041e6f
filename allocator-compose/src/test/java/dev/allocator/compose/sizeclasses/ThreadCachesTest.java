package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.pool.Wipe;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a thread finds its caches: by its thread id's slot, and never another live thread's cache at that slot. */
class ThreadCachesTest {

    private static final Layout LAYOUT = Layout.of(64);

    /** A thread, not started, whose id falls on the same slot of the caches' table as {@code other}'s. */
    private static Thread onTheSameSlotAs(Thread other, Runnable task) {
        for (int tries = 0; tries < 1024; tries++) {
            Thread candidate = new Thread(task);
            if (((candidate.threadId() - other.threadId()) & (ThreadCaches.HOMES - 1)) == 0) {
                return candidate;
            }
        }
        throw new AssertionError("no thread id on the slot of " + other.threadId() + " in 1024 threads");
    }

    @Test
    void shouldGiveAThreadWhoseSlotALiveThreadHoldsACacheOfItsOwn() throws Exception {
        try (Allocator system = Allocators.open("system");
             SizeClassAllocator allocator = new SizeClassAllocator(system, 64 * 1024, 64 * 1024, 0, Wipe.NONE, true,
                     false)) {
            AtomicLong cachedByFirst = new AtomicLong();
            AtomicLong takenBySecond = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch firstCached = new CountDownLatch(1);
            CountDownLatch secondDone = new CountDownLatch(1);
            Thread first = new Thread(() -> {
                try {
                    MemorySegment block = allocator.allocate(LAYOUT);
                    cachedByFirst.set(block.address());
                    allocator.deallocate(block, LAYOUT); // now on top of this thread's cache of the class
                    firstCached.countDown();
                    secondDone.await();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Thread second = onTheSameSlotAs(first, () -> {
                try {
                    MemorySegment block = allocator.allocate(LAYOUT);
                    takenBySecond.set(block.address());
                    allocator.deallocate(block, LAYOUT);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            first.start();
            firstCached.await();
            second.start();
            second.join();
            secondDone.countDown();
            first.join();

            assertNull(failure.get());
            assertNotEquals(cachedByFirst.get(), takenBySecond.get(),
                    "the second thread took the block cached by the live first thread on its slot");
            assertEquals(2, allocator.stats().allocations());
            assertEquals(0, allocator.stats().bytesInUse());
        }
    }

    @Test
    void shouldRejectAHomeSlotCountThatIsNotAPowerOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ThreadCaches(new SizeClass[0], true, 3));
        assertTrue(e.getMessage().contains("homeSlots must be a power of two: homeSlots=3"), e.getMessage());
    }
}
