package dev.allocator.api.internal;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;

/**
 * A process-wide allocator ({@code Allocators.system()}, {@code Allocators.defaultAllocator()}): every call goes to
 * the allocator it wraps, except {@link #close()}, which does nothing, so one careless try-with-resources cannot break
 * the default for the whole process.
 *
 * @param delegate the allocator that does the work
 */
public record NonClosingAllocator(Allocator delegate) implements Allocator {

    @Override
    public MemorySegment allocate(Layout layout) {
        return delegate.allocate(layout);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return delegate.tryAllocate(layout);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        return delegate.allocateZeroed(layout);
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        delegate.deallocate(segment, layout);
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return delegate.owns(segment);
    }

    @Override
    public AllocatorStats stats() {
        return delegate.stats();
    }

    /** Does nothing: the process-wide allocator lives as long as the JVM. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return delegate + " (process-wide)";
    }
}
