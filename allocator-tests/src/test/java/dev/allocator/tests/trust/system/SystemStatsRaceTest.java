package dev.allocator.tests.trust.system;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.system.SystemAllocator;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The system allocator's counters stay honest while threads allocate and free and another thread closes it: no
 * snapshot shows negative {@code bytesInUse} or {@code liveAllocations}, and after close {@code bytesInUse} is 0.
 */
class SystemStatsRaceTest {

    private static final int ROUNDS = 300;
    private static final int WORKERS = 3;

    @Test
    void shouldNeverReportNegativeBytesInUseWhileCloseRacesAllocateAndDeallocate() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            SystemAllocator allocator = new SystemAllocator();
            AtomicReference<AllocatorStats> negative = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(WORKERS);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                threads.add(Thread.ofPlatform().start(() -> work(allocator, started)));
            }
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    AllocatorStats stats = allocator.stats();
                    if (stats.bytesInUse() < 0 || stats.liveAllocations() < 0) {
                        negative.compareAndSet(null, stats);
                    }
                }
            });
            started.await();
            Thread.sleep(round % 3);
            allocator.close();
            for (Thread thread : threads) {
                thread.join();
            }
            done.set(true);
            sampler.join();
            assertNull(negative.get(), "round " + round + ": a snapshot went negative");
            assertEquals(0, allocator.stats().bytesInUse(), "round " + round + ": " + allocator.stats());
        }
    }

    /** Allocates and frees (sizes 8 B .. 1 KiB, pairs handed between two lists) until the allocator is closed. */
    private static void work(SystemAllocator allocator, CountDownLatch started) {
        List<MemorySegment> held = new ArrayList<>();
        started.countDown();
        try {
            for (int i = 0; ; i++) {
                long size = 8L << (i % 8);
                held.add(allocator.allocate(Layout.of(size)));
                if (held.size() > 4) {
                    MemorySegment oldest = held.removeFirst();
                    allocator.deallocate(oldest, Layout.of(oldest.byteSize()));
                }
            }
        } catch (IllegalStateException closed) {
            // the allocator closed under us: what this test races against
        }
    }
}
