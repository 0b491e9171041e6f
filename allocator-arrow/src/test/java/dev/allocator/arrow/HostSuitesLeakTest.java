package dev.allocator.arrow;

import dev.allocator.api.AllocatorStats;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs after every other test class of this JVM (the build orders classes by {@link Order}; this one is last), so
 * after Arrow's memory-core and vector suites: they ran over our factory, and what they left in use in our allocator
 * is exactly what Arrow itself still counts as held, by the tests known to leave buffers unreleased.
 */
@Order(Integer.MAX_VALUE)
class HostSuitesLeakTest {

    @Test
    void shouldHaveRunArrowsDefaultAllocationManagerOverOurAllocator() throws ReflectiveOperationException {
        Class<?> defaults = Class.forName("org.apache.arrow.memory.DefaultAllocationManagerFactory");
        Field field = defaults.getField("FACTORY");
        assertSame(HostSuiteAllocator.factory(), field.get(null));
        try (BufferAllocator root = new RootAllocator()) {
            long before = HostSuiteAllocator.allocator().stats().allocations();
            root.buffer(64).close();
            assertEquals(before + 1, HostSuiteAllocator.allocator().stats().allocations(),
                    "a default RootAllocator must take its memory from " + HostSuiteAllocator.spec());
        }
    }

    @Test
    void shouldHaveNothingInUseButWhatArrowStillHolds() {
        AllocatorStats stats = HostSuiteAllocator.allocator().stats();
        List<AllocationManager> held = HostSuiteAllocator.heldByArrow();
        long heldBytes = held.stream().mapToLong(AllocationManager::getSize).sum();
        String detail = stats + "; Arrow still holds " + held.size() + " buffers, " + heldBytes
                + " B; left in use by test: " + HostSuiteLeakTracker.leftInUse();
        assertTrue(stats.allocations() > 10_000, "Arrow's suites allocated too little through our factory: " + detail);
        assertEquals(held.size(), stats.liveAllocations(), "blocks in use that Arrow released: " + detail);
        assertEquals(heldBytes, stats.bytesInUse(), "bytes in use that Arrow released: " + detail);
    }

    @Test
    void shouldLeaveBuffersUnreleasedOnlyWhereArrowsTestsDo() {
        assertEquals(ArrowTestLeaks.KNOWN, HostSuiteLeakTracker.leftInUse(),
                "tests that left blocks in use (class#method=blocks), against the known leaks of Arrow's own tests");
    }
}
