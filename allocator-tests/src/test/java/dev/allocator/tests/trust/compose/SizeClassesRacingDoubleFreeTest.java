package dev.allocator.tests.trust.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Two threads free the same size-class block at once (a racing double free), each from its own per-thread cache:
 * exactly one free is accepted, and the block is not handed to both threads afterwards. Size classes free through the
 * pool's index API, so this holds when the pool's free path decides a double free with one atomic step on every path.
 */
class SizeClassesRacingDoubleFreeTest {

    private static final Layout SMALL = Layout.of(16);
    private static final int ROUNDS = 20_000;

    @Test
    void shouldAcceptOneOfTwoRacingFreesAndNeverHandTheBlockToBoth() throws Exception {
        try (Allocator allocator = Allocators.open("sizeclasses(idleMillis=0) > system")) {
            AtomicReference<MemorySegment> shared = new AtomicReference<>();
            AtomicInteger accepted = new AtomicInteger();
            AtomicLongArray next = new AtomicLongArray(2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(3);
            CyclicBarrier freed = new CyclicBarrier(2);   // no thread takes a block before both frees ended
            CyclicBarrier done = new CyclicBarrier(3);
            Thread[] threads = new Thread[2];
            for (int t = 0; t < 2; t++) {
                final int id = t;
                threads[t] = Thread.ofPlatform().daemon(true).start(() -> {
                    try {
                        for (int round = 0; round < ROUNDS; round++) {
                            start.await();
                            try {
                                allocator.deallocate(shared.get(), SMALL);
                                accepted.incrementAndGet();
                            } catch (IllegalStateException doubleFree) {
                                // the other thread's free came first
                            }
                            freed.await();
                            MemorySegment mine = allocator.allocate(SMALL);
                            next.set(id, mine.address());
                            done.await();
                            allocator.deallocate(mine, SMALL);
                        }
                    } catch (Throwable t2) {
                        failure.compareAndSet(null, t2);
                        start.reset();
                        freed.reset();
                        done.reset();
                    }
                });
            }
            try {
                for (int round = 0; round < ROUNDS && failure.get() == null; round++) {
                    shared.set(allocator.allocate(SMALL));
                    accepted.set(0);
                    start.await();
                    done.await();
                    assertEquals(1, accepted.get(), "round " + round + ": exactly one of two racing frees is accepted");
                    assertNotEquals(next.get(0), next.get(1), "round " + round + ": one block handed to two threads");
                }
            } finally {
                start.reset();
                freed.reset();
                done.reset();
                for (Thread thread : threads) {
                    thread.join(10_000);
                }
            }
            assertNull(failure.get());
        }
    }
}
