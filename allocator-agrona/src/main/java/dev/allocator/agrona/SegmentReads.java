package dev.allocator.agrona;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.LangUtil;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The read half of {@link SegmentBuffer}: its state and every {@link DirectBuffer} method but {@code wrap}. Split from
 * {@link SegmentBuffer} only to keep each file to one half of the interface; users see {@link SegmentBuffer}.
 */
/*
 * Maintainers: every read goes through segment.get(layout, index) on a segment whose size is exactly the capacity,
 * so the segment's own checks are the view's bounds check (IndexOutOfBoundsException) and its liveness check
 * (IllegalStateException once the scope ended). Invariants: segment.byteSize() == capacity; array is the byte[]
 * behind a heap segment (null for native memory, and for read-only heap segments, whose base the JDK hides);
 * wrapAdjustment is the offset of byte 0 of the view from the start of array or buffer. Nothing here hands the raw
 * address to a memory access of ours: addressOffset() exists only for Agrona code that asks for it.
 */
abstract sealed class SegmentReads implements DirectBuffer permits SegmentTextWrites {

    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ByteOrder SWAPPED =
            NATIVE == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfShort SHORT_SWAPPED = SHORT.withOrder(SWAPPED);
    static final ValueLayout.OfChar CHAR = ValueLayout.JAVA_CHAR_UNALIGNED;
    static final ValueLayout.OfChar CHAR_SWAPPED = CHAR.withOrder(SWAPPED);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfInt INT_SWAPPED = INT.withOrder(SWAPPED);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfFloat FLOAT_SWAPPED = FLOAT.withOrder(SWAPPED);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfLong LONG_SWAPPED = LONG.withOrder(SWAPPED);
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ValueLayout.OfDouble DOUBLE_SWAPPED = DOUBLE.withOrder(SWAPPED);

    MemorySegment segment = MemorySegment.NULL;
    int capacity;
    byte[] array;
    ByteBuffer buffer;
    int wrapAdjustment;

    SegmentReads() {
    }

    /** @return the segment this view reads and writes: exactly {@link #capacity()} bytes */
    public final MemorySegment segment() {
        return segment;
    }

