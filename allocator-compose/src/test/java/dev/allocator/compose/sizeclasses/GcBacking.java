package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Slabs whose memory the garbage collector frees (each from its own automatic arena): for model checks that build a
 * size-class allocator per scenario run and never close it.
 */
final class GcBacking implements Allocator {

    static final GcBacking INSTANCE = new GcBacking();

    @Override
    public MemorySegment allocate(Layout layout) {
        return Arena.ofAuto().allocate(layout.size(), layout.alignment());
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout);
    }

    /** Nothing to do: the segment's arena goes when it is unreachable. */
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
