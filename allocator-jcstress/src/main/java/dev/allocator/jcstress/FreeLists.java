package dev.allocator.jcstress;

import dev.allocator.pool.internal.TaggedFreeList;

import java.lang.foreign.MemorySegment;

/** Small free-lists over heap memory for the tests: cheap enough to make one per jcstress trial. */
final class FreeLists {

    /** Distance between blocks: 8 bytes, the link and one int of payload. */
    static final long STRIDE = 8;

    private FreeLists() {
    }

    /** A list over {@code capacity} blocks, all held by the test (the list is empty). */
    static TaggedFreeList allHeld(int capacity) {
        return new TaggedFreeList(MemorySegment.ofArray(new int[capacity * 2]), STRIDE, capacity);
    }

    /** A list over {@code capacity} blocks, all free: 0 is popped first. */
    static TaggedFreeList allFree(int capacity) {
        TaggedFreeList list = allHeld(capacity);
        list.linkAll();
        return list;
    }
}
