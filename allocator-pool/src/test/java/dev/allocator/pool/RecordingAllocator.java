package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A backing allocator for tests: memory from a shared arena of its own, pre-filled with 0xA5 so that "zeroed" means
 * something, and a record of what came back and whether it was all zeros.
 */
final class RecordingAllocator implements Allocator {

    final Arena arena = Arena.ofShared();
    final List<MemorySegment> live = new ArrayList<>();
    final List<Boolean> returnedAllZero = new ArrayList<>();
    int allocations;
    int deallocations;
    boolean closed;
    boolean refuse;

    @Override
    public synchronized MemorySegment allocate(Layout layout) {
        if (refuse) {
            throw new AllocationException(AllocationException.Reason.BUDGET, layout, "recording allocator refuses "
                    + layout);
        }
        MemorySegment segment = arena.allocate(layout.size(), layout.alignment()).fill((byte) 0xA5);
        live.add(segment);
        allocations++;
        return segment;
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout);
    }

    @Override
    public synchronized void deallocate(MemorySegment segment, Layout layout) {
        if (!live.removeIf(s -> s.address() == segment.address() && s.byteSize() == layout.size())) {
            throw new IllegalArgumentException("not live: " + segment);
        }
        returnedAllZero.add(allZero(segment));
        deallocations++;
    }

    static boolean allZero(MemorySegment segment) {
        long i = 0;
        for (; i + 8 <= segment.byteSize(); i += 8) {
            if (segment.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != 0) {
                return false;
            }
        }
        for (; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return segment.scope().equals(arena.scope());
    }

    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(allocations, deallocations, 0, 0, 0);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "recording";
    }
}
