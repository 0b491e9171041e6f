package dev.allocator.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.compose.budget.Budget;
import dev.allocator.compose.budget.BudgetAllocator;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression tests of issue 12 for budgets: limits hold when siblings race (refusals only over a limit are model
 * checked in allocator-tests' BudgetLincheckTest), and charges are given back once across close.
 */
class BudgetTrustTest {

    @Test
    void shouldNeverExceedALimitWhenSiblingsRaceForTheParent() throws Exception {
        Budget parent = Budget.of("parent", 100);
        Budget[] children = {parent.child("a", 100), parent.child("b", 100)};
        AtomicLong overLimit = new AtomicLong();
        CompletableFuture<?>[] workers = new CompletableFuture<?>[2];
        for (int t = 0; t < 2; t++) {
            Budget child = children[t];
            workers[t] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100_000; i++) {
                    if (child.tryReserve(60) == null) {
                        if (parent.used() > parent.limit()) {
                            overLimit.incrementAndGet();
                        }
                        child.release(60);
                    }
                }
            });
        }
        CompletableFuture.allOf(workers).get(60, TimeUnit.SECONDS);
        assertEquals(0, overLimit.get());
        assertEquals(0, parent.used());
    }

    @Test
    void shouldGiveEachChargeBackOnceWhenCloseRacesWithCalls() throws Exception {
        Budget shared = Budget.of("shared", 1L << 30);
        Layout layout = Layout.of(64);
        try (Allocator system = Allocators.open("system")) {
            for (int round = 0; round < 200; round++) {
                BudgetAllocator allocator = new BudgetAllocator(system, shared.child("round", 1L << 30), false);
                CountDownLatch running = new CountDownLatch(1);
                CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            MemorySegment segment = allocator.allocate(layout);
                            allocator.deallocate(segment, layout);  // a segment left live by close is the backing's
                        }
                    } catch (IllegalStateException closed) {
                        // the allocator closed under us: the expected end of this round
                    }
                });
                running.await();
                Thread.sleep(0, 200_000);
                allocator.close();
                caller.get(10, TimeUnit.SECONDS);
                assertTrue(allocator.stats().bytesInUse() >= 0, "bytesInUse " + allocator.stats().bytesInUse());
                assertEquals(0, shared.used(), "round " + round + ": every charge given back exactly once");
            }
        }
        assertNull(shared.tryReserve(1L << 30), "the whole limit is free again");
    }

    @Test
    void shouldGiveItsChargesBackWhenABackingItDoesNotOwnClosesFirst() {
        Budget shared = Budget.of("shared", 1024);
        Allocator kept = Allocators.open("stats(jmx=false) > system");
        BudgetAllocator allocator = new BudgetAllocator(kept, shared.child("component", 1024), false);
        allocator.allocate(Layout.of(1000));
        kept.close();
        assertEquals(0, shared.used(), "the backing closed the budget allocator first, which gave its charge back");
        assertThrows(IllegalStateException.class, () -> allocator.allocate(Layout.of(16)));
    }
}
