package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A backing allocator whose memory the garbage collector frees: for tests that build thousands of small pools
 * (Lincheck builds one per scenario run) and never close them. The pool keeps the slab's segment, and so its memory,
 * reachable as long as the pool is.
 */
final class AutoBacking implements Allocator {

    static final AutoBacking INSTANCE = new AutoBacking();

    @Override
    public MemorySegment allocate(Layout layout) {
        return Arena.ofAuto().allocate(layout.size(), layout.alignment());
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
        return false;
    }

    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(0, 0, 0, 0, 0);
    }

    @Override
    public void close() {
    }
}
