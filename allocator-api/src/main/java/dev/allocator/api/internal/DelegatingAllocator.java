package dev.allocator.api.internal;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * An allocator that sends every call to another; subclasses change what they need (most often {@link #close()}).
 */
abstract class DelegatingAllocator implements Allocator {

    /** The allocator that does the work. */
    final Allocator delegate;

    DelegatingAllocator(Allocator delegate) {
        this.delegate = delegate;
    }

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

    @Override
    public void measures(Consumer<? super Measure> sink) {
        delegate.measures(sink);
    }

    @Override
    public void requireCloseable() {
        delegate.requireCloseable();
    }

    @Override
    public boolean addDependent(AutoCloseable dependent) {
        return delegate.addDependent(dependent);
    }

    @Override
    public void removeDependent(AutoCloseable dependent) {
        delegate.removeDependent(dependent);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
