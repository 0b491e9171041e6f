package dev.allocator.pool;

import java.lang.foreign.MemorySegment;

/**
 * A deliberately broken copy of {@link BlockIndexes#segment}'s table, for {@link SegmentTableLincheckTest}: the table
 * and its slots are installed by plain writes instead of CAS, so two threads that race on a block's first call can
 * each keep a segment object of their own (or one thread's table overwrites the other's). Lincheck must catch it.
 */
final class PlainSegmentTable {

    private final MemorySegment memory;
    private final long stride;
    private final int capacity;
    private volatile MemorySegment[] table;

    PlainSegmentTable(MemorySegment memory, long stride, int capacity) {
        this.memory = memory;
        this.stride = stride;
        this.capacity = capacity;
    }

    MemorySegment segment(int index) {
        MemorySegment[] table = this.table;
        if (table == null) {
            table = new MemorySegment[capacity];
            this.table = table; // broken: a racing first call installs its own table
        }
        MemorySegment known = table[index];
        if (known != null) {
            return known;
        }
        MemorySegment built = memory.asSlice(index * stride, stride);
        table[index] = built; // broken: a racing first call for the same block keeps its own object
        return built;
    }
}
