package dev.allocator.jcstress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Regions for the ring tests: automatic arenas, aligned to the rings' 128-byte lines. */
final class RingRegions {

    private RingRegions() {
    }

    static MemorySegment of(long byteSize) {
        return Arena.ofAuto().allocate(byteSize, 128);
    }
}
