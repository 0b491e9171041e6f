package dev.allocator.tests.trust.system;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.system.SystemAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system allocator honours {@link dev.allocator.api.Allocator#addDependent}: its close closes the allocators built
 * over it first, newest first, and frees nothing while one of them does not close.
 */
class SystemDependentsTest {

    private final SystemAllocator allocator = new SystemAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void shouldCloseDependentsFirstNewestFirst() {
        List<String> order = new ArrayList<>();
        MemorySegment block = allocator.allocate(Layout.of(64));
        AutoCloseable first = () -> {
            assertTrue(block.scope().isAlive(), "closed before anything is freed");
            order.add("first");
        };
        AutoCloseable second = () -> order.add("second");
        assertTrue(allocator.addDependent(first));
        assertTrue(allocator.addDependent(second));
        allocator.close();
        assertEquals(List.of("second", "first"), order);
        assertFalse(block.scope().isAlive());
    }

    @Test
    void shouldNotCloseNorFreeAnythingWhenADependentDoesNotClose() {
        MemorySegment small = allocator.allocate(Layout.of(64));
        MemorySegment large = allocator.allocate(Layout.of(1 << 20));
        AtomicInteger attempts = new AtomicInteger();
        AutoCloseable stubborn = () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("still in use");
            }
        };
        allocator.addDependent(stubborn);
        AllocatorStats before = allocator.stats();
        IllegalStateException e = assertThrows(IllegalStateException.class, allocator::close);
        assertTrue(e.getMessage().contains("dependent="), e.getMessage());
        assertEquals(before, allocator.stats(), "nothing freed");
        small.set(ValueLayout.JAVA_LONG, 0, 1);
        large.set(ValueLayout.JAVA_LONG, 0, 2);
        allocator.deallocate(small, Layout.of(64));
        allocator.close();
        assertEquals(2, attempts.get());
        assertFalse(large.scope().isAlive());
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void shouldForgetARemovedDependent() {
        AtomicInteger closes = new AtomicInteger();
        AutoCloseable dependent = closes::incrementAndGet;
        allocator.addDependent(dependent);
        allocator.removeDependent(dependent);
        allocator.close();
        assertEquals(0, closes.get());
    }
}
