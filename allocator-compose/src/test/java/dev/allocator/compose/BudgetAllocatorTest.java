package dev.allocator.compose;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.compose.budget.Budget;
import dev.allocator.compose.budget.BudgetAllocator;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetAllocatorTest {

    @Test
    void shouldRefuseOverLimitWithReasonLimitRequestAndUse() {
        try (Allocator allocator = Allocators.open("budget(limit=1KiB, name=cache) > system")) {
            MemorySegment first = allocator.allocate(Layout.of(1000));
            AllocationException e = assertThrows(AllocationException.class, () -> allocator.allocate(Layout.of(100)));
            assertEquals(AllocationException.Reason.BUDGET, e.reason());
            assertTrue(e.getMessage().contains("'cache'"), e.getMessage());
            assertTrue(e.getMessage().contains("limit 1024 B"), e.getMessage());
            assertTrue(e.getMessage().contains("100 B aligned 1"), e.getMessage());
            assertTrue(e.getMessage().contains("1000 B in use"), e.getMessage());
            assertNull(allocator.tryAllocate(Layout.of(100)));
            assertEquals(2, allocator.stats().failures());
            allocator.deallocate(first, Layout.of(1000));
            MemorySegment again = allocator.allocate(Layout.of(1024));
            allocator.deallocate(again, Layout.of(1024));
            assertEquals(0, allocator.stats().bytesInUse());
        }
    }

    @Test
    void shouldChargeParentAndRefuseByTheTighterBudget() {
        Budget process = Budget.of("process", 4096);
        Budget componentA = process.child("a", 3000);
        Budget componentB = process.child("b", 3000);
        try (Allocator a = new BudgetAllocator(Allocators.open("system"), componentA, true);
             Allocator b = new BudgetAllocator(Allocators.open("system"), componentB, true)) {
            MemorySegment fromA = a.allocate(Layout.of(2500));
            assertEquals(2500, process.used());
            AllocationException e = assertThrows(AllocationException.class, () -> b.allocate(Layout.of(2000)));
            assertTrue(e.getMessage().contains("'process'"), "the parent refuses: " + e.getMessage());
            assertEquals(0, componentB.used(), "a refused charge is undone in the child");
            AllocationException own = assertThrows(AllocationException.class, () -> a.allocate(Layout.of(1000)));
            assertTrue(own.getMessage().contains("'a'"), own.getMessage());
            a.deallocate(fromA, Layout.of(2500));
            assertEquals(0, process.used());
            MemorySegment fromB = b.allocate(Layout.of(2000));
            b.deallocate(fromB, Layout.of(2000));
        }
    }

    @Test
    void shouldNestBudgetsInASpec() {
        try (Allocator allocator = Allocators.open("budget(limit=1MiB, name=inner) > budget(limit=512, name=outer)")) {
            AllocationException e = assertThrows(AllocationException.class, () -> allocator.allocate(Layout.of(600)));
            assertTrue(e.getMessage().contains("'outer'"), e.getMessage());
            assertNotNull(allocator.allocate(Layout.of(500)));
        }
    }

    @Test
    void shouldReleaseChargeWhenBackingFailsAndOnClose() {
        Budget budget = Budget.of("b", 1L << 62);
        try (Allocator allocator = new BudgetAllocator(Allocators.open("system"), budget, true)) {
            assertThrows(AllocationException.class, () -> allocator.allocate(Layout.of(1L << 61)));
            assertEquals(0, budget.used(), "the backing allocator's refusal gives the charge back");
            allocator.allocate(Layout.of(64));
            assertEquals(64, budget.used());
        }
        assertEquals(0, budget.used(), "close gives back what was never deallocated");
    }

    @Test
    void shouldNotReleaseChargeForARejectedDeallocation() {
        try (Allocator allocator = Allocators.open("budget(limit=1KiB) > system")) {
            MemorySegment segment = allocator.allocate(Layout.of(512));
            assertThrows(IllegalArgumentException.class,
                    () -> allocator.deallocate(MemorySegment.ofArray(new byte[512]), Layout.of(512)));
            assertEquals(512, allocator.stats().bytesInUse());
            assertNull(allocator.tryAllocate(Layout.of(600)), "the charge still stands");
            allocator.deallocate(segment, Layout.of(512));
        }
    }

    @Test
    void shouldRejectBadLimitInSpec() {
        SpecException missing = assertThrows(SpecException.class, () -> Allocators.open("budget > system"));
        assertTrue(missing.getMessage().contains("limit"), missing.getMessage());
        SpecException bad = assertThrows(SpecException.class, () -> Allocators.open("budget(limit=lots) > system"));
        assertTrue(bad.getMessage().contains("limit=lots"), bad.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Budget.of("x", -1));
        assertTrue(negative.getMessage().contains("limit=-1"), negative.getMessage());
    }

    @Test
    void shouldRejectNegativeBatch() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Budget.of("x", 1024, -1));
        assertTrue(negative.getMessage().contains("batch=-1"), negative.getMessage());
    }

    @Test
    void shouldGrantUpToTheLimitExactlyWhileThreadsHoldCredit() throws Exception {
        Budget budget = Budget.of("exact", 1024, 64);
        Thread other = Thread.ofPlatform().start(() -> {
            assertNull(budget.tryReserve(16));
            budget.release(16);                 // leaves credit in the other thread's stripe
        });
        other.join();
        assertNull(budget.tryReserve(1024));    // fits only once that credit is taken back
        assertEquals(1024, budget.used());
        assertSame(budget, budget.tryReserve(1));
        budget.release(1024);
        assertEquals(0, budget.used());
    }

    @Test
    void shouldBeTheTopStageItself() {
        try (Allocator allocator = Allocators.open("budget(limit=1KiB) > system")) {
            assertInstanceOf(BudgetAllocator.class, allocator);
            assertEquals(1024, ((BudgetAllocator) allocator).budget().limit());
        }
    }
}
