package dev.allocator.api.internal;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backing allocator shared by the alternatives of a choice ({@code (a | b) > arena}): each alternative gets a
 * {@link #handle()} that it owns and closes, and the backing allocator is closed when the last handle is.
 */
public final class SharedBacking {

    private final Allocator backing;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean taken;

    /**
     * Shares an allocator.
     *
     * @param backing the allocator; closed when the last handle is
     */
    public SharedBacking(Allocator backing) {
        this.backing = backing;
    }

    /**
     * A new handle on the shared allocator.
     *
     * @return an allocator that forwards to the shared one and, on close, releases its share
     */
    public Allocator handle() {
        taken = true;
        open.incrementAndGet();
        return new Handle();
    }

    /** Closes the shared allocator when no handle was ever taken (a build failed before any alternative). */
    public void closeIfUnused() {
        if (!taken) {
            backing.close();
        }
    }

    private final class Handle implements Allocator {
        private final AtomicInteger closed = new AtomicInteger();

        @Override
        public MemorySegment allocate(Layout layout) {
            return backing.allocate(layout);
        }

        @Override
        public MemorySegment tryAllocate(Layout layout) {
            return backing.tryAllocate(layout);
        }

        @Override
        public MemorySegment allocateZeroed(Layout layout) {
            return backing.allocateZeroed(layout);
        }

        @Override
        public void deallocate(MemorySegment segment, Layout layout) {
            backing.deallocate(segment, layout);
        }

        @Override
        public boolean owns(MemorySegment segment) {
            return backing.owns(segment);
        }

        @Override
        public AllocatorStats stats() {
            return backing.stats();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(0, 1) && open.decrementAndGet() == 0) {
                backing.close();
            }
        }

        @Override
        public String toString() {
            return backing.toString();
        }
    }
}
