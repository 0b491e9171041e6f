package dev.allocator.agrona;

import org.agrona.AsciiEncoding;
import org.agrona.AsciiNumberFormatException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Decimal ASCII numbers in a segment, as Agrona's buffers write and parse them: {@link SegmentBuffer}'s
 * {@code put...Ascii} and {@code parse...Ascii} methods. Stateless; the callers check bounds first.
 */
/*
 * Maintainers: parsing accumulates towards the sign of the result (negative for a leading '-'), so the most negative
 * value parses without a special case; each step checks the next tally against the limit before it is formed.
 * Formatting writes digits from the last one backwards; the callers' bounds check covers every byte first, so a
 * refused call writes nothing.
 */
final class AsciiNumbers {

    private AsciiNumbers() {
    }

    /**
     * Parses {@code length} bytes at {@code index} as a decimal number.
     *
     * @param signed whether a leading {@code '-'} is accepted
     * @param min    the smallest value the type holds
     * @param max    the largest value the type holds
     * @throws AsciiNumberFormatException when the text is empty, holds a byte that is not a digit, or overflows
     */
    static long parse(MemorySegment segment, int index, int length, boolean signed, long min, long max) {
        if (length <= 0) {
            throw new AsciiNumberFormatException("length must be > 0: index=" + index + ", length=" + length);
        }
        int end = index + length;
        boolean negative = signed && segment.get(JAVA_BYTE, index) == AsciiEncoding.MINUS_SIGN;
        int i = negative ? index + 1 : index;
        if (i == end) {
            throw new AsciiNumberFormatException("a number must have digits: '" + text(segment, index, length) + "'");
        }
        long tally = 0;
        for (; i < end; i++) {
            int digit = AsciiEncoding.getDigit(i, segment.get(JAVA_BYTE, i));
            if (negative ? tally < (min + digit) / 10 : tally > (max - digit) / 10) {
                throw new AsciiNumberFormatException("number must lie between " + min + " and " + max + ": '"
                        + text(segment, index, length) + "'");
            }
            tally = negative ? tally * 10 - digit : tally * 10 + digit;
        }
        return tally;
    }

    /** @return the bytes {@link #putSigned} writes for {@code value} */
    static int signedLength(long value) {
        return value < 0 ? 1 + naturalLength(value) : naturalLength(value);
    }

    /** @return the digits of {@code value}'s magnitude, counted on the negative side so that the minimum fits */
    static int naturalLength(long value) {
        int digits = 1;
        for (long rest = value < 0 ? value : -value; rest <= -10; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes {@code value} at {@code index}, with a {@code '-'} when negative; returns the bytes written. */
    static int putSigned(MemorySegment segment, int index, long value) {
        int length = signedLength(value);
        if (value < 0) {
            segment.set(JAVA_BYTE, index, AsciiEncoding.MINUS_SIGN);
        }
        putDigitsBackwards(segment, index + length, value);
        return length;
    }

    /**
     * Writes the digits of {@code value} ending just before {@code end}, the last digit first.
     *
     * @return the index of the first digit
     */
    static int putDigitsBackwards(MemorySegment segment, int end, long value) {
        long rest = value < 0 ? value : -value;
        int i = end;
        do {
            segment.set(JAVA_BYTE, --i, (byte) (AsciiEncoding.ZERO - rest % 10));
            rest /= 10;
        } while (rest != 0);
        return i;
    }

    /**
     * Writes the natural {@code value} in exactly {@code length} digits ending before {@code end}, zero-padded.
     *
     * @throws NumberFormatException when {@code value} has more digits than {@code length}; nothing is written
     */
    static void putPadded(MemorySegment segment, int end, int length, int value) {
        if (value < 0 || naturalLength(value) > length) {
            throw new NumberFormatException("value must be natural and fit in " + length + " digits: value=" + value);
        }
        int start = putDigitsBackwards(segment, end, value);
        for (int i = end - length; i < start; i++) {
            segment.set(JAVA_BYTE, i, AsciiEncoding.ZERO);
        }
    }

    private static String text(MemorySegment segment, int index, int length) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, JAVA_BYTE, index, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
