package dev.allocator.system;

import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.system.internal.LiveTable;

import java.lang.foreign.MemorySegment;

/** The exceptions a {@link SystemAllocator} throws for a free it refuses, with what must hold and what was given. */
final class FreeErrors {

    private FreeErrors() {
    }

    /** A segment that did not come from {@code allocator}. */
    static IllegalArgumentException foreign(MemorySegment segment, Object allocator) {
        return new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " of "
                + segment.byteSize() + " bytes was not allocated by " + allocator);
    }

    /** A segment whose size is not the layout's (all that can be checked without the registry). */
    static IllegalArgumentException sizeMismatch(MemorySegment segment, Layout layout) {
        return new IllegalArgumentException("the segment at " + Checks.hex(segment.address()) + " has "
                + segment.byteSize() + " bytes, but the layout says " + layout);
    }

    /** A free the registry refused: {@code recorded} is the allocation's size there, or {@link LiveTable#ABSENT}. */
    static RuntimeException refused(MemorySegment segment, Layout layout, long recorded, Object allocator) {
        if (recorded == LiveTable.ABSENT) {
            return notLive(segment.address(), allocator);
        }
        return new IllegalArgumentException("the allocation at " + Checks.hex(segment.address()) + " has " + recorded
                + " bytes, but the segment has " + segment.byteSize() + " and the layout says " + layout);
    }

    /** No live allocation starts at {@code address}. */
    static IllegalStateException notLive(long address, Object allocator) {
        return new IllegalStateException("no live allocation of " + allocator + " starts at " + Checks.hex(address)
                + ": it was deallocated already (double free), or the segment is a slice that starts inside one");
    }
}
