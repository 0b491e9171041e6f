package dev.allocator.arrow;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.HostSuiteLedgers;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The allocator under Arrow's own test suites: opened once per test JVM from the system property
 * {@value #SPEC_PROPERTY} (default {@value #DEFAULT_SPEC}) and never closed, so that {@link HostSuitesLeakTest} can
 * check after every other test class what is still in use. Its factory is our
 * {@link SegmentAllocationManager#factory}, noting each manager it creates until Arrow has released it.
 */
public final class HostSuiteAllocator {

    /** The system property with the spec of the allocator under Arrow's suites. */
    public static final String SPEC_PROPERTY = "allocator.arrow.host.spec";
    /** Small buffers from a pool, falling back to size classes (and, above 64 KiB, malloc) when it cannot serve. */
    public static final String DEFAULT_SPEC = "pool(blockSize=4KiB, capacity=1024) | sizeclasses > system";

    private static final String SPEC = System.getProperty(SPEC_PROPERTY, DEFAULT_SPEC);
    private static final Allocator ALLOCATOR = Allocators.open(SPEC);
    private static final AllocationManager.Factory OURS = SegmentAllocationManager.factory(ALLOCATOR);
    private static final Set<AllocationManager> NOT_YET_RELEASED = ConcurrentHashMap.newKeySet();
    private static final AllocationManager.Factory FACTORY = new AllocationManager.Factory() {
        @Override
        public AllocationManager create(BufferAllocator accountingAllocator, long size) {
            AllocationManager manager = OURS.create(accountingAllocator, size);
            NOT_YET_RELEASED.add(manager);
            return manager;
        }

        @Override
        public ArrowBuf empty() {
            return OURS.empty();
        }
    };

    private HostSuiteAllocator() {
    }

    /** The allocator Arrow's default allocation manager takes its memory from in this JVM. */
    public static Allocator allocator() {
        return ALLOCATOR;
    }

    /** Its spec. */
    public static String spec() {
        return SPEC;
    }

    /** Our factory over it, noting managers: what Arrow's {@code DefaultAllocationManagerFactory.FACTORY} is. */
    public static AllocationManager.Factory factory() {
        return FACTORY;
    }

    /** Forgets the managers Arrow has released; returns those it still holds. */
    static List<AllocationManager> heldByArrow() {
        NOT_YET_RELEASED.removeIf(manager -> !HostSuiteLedgers.heldByArrow(manager));
        return List.copyOf(NOT_YET_RELEASED);
    }
}
