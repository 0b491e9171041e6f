package dev.allocator.compose;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fallback ({@code |}) and grouping in specs, over the wrappers of this module. */
class FallbackSpecTest {

    @Test
    void shouldFallBackWhenPrimaryCannotAndRouteDeallocationsByOwner() {
        try (Allocator allocator = Allocators.open("budget(limit=1KiB) | system")) {
            MemorySegment fromPrimary = allocator.allocate(Layout.of(1000));
            MemorySegment fromSecondary = allocator.allocate(Layout.of(1000));
            assertTrue(allocator.owns(fromPrimary));
            assertTrue(allocator.owns(fromSecondary));
            assertEquals(2, allocator.stats().allocations());
            assertEquals(0, allocator.stats().failures(), "a fallback is not a failure");
            allocator.deallocate(fromSecondary, Layout.of(1000));
            allocator.deallocate(fromPrimary, Layout.of(1000));
            assertEquals(0, allocator.stats().bytesInUse());
            MemorySegment again = allocator.allocate(Layout.of(1024));
            allocator.deallocate(again, Layout.of(1024));
        }
    }

    @Test
    void shouldFailWhenNeitherCanAndKeepWorking() {
        try (Allocator allocator = Allocators.open("budget(limit=100, name=a) | budget(limit=200, name=b)")) {
            AllocationException e = assertThrows(AllocationException.class, () -> allocator.allocate(Layout.of(300)));
            assertTrue(e.getMessage().contains("300 B aligned 1"), e.getMessage());
            assertEquals(AllocationException.Reason.BUDGET, e.reason(), "the secondary's own reason");
            assertTrue(e.getMessage().contains("'b'"), "the secondary's own message: " + e.getMessage());
            assertNull(allocator.tryAllocate(Layout.of(300)));
            assertEquals(2, allocator.stats().failures());
            allocator.deallocate(allocator.allocate(Layout.of(150)), Layout.of(150));
        }
    }

    @Test
    void shouldRejectSegmentNeitherOwns() {
        try (Allocator allocator = Allocators.open("budget(limit=1KiB) | system"); Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(16);
            assertFalse(allocator.owns(foreign));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> allocator.deallocate(foreign, Layout.of(16)));
            assertTrue(e.getMessage().contains(Long.toHexString(foreign.address())), e.getMessage());
        }
    }

    @Test
    void shouldShareWhatFollowsAGroupAndCloseItOnce() throws Exception {
        ObjectName shared = new ObjectName("dev.allocator:type=Allocator,name=\"shared-backing\"");
        var server = ManagementFactory.getPlatformMBeanServer();
        try (Allocator allocator = Allocators.open(
                "(budget(limit=1KiB, name=a) | budget(limit=1KiB, name=b)) > stats(name=shared-backing)")) {
            MemorySegment first = allocator.allocate(Layout.of(1000));
            MemorySegment second = allocator.allocate(Layout.of(1000));
            assertEquals(2L, server.getAttribute(shared, "Allocations"), "both alternatives use one backing");
            allocator.deallocate(first, Layout.of(1000));
            allocator.deallocate(second, Layout.of(1000));
        }
        assertFalse(server.isRegistered(shared), "the shared stage is closed with the last alternative");
    }

    @Test
    void shouldCloseEverythingBuiltWhenALaterAlternativeFails() throws Exception {
        ObjectName shared = new ObjectName("dev.allocator:type=Allocator,name=\"cleanup\"");
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open(
                "(budget(limit=1KiB) | budget(limit=lots)) > stats(name=cleanup)"));
        assertTrue(e.getMessage().contains("limit=lots"), e.getMessage());
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(shared), "nothing is left open");
    }

    @Test
    void shouldRejectAStageAfterOneThatTakesNoBacking() {
        String spec = "(budget(limit=1KiB) | system) > stats";
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open(spec));
        assertEquals(spec.indexOf("stats") + 1, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains("system takes no backing allocator"), e.getMessage());
    }
}
