package dev.allocator.api;

import java.lang.foreign.MemoryLayout;

/**
 * The size and alignment of a block of memory, in bytes: what an {@link Allocator} is asked for.
 *
 * {@snippet :
 * Layout packet = Layout.of(1500, 64);           // 1500 bytes, cache-line aligned
 * Layout longs = Layout.of(ValueLayout.JAVA_LONG).array(1024);
 * try (Allocator allocator = Allocators.open("system")) {
 *     MemorySegment segment = allocator.allocate(packet);
 *     allocator.deallocate(segment, packet);
 * }
 * }
 *
 * @param size      the size in bytes, {@code >= 0}
 * @param alignment the alignment in bytes, a power of two
 */
public record Layout(long size, long alignment) {

    /**
     * Creates a layout.
     *
     * @throws IllegalArgumentException if {@code size < 0} or {@code alignment} is not a power of two
     */
    public Layout {
        Checks.requireNonNegative(size, "size");
        Checks.requirePowerOfTwo(alignment, "alignment");
    }

    /**
     * A layout of {@code size} bytes with alignment 1, as {@link java.lang.foreign.SegmentAllocator#allocate(long)}
     * asks for.
     *
     * @param size the size in bytes, {@code >= 0}
     * @return the layout
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public static Layout of(long size) {
        return new Layout(size, 1);
    }

    /**
     * A layout of {@code size} bytes aligned to {@code alignment}.
     *
     * @param size      the size in bytes, {@code >= 0}
     * @param alignment the alignment in bytes, a power of two
     * @return the layout
     * @throws IllegalArgumentException if {@code size < 0} or {@code alignment} is not a power of two
     */
    public static Layout of(long size, long alignment) {
        return new Layout(size, alignment);
    }

    /**
     * The layout of a {@link MemoryLayout}: its byte size and byte alignment.
     *
     * @param layout a memory layout, such as {@code ValueLayout.JAVA_INT} or a struct layout
     * @return the layout
     * @throws NullPointerException if {@code layout} is null
     */
    public static Layout of(MemoryLayout layout) {
        return new Layout(layout.byteSize(), layout.byteAlignment());
    }

    /**
     * The layout of {@code count} consecutive elements of this layout, each at a multiple of the alignment.
     *
     * @param count the number of elements, {@code >= 0}
     * @return a layout of {@code stride() * count} bytes with this alignment
     * @throws IllegalArgumentException if {@code count < 0} or the size overflows a {@code long}
     */
    public Layout array(long count) {
        Checks.requireNonNegative(count, "count");
        return new Layout(Checks.multiplyExact(stride(), count, "array size"), alignment);
    }

    /**
     * The distance between consecutive elements of this layout in an array: the size rounded up to the alignment.
     *
     * @return the stride in bytes
     * @throws IllegalArgumentException if the rounded size overflows a {@code long}
     */
    public long stride() {
        return Checks.alignUp(size, alignment);
    }

    /**
     * This layout with another alignment.
     *
     * @param newAlignment the alignment in bytes, a power of two
     * @return the layout
     * @throws IllegalArgumentException if {@code newAlignment} is not a power of two
     */
    public Layout withAlignment(long newAlignment) {
        return new Layout(size, newAlignment);
    }

    /**
     * Returns {@code "64 B aligned 8"}-style text, as used in error messages.
     */
    @Override
    public String toString() {
        return size + " B aligned " + alignment;
    }
}
