package dev.allocator.jcstress;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A backing allocator for pools built per jcstress trial: native memory from {@link Arena#ofAuto()}, freed by the
 * garbage collector once the pool is gone (this module has no system allocator on its class path).
 */
final class AutoBacking implements Allocator {

    static final AutoBacking INSTANCE = new AutoBacking();

    private AutoBacking() {
    }

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
