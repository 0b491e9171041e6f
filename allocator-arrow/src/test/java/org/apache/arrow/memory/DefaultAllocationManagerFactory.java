package org.apache.arrow.memory;

import dev.allocator.arrow.HostSuiteAllocator;

/**
 * Arrow's default allocation manager while Arrow's own test suites run here: it shadows the class of the same name in
 * Arrow's tests jar, which Arrow's {@code CheckAllocator} finds on the class path and whose static {@code FACTORY} it
 * reads. The test output directory's path contains {@code memory-core}, which {@code CheckAllocator} requires of the
 * location the class was loaded from. See docs/arrow.md, "Arrow's own tests".
 */
public final class DefaultAllocationManagerFactory implements AllocationManager.Factory {

    /** Read reflectively by Arrow's {@code CheckAllocator}. */
    public static final AllocationManager.Factory FACTORY = HostSuiteAllocator.factory();

    private DefaultAllocationManagerFactory() {
    }

    @Override
    public AllocationManager create(BufferAllocator accountingAllocator, long size) {
        return FACTORY.create(accountingAllocator, size);
    }

    @Override
    public ArrowBuf empty() {
        return FACTORY.empty();
    }
}
