package dev.allocator.tests.thirdparty;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.system.SystemAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static dev.allocator.tests.support.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code counting} provider, found only through this module's test META-INF/services, used in specs. */
@ResourceLock("CountingAllocator.CLOSE_LOG")
class ThirdPartyProviderTest {

    @BeforeEach
    void clearLog() {
        CountingAllocator.CLOSE_LOG.clear();
    }

    @Test
    void shouldBeFoundThroughServiceLoader() {
        AllocatorProvider provider = Allocators.provider("counting").orElseThrow();
        assertInstanceOf(CountingProvider.class, provider);
        assertTrue(Allocators.providers().contains(provider));
        assertTrue(Allocators.providerProblems().isEmpty(), Allocators.providerProblems()::toString);
    }

    @Test
    void shouldOpenOverSystemAndCountCalls() {
        try (Allocator allocator = Allocators.open("counting > system")) {
            CountingAllocator counting = assertInstanceOf(CountingAllocator.class, allocator);
            assertInstanceOf(SystemAllocator.class, counting.backing());
            MemorySegment segment = allocator.allocate(Layout.of(100, 16));
            assertTrue(allocator.owns(segment));
            allocator.deallocate(segment, Layout.of(100, 16));
            assertEquals(1, counting.allocateCalls());
            assertEquals(1, counting.deallocateCalls());
            assertEquals(1, allocator.stats().allocations());
        }
    }

    @Test
    void shouldGetSystemBeneathWhenTheSpecEndsWithIt() {
        try (Allocator allocator = Allocators.open("counting")) {
            CountingAllocator counting = assertInstanceOf(CountingAllocator.class, allocator);
            assertInstanceOf(SystemAllocator.class, counting.backing());
        }
    }

    @Test
    void shouldStackOverAPool() {
        try (Allocator allocator = Allocators.open("counting > pool(blockSize=64, capacity=8) > system")) {
            CountingAllocator counting = assertInstanceOf(CountingAllocator.class, allocator);
            assertTrue(counting.backing().getClass().getPackageName().startsWith("dev.allocator.pool"),
                    () -> "beneath counting: " + counting.backing().getClass());
            MemorySegment block = allocator.allocate(Layout.of(64, 8));
            allocator.deallocate(block, Layout.of(64, 8));
            assertEquals(1, counting.allocateCalls());
        }
    }

    @Test
    void shouldCloseEveryStageBeneathTopFirst() {
        Allocator top = Allocators.open("counting(label=top) > counting(label=middle) > counting(label=bottom)");
        CountingAllocator bottom = (CountingAllocator) ((CountingAllocator) ((CountingAllocator) top).backing())
                .backing();
        Allocator system = bottom.backing();
        MemorySegment segment = top.allocate(Layout.of(32));
        top.close();
        assertEquals(List.of("top", "middle", "bottom"), CountingAllocator.CLOSE_LOG);
        assertThrows(IllegalStateException.class, () -> system.allocate(Layout.of(8)), "system closed too");
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
        top.close();
        assertEquals(3, CountingAllocator.CLOSE_LOG.size(), "closing twice does nothing");
    }

    @Test
    void shouldRejectUnknownOptionListingItsOwn() {
        SpecException e = rejects(SpecException.class, () -> Allocators.open("counting(colour=red)"),
                "counting has no option 'colour'", "accepted: label (default counting)");
        assertEquals(10, e.column());
        assertFalse(e.getMessage().isBlank());
    }
}
