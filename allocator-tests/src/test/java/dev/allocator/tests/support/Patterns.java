package dev.allocator.tests.support;

import dev.allocator.api.Checks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fills segments with a pattern that depends on a seed and on each byte's offset, and checks it later, so that a
 * segment that overlaps another, or that someone else wrote to, is caught at the first wrong byte.
 */
public final class Patterns {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private Patterns() {
    }

    /** The 8 bytes expected at {@code offset} (a multiple of 8) for {@code seed}. */
    private static long word(long seed, long offset) {
        long z = seed * 0x9E3779B97F4A7C15L + offset;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 29);
    }

    /** Writes the pattern of {@code seed} over the whole segment. */
    public static void fill(MemorySegment segment, long seed) {
        final long size = segment.byteSize();
        final long words = size & ~7L;
        for (long offset = 0; offset < words; offset += 8) {
            segment.set(LONG, offset, word(seed, offset));
        }
        final long tail = word(seed, words);
        for (long offset = words; offset < size; offset++) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) (tail >>> (8 * (offset - words))));
        }
    }

    /**
     * Checks that the segment still holds the pattern of {@code seed}.
     *
     * @throws AssertionError naming the segment's address, the first wrong offset and {@code what}
     */
    public static void verify(MemorySegment segment, long seed, String what) {
        final long size = segment.byteSize();
        final long words = size & ~7L;
        for (long offset = 0; offset < words; offset += 8) {
            long expected = word(seed, offset);
            long actual = segment.get(LONG, offset);
            if (actual != expected) {
                throw mismatch(segment, offset, expected, actual, what);
            }
        }
        final long tail = word(seed, words);
        for (long offset = words; offset < size; offset++) {
            byte expected = (byte) (tail >>> (8 * (offset - words)));
            byte actual = segment.get(ValueLayout.JAVA_BYTE, offset);
            if (actual != expected) {
                throw mismatch(segment, offset, expected, actual, what);
            }
        }
    }

    private static AssertionError mismatch(MemorySegment segment, long offset, long expected, long actual,
                                           String what) {
        return new AssertionError(what + ": segment at " + Checks.hex(segment.address()) + " of "
                + segment.byteSize() + " bytes was overwritten at offset " + offset + ": expected "
                + Long.toHexString(expected) + ", found " + Long.toHexString(actual));
    }
}