    /**
     * {@inheritDoc}
     *
     * <p>For native memory, the address of byte 0, for Agrona code that copies through raw addresses (an
     * {@code UnsafeBuffer.putBytes} from this view, an Aeron {@code offer}). Such a copy is not checked against the
     * segment's scope: keep the allocator open until it returned (see {@code docs/agrona.md}).
     *
     * @throws IllegalStateException         when the segment's scope has ended (its allocator was closed)
     * @throws UnsupportedOperationException for a read-only heap segment, whose array the JDK does not expose
     */
    @Override
    public final long addressOffset() {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the segment's scope must be alive (its allocator was closed): segment="
                    + segment);
        }
        if (segment.isNative()) {
            return segment.address();
        }
        if (array == null) {
            throw new UnsupportedOperationException("a read-only heap segment has no address: segment=" + segment);
        }
        return BufferUtil.ARRAY_BASE_OFFSET + segment.address();
    }

    @Override
    public final byte[] byteArray() {
        return array;
    }

    @Override
    public final ByteBuffer byteBuffer() {
        return buffer;
    }

    @Override
    public final int wrapAdjustment() {
        return wrapAdjustment;
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final void checkLimit(int limit) {
        if (limit > capacity) {
            throw new IndexOutOfBoundsException("limit must be at most the capacity: limit=" + limit + ", capacity="
                    + capacity);
        }
    }

    @Override
    public final void boundsCheck(int index, int length) {
        if (index < 0 || length < 0 || (long) index + length > capacity) {
            throw new IndexOutOfBoundsException("index and length must lie within the capacity: index=" + index
                    + ", length=" + length + ", capacity=" + capacity);
        }
    }

    @Override
    public final long getLong(int index, ByteOrder order) {
        return order == NATIVE ? segment.get(LONG, index) : segment.get(LONG_SWAPPED, index);
    }

    @Override
    public final long getLong(int index) {
        return segment.get(LONG, index);
    }

    @Override
    public final int getInt(int index, ByteOrder order) {
        return order == NATIVE ? segment.get(INT, index) : segment.get(INT_SWAPPED, index);
    }

    @Override
    public final int getInt(int index) {
        return segment.get(INT, index);
    }

    @Override
    public final double getDouble(int index, ByteOrder order) {
        return order == NATIVE ? segment.get(DOUBLE, index) : segment.get(DOUBLE_SWAPPED, index);
    }

    @Override
    public final double getDouble(int index) {
        return segment.get(DOUBLE, index);
    }

    @Override
    public final float getFloat(int index, ByteOrder order) {
        return order == NATIVE ? segment.get(FLOAT, index) : segment.get(FLOAT_SWAPPED, index);
    }

    @Override
    public final float getFloat(int index) {
        return segment.get(FLOAT, index);
    }

    @Override
    public final short getShort(int index, ByteOrder order) {
        return order == NATIVE ? segment.get(SHORT, index) : segment.get(SHORT_SWAPPED, index);
    }

    @Override
    public final short getShort(int index) {
        return segment.get(SHORT, index);
    }

    @Override
    public final char getChar(int index, ByteOrder order) {
        return order == NATIVE ? segment.get(CHAR, index) : segment.get(CHAR_SWAPPED, index);
    }

    @Override
    public final char getChar(int index) {
        return segment.get(CHAR, index);
    }

    @Override
    public final byte getByte(int index) {
        return segment.get(JAVA_BYTE, index);
    }

    @Override
    public final void getBytes(int index, byte[] dst) {
        getBytes(index, dst, 0, dst.length);
    }

    @Override
    public final void getBytes(int index, byte[] dst, int offset, int length) {
        MemorySegment.copy(segment, JAVA_BYTE, index, dst, offset, length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The copy reads through this view's segment (scope-checked) and writes through {@code dstBuffer}'s own
     * methods; it never hands this view's address to {@code dstBuffer}.
     */
    @Override
    public final void getBytes(int index, MutableDirectBuffer dstBuffer, int dstIndex, int length) {
        BufferCopy.copy(segment, index, dstBuffer, dstIndex, length);
    }

    @Override
    public final void getBytes(int index, ByteBuffer dstBuffer, int length) {
        int dstOffset = dstBuffer.position();
        getBytes(index, dstBuffer, dstOffset, length);
        dstBuffer.position(dstOffset + length);
    }

    @Override
    public final void getBytes(int index, ByteBuffer dstBuffer, int dstOffset, int length) {
        boundsCheck(index, length);
        dstBuffer.put(dstOffset, segment.asByteBuffer(), index, length);
    }

    @Override
    public final String getStringAscii(int index) {
        return getStringAscii(index, NATIVE);
    }

    @Override
    public final int getStringAscii(int index, Appendable appendable) {
        return getStringAscii(index, appendable, NATIVE);
    }

    @Override
    public final String getStringAscii(int index, ByteOrder order) {
        return getStringWithoutLengthAscii(index + STR_HEADER_LEN, headerLength(index, order));
    }

    @Override
    public final int getStringAscii(int index, Appendable appendable, ByteOrder order) {
        return getStringWithoutLengthAscii(index + STR_HEADER_LEN, headerLength(index, order), appendable);
    }

    @Override
    public final String getStringAscii(int index, int length) {
        return getStringWithoutLengthAscii(index + STR_HEADER_LEN, length);
    }

    @Override
    public final int getStringAscii(int index, int length, Appendable appendable) {
        return getStringWithoutLengthAscii(index + STR_HEADER_LEN, length, appendable);
    }

    @Override
    public final String getStringWithoutLengthAscii(int index, int length) {
        return new String(copyOut(index, length), StandardCharsets.US_ASCII);
    }

    /** {@inheritDoc} A byte above 127 is appended as {@code '?'}, as Agrona's buffers do. */
    @Override
    public final int getStringWithoutLengthAscii(int index, int length, Appendable appendable) {
        boundsCheck(index, length);
        try {
            for (int i = index, end = index + length; i < end; i++) {
                char c = (char) segment.get(JAVA_BYTE, i);
                appendable.append(c > 127 ? '?' : c);
            }
        } catch (IOException e) {
            LangUtil.rethrowUnchecked(e);
        }
        return length;
    }

    @Override
    public final String getStringUtf8(int index) {
        return getStringUtf8(index, NATIVE);
    }

    @Override
    public final String getStringUtf8(int index, ByteOrder order) {
        return getStringWithoutLengthUtf8(index + STR_HEADER_LEN, headerLength(index, order));
    }

    @Override
    public final String getStringUtf8(int index, int length) {
        return getStringWithoutLengthUtf8(index + STR_HEADER_LEN, length);
    }

    @Override
    public final String getStringWithoutLengthUtf8(int index, int length) {
        return new String(copyOut(index, length), StandardCharsets.UTF_8);
    }

    @Override
    public final int parseNaturalIntAscii(int index, int length) {
        boundsCheck(index, length);
        return (int) AsciiNumbers.parse(segment, index, length, false, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    @Override
    public final long parseNaturalLongAscii(int index, int length) {
        boundsCheck(index, length);
        return AsciiNumbers.parse(segment, index, length, false, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Override
    public final int parseIntAscii(int index, int length) {
        boundsCheck(index, length);
        return (int) AsciiNumbers.parse(segment, index, length, true, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    @Override
    public final long parseLongAscii(int index, int length) {
        boundsCheck(index, length);
        return AsciiNumbers.parse(segment, index, length, true, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Equal to another {@link SegmentBuffer} of the same capacity and bytes, as Agrona's buffers are. */
    @Override
    public final boolean equals(Object other) {
        return this == other || other instanceof SegmentReads that && capacity == that.capacity
                && MemorySegment.mismatch(segment, 0, capacity, that.segment, 0, capacity) == -1;
    }

    /** The same hash as Agrona's buffers give the same bytes. */
    @Override
    public final int hashCode() {
        int hash = 19;
        int i = 0;
        for (int end = capacity & ~7; i < end; i += 8) {
            hash = 31 * hash + Long.hashCode(segment.get(LONG, i));
        }
        for (; i < capacity; i++) {
            hash = 31 * hash + segment.get(JAVA_BYTE, i);
        }
        return hash;
    }

    /** Orders as Agrona's buffers do: by native-order longs, then bytes, as signed values, then by capacity. */
    @Override
    public final int compareTo(DirectBuffer that) {
        if (this == that) {
            return 0;
        }
        int common = Math.min(capacity, that.capacity());
        int i = 0;
        for (int end = common & ~7; i < end; i += 8) {
            int order = Long.compare(segment.get(LONG, i), that.getLong(i));
            if (order != 0) {
                return order;
            }
        }
        for (; i < common; i++) {
            int order = Byte.compare(segment.get(JAVA_BYTE, i), that.getByte(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(capacity, that.capacity());
    }

    /** Names the segment and the capacity; reads no memory (safe on a closed allocator's segment). */
    @Override
    public final String toString() {
        return getClass().getSimpleName() + "{segment=" + segment + ", capacity=" + capacity + ", byteArray="
                + (array == null ? "null" : "byte[" + array.length + "]") + ", byteBuffer=" + buffer + "}";
    }

    private int headerLength(int index, ByteOrder order) {
        boundsCheck(index, STR_HEADER_LEN);
        return getInt(index, order);
    }

    private byte[] copyOut(int index, int length) {
        boundsCheck(index, length);
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, index, bytes, 0, length);
        return bytes;
    }
}
