package dev.allocator.ring;

/**
 * One side's private view of an SPSC ring: its own position, its cached copy of the other side's position, and how
 * many slots its open batch holds. Only the one thread of that side reads and writes it; 128 bytes of padding on
 * each side keep the producer's and the consumer's cursors off each other's cache lines when one ring object
 * serves both threads.
 */
final class Cursor extends CursorFields {

    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;
}

/** The fields, after the leading padding (HotSpot lays a superclass's fields out first). */
abstract class CursorFields extends CursorPadding {

    /** This side's position: values ever offered (producer) or taken (consumer). */
    long position;
    /** The other side's position as last read from the segment; refreshed only when it looks exhausted. */
    long cached;
    /** Slots of the open batch ({@code reserve}/{@code peek}), 0 when none is open. */
    int pending;
    /** The producer's open batch, written to the slots on submit; grown to the largest batch granted. */
    int[] staged = new int[0];
    /** Whether the consumer has skipped what a dead predecessor left (see SpscIndexRing#resumeConsumer). */
    boolean resumed;

    /** Refuses {@code call} while this side's batch is open: {@code what} its slots are, {@code close} ends it. */
    final void requireNoBatch(String call, String what, String close) {
        if (pending != 0) {
            throw new IllegalStateException("cannot " + call + " while " + pending + " slots are " + what + ": "
                    + close + " them first");
        }
    }
}

/** Leading padding. */
abstract class CursorPadding {

    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}
