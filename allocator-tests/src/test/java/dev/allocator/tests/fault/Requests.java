package dev.allocator.tests.fault;

import dev.allocator.api.Allocator;
import dev.allocator.api.Layout;
import dev.allocator.tests.contract.Subject;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Random allocation requests within what a subject promises, made through one of the three allocation calls. */
public final class Requests {

    private Requests() {
    }

    /** The three ways to ask for memory. */
    public enum Call {
        ALLOCATE, TRY_ALLOCATE, ALLOCATE_ZEROED;

        /** A random call. */
        public static Call next(Random random) {
            return values()[random.nextInt(3)];
        }

        /**
         * Asks {@code allocator} for {@code layout} this way.
         *
         * @return the segment, or {@code null} from {@code tryAllocate}
         */
        public MemorySegment on(Allocator allocator, Layout layout) {
            return switch (this) {
                case ALLOCATE -> allocator.allocate(layout);
                case TRY_ALLOCATE -> allocator.tryAllocate(layout);
                case ALLOCATE_ZEROED -> allocator.allocateZeroed(layout);
            };
        }

        /** Returns the method's name, e.g. {@code tryAllocate}. */
        @Override
        public String toString() {
            return switch (this) {
                case ALLOCATE -> "allocate";
                case TRY_ALLOCATE -> "tryAllocate";
                case ALLOCATE_ZEROED -> "allocateZeroed";
            };
        }
    }

    /**
     * A random layout: sizes up to {@code min(maxSize, 16 KiB)}, mostly small; alignments up to
     * {@code min(maxAlignment, 4 KiB)}.
     */
    public static Layout nextLayout(Random random, Subject caps) {
        long limit = Math.min(caps.maxSize(), 16 << 10);
        long size = switch (random.nextInt(4)) {
            case 0, 1 -> random.nextLong(Math.min(limit, 256) + 1);
            case 2 -> random.nextLong(Math.min(limit, 2048) + 1);
            default -> random.nextLong(limit + 1);
        };
        int maxShift = 63 - Long.numberOfLeadingZeros(Math.min(caps.maxAlignment(), 4096));
        return Layout.of(size, 1L << random.nextInt(maxShift + 1));
    }
}
