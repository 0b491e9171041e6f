package dev.allocator.agrona;

import org.agrona.MutableDirectBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The text half of {@link SegmentBuffer}'s writes: strings (ASCII and UTF-8, with and without a length prefix) and
 * decimal ASCII numbers, as the {@link org.agrona.MutableDirectBuffer} methods of the same names. Split from
 * {@link SegmentBuffer} only to keep each file short; users see {@link SegmentBuffer}.
 */
/*
 * Maintainers: every method checks the bounds of everything it will write before the first byte, so a refused call
 * writes nothing (Agrona's buffers do the same, but for putNaturalPaddedIntAscii, which writes before it throws).
 */
abstract sealed class SegmentTextWrites extends SegmentReads implements MutableDirectBuffer permits SegmentBuffer {

    /** What Agrona's buffers write for a null UTF-8 string. */
    private static final String NULL = "null";

    SegmentTextWrites() {
    }

    @Override
    public final int putIntAscii(int index, int value) {
        return putLongAscii(index, value);
    }

    @Override
    public final int putNaturalIntAscii(int index, int value) {
        return putLongAscii(index, value);
    }

    @Override
    public final void putNaturalPaddedIntAscii(int offset, int length, int value) {
        boundsCheck(offset, length);
        AsciiNumbers.putPadded(segment, offset + length, length, value);
    }

    /** {@inheritDoc} As Agrona's buffers, a value of 0 writes no digit and returns {@code endExclusive}. */
    @Override
    public final int putNaturalIntAsciiFromEnd(int value, int endExclusive) {
        int digits = AsciiNumbers.naturalLength(value);
        boundsCheck(endExclusive - digits, digits);
        return value > 0 ? AsciiNumbers.putDigitsBackwards(segment, endExclusive, value) : endExclusive;
    }

    @Override
    public final int putNaturalLongAscii(int index, long value) {
        return putLongAscii(index, value);
    }

    @Override
    public final int putLongAscii(int index, long value) {
        boundsCheck(index, AsciiNumbers.signedLength(value));
        return AsciiNumbers.putSigned(segment, index, value);
    }

    @Override
    public final int putStringAscii(int index, String value) {
        return putStringAscii(index, (CharSequence) value, NATIVE);
    }

    @Override
    public final int putStringAscii(int index, CharSequence value) {
        return putStringAscii(index, value, NATIVE);
    }

    @Override
    public final int putStringAscii(int index, String value, ByteOrder order) {
        return putStringAscii(index, (CharSequence) value, order);
    }

    /** {@inheritDoc} A char above 127 is written as {@code '?'}; a null value as length 0. */
    @Override
    public final int putStringAscii(int index, CharSequence value, ByteOrder order) {
        int length = value == null ? 0 : value.length();
        boundsCheck(index, STR_HEADER_LEN + length);
        putInt(index, length, order);
        putAscii(index + STR_HEADER_LEN, value, 0, length);
        return STR_HEADER_LEN + length;
    }

    @Override
    public final int putStringWithoutLengthAscii(int index, String value) {
        return putStringWithoutLengthAscii(index, (CharSequence) value);
    }

    @Override
    public final int putStringWithoutLengthAscii(int index, CharSequence value) {
        int length = value == null ? 0 : value.length();
        return putStringWithoutLengthAscii(index, value, 0, length);
    }

    @Override
    public final int putStringWithoutLengthAscii(int index, String value, int valueOffset, int length) {
        return putStringWithoutLengthAscii(index, (CharSequence) value, valueOffset, length);
    }

    @Override
    public final int putStringWithoutLengthAscii(int index, CharSequence value, int valueOffset, int length) {
        int count = value == null ? 0 : Math.min(value.length() - valueOffset, length);
        boundsCheck(index, count);
        putAscii(index, value, valueOffset, count);
        return count;
    }

    @Override
    public final int putStringUtf8(int index, String value) {
        return putStringUtf8(index, value, NATIVE, Integer.MAX_VALUE);
    }

    @Override
    public final int putStringUtf8(int index, String value, ByteOrder order) {
        return putStringUtf8(index, value, order, Integer.MAX_VALUE);
    }

    @Override
    public final int putStringUtf8(int index, String value, int maxEncodedLength) {
        return putStringUtf8(index, value, NATIVE, maxEncodedLength);
    }

    /**
     * {@inheritDoc} A null value is written as {@code "null"}, as Agrona's buffers do.
     *
     * @throws IllegalArgumentException when the encoding is longer than {@code maxEncodedLength}
     */
    @Override
    public final int putStringUtf8(int index, String value, ByteOrder order, int maxEncodedLength) {
        byte[] bytes = (value == null ? NULL : value).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxEncodedLength) {
            throw new IllegalArgumentException("the encoded string must fit maxEncodedLength: maxEncodedLength="
                    + maxEncodedLength + ", encoded length=" + bytes.length);
        }
        boundsCheck(index, STR_HEADER_LEN + bytes.length);
        putInt(index, bytes.length, order);
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, index + STR_HEADER_LEN, bytes.length);
        return STR_HEADER_LEN + bytes.length;
    }

    @Override
    public final int putStringWithoutLengthUtf8(int index, String value) {
        byte[] bytes = (value == null ? NULL : value).getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, index, bytes.length);
        return bytes.length;
    }

    private void putAscii(int index, CharSequence value, int from, int count) {
        for (int i = 0; i < count; i++) {
            char c = value.charAt(from + i);
            segment.set(JAVA_BYTE, index + i, (byte) (c > 127 ? '?' : c));
        }
    }
}
