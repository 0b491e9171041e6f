package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Checks;

/**
 * The table of size classes: 16 B, then each power of two and the point half-way up to the next
 * ({@code 16, 24, 32, 48, 64, 96, 128, ...}) up to a largest class. A request is rounded up to at most 1.5 times its
 * size, so at most a third of a block is wasted. Each class's blocks are aligned to the largest power of two that
 * divides the class size (16 B to 16, 24 B to 8, 4 KiB to 4 KiB), capped at {@link #MAX_ALIGNMENT}.
 *
 * {@snippet :
 * SizeClasses classes = new SizeClasses(64 * 1024);
 * int c = classes.classOf(100, 8);      // the 128 B class
 * long size = classes.size(c);          // 128
 * }
 *
 * <p>Immutable and thread-safe; {@link #classOf} costs a few instructions and no memory access but the table.
 */
public final class SizeClasses {

    /** The smallest class. */
    public static final long MIN_CLASS = 16;
    /** The largest alignment a class gives its blocks. */
    public static final long MAX_ALIGNMENT = 4096;
    /** What {@link #classOf} returns for a request no class takes. */
    public static final int NONE = -1;

    private final long[] sizes;
    private final long[] alignments;

    /**
     * Builds the table.
     *
     * @param maxClass the largest class, a power of two from 16 B to 1 GiB
     * @throws IllegalArgumentException when {@code maxClass} is not such a power of two
     */
    public SizeClasses(long maxClass) {
        Checks.requirePowerOfTwo(maxClass, "maxClass");
        Checks.requireInRange(maxClass, MIN_CLASS, 1L << 30, "maxClass");
        int count = 2 * Long.numberOfTrailingZeros(maxClass / MIN_CLASS) + 1;
        sizes = new long[count];
        alignments = new long[count];
        for (int c = 0; c < count; c++) {
            long power = MIN_CLASS << ((c + 1) / 2);
            long size = c % 2 == 0 ? power : power - power / 4;
            sizes[c] = size;
            alignments[c] = Math.min(Long.lowestOneBit(size), MAX_ALIGNMENT);
        }
    }

    /**
     * The class for a request: the smallest class at least {@code size} bytes whose alignment is at least
     * {@code alignment}.
     *
     * @param size      the requested size, {@code >= 0}
     * @param alignment the requested alignment, a power of two
     * @return the class, or {@link #NONE} when no class is large or aligned enough
     */
    public int classOf(long size, long alignment) {
        int c;
        if (size <= MIN_CLASS) {
            c = 0;
        } else {
            int power = 64 - Long.numberOfLeadingZeros(size - 1);   // 2^power >= size > 2^(power-1)
            long three = 3L << (power - 2);                           // the half-way point below 2^power
            c = 2 * (power - 4) - (size <= three ? 1 : 0);
        }
        final long[] alignments = this.alignments;
        while (c < alignments.length && alignments[c] < alignment) {
            c++;
        }
        return c < alignments.length ? c : NONE;
    }

    /**
     * The number of classes.
     *
     * @return the count
     */
    public int count() {
        return sizes.length;
    }

    /**
     * A class's block size.
     *
     * @param sizeClass the class
     * @return bytes
     */
    public long size(int sizeClass) {
        return sizes[sizeClass];
    }

    /**
     * A class's block alignment.
     *
     * @param sizeClass the class
     * @return bytes, a power of two
     */
    public long alignment(int sizeClass) {
        return alignments[sizeClass];
    }

    /**
     * The largest class's size.
     *
     * @return bytes
     */
    public long maxClass() {
        return sizes[sizes.length - 1];
    }
}
