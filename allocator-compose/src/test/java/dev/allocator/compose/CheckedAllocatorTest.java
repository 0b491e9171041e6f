package dev.allocator.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.compose.checked.CheckedAllocator;
import dev.allocator.compose.checked.LeakPolicy;
import dev.allocator.compose.checked.LeakReport;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckedAllocatorTest {

    @Test
    void shouldRejectDoubleFreeNamingTheAddress() {
        try (Allocator checked = Allocators.open("checked > system")) {
            MemorySegment segment = checked.allocate(Layout.of(64));
            checked.deallocate(segment, Layout.of(64));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> checked.deallocate(segment, Layout.of(64)));
            assertTrue(e.getMessage().contains(Long.toHexString(segment.address())), e.getMessage());
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            assertEquals(0, checked.stats().bytesInUse());
        }
    }

    @Test
    void shouldRejectForeignSegment() {
        try (Allocator checked = Allocators.open("checked > system"); Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> checked.deallocate(foreign, Layout.of(64)));
            assertTrue(e.getMessage().contains(Long.toHexString(foreign.address())), e.getMessage());
        }
    }

    @Test
    void shouldRejectSizeAndAlignmentMismatchNamingTheAllocationAndItsSite() {
        try (CheckedAllocator checked = new CheckedAllocator(Allocators.open("system"), LeakPolicy.THROW, true,
                true)) {
            MemorySegment segment = checked.allocate(Layout.of(64, 16));
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> checked.deallocate(segment, Layout.of(32, 16)));
            assertTrue(size.getMessage().contains("64 B aligned 16"), size.getMessage());
            assertTrue(size.getMessage().contains("32 B aligned 16"), size.getMessage());
            assertTrue(size.getMessage().contains("CheckedAllocatorTest"), "names the site: " + size.getMessage());
            assertThrows(IllegalArgumentException.class, () -> checked.deallocate(segment, Layout.of(64, 8)));
            assertThrows(IllegalArgumentException.class,
                    () -> checked.deallocate(segment.asSlice(0, 32), Layout.of(64, 16)));
            assertEquals(64, checked.stats().bytesInUse(), "a rejected call changes nothing");
            checked.deallocate(segment, Layout.of(64, 16));
        }
    }

    @Test
    void shouldThrowOnLeaksWithCountBytesAndSitesAfterFreeing() {
        Allocator system = Allocators.open("system");
        CheckedAllocator checked = new CheckedAllocator(system, LeakPolicy.THROW, true, true);
        checked.allocate(Layout.of(100));
        checked.allocate(Layout.of(28));
        IllegalStateException e = assertThrows(IllegalStateException.class, checked::close);
        assertTrue(e.getMessage().contains("2 leaked allocations, 128 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("CheckedAllocatorTest.shouldThrowOnLeaks"), e.getMessage());
        assertEquals(0, system.stats().bytesInUse(), "the leaks went back before the throw");
        assertEquals(2, system.stats().deallocations());
        checked.close();
    }

    @Test
    void shouldSayHowToSeeSitesWhenNotCaptured() {
        Allocator checked = Allocators.open("checked(onLeak=throw) > system");
        checked.allocate(Layout.of(8));
        IllegalStateException e = assertThrows(IllegalStateException.class, checked::close);
        assertTrue(e.getMessage().contains("1 leaked allocation, 8 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("sites=true"), e.getMessage());
    }

    @Test
    void shouldFreeLeaksSilentlyOrWithALog() {
        for (String policy : new String[] {"free", "log"}) {
            Allocator system = Allocators.open("system");
            CheckedAllocator checked = new CheckedAllocator(system,
                    LeakPolicy.valueOf(policy.toUpperCase(java.util.Locale.ROOT)), false, false);
            checked.allocate(Layout.of(10));
            assertEquals(1, checked.leakReport().count());
            checked.close();
            assertEquals(0, system.stats().bytesInUse(), policy);
            system.close();
        }
    }

    @Test
    void shouldTrackZeroSizeAllocationsSeparately() {
        try (CheckedAllocator checked = new CheckedAllocator(Allocators.open("system"), LeakPolicy.THROW, false,
                true)) {
            MemorySegment empty = checked.allocate(Layout.of(0));
            checked.deallocate(empty, Layout.of(0));
            assertThrows(IllegalStateException.class, () -> checked.deallocate(empty, Layout.of(0)));
            LeakReport report = checked.leakReport();
            assertEquals(0, report.count());
        }
    }

    @Test
    void shouldCountFailuresOfBothAllocateAndTryAllocate() {
        try (Allocator checked = Allocators.open("checked > budget(limit=100)")) {
            assertThrows(dev.allocator.api.AllocationException.class, () -> checked.allocate(Layout.of(200)));
            assertThrows(dev.allocator.api.AllocationException.class, () -> checked.allocateZeroed(Layout.of(200)));
            assertEquals(null, checked.tryAllocate(Layout.of(200)));
            assertEquals(3, checked.stats().failures());
            checked.deallocate(checked.allocate(Layout.of(100)), Layout.of(100));
        }
    }

    @Test
    void shouldRejectBadLeakPolicy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Allocators.open("checked(onLeak=explode) > system"));
        assertTrue(e.getMessage().contains("onLeak=explode"), e.getMessage());
        assertTrue(e.getMessage().contains("log | throw | free"), e.getMessage());
    }
}
