package dev.allocator.tests.trust.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe allocator for model checking the wrappers: it hands out distinct addresses that are never accessed,
 * so no native call or off-heap structure of a real allocator enters the model.
 */
final class AddressOnlyAllocator implements Allocator {

    private final AtomicLong next = new AtomicLong();

    @Override
    public MemorySegment allocate(Layout layout) {
        return MemorySegment.ofAddress((next.incrementAndGet() + 1) << 12).reinterpret(layout.size());
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout);
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return true;
    }

    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(0, 0, 0, 0, 0);
    }

    @Override
    public void close() {
    }
}
