package dev.allocator.compose.stats;

import dev.allocator.compose.internal.Stripes;

/**
 * The counters of a {@link StatsAllocator}, striped by thread so that threads on different stripes write no common
 * cache line, and folded on read.
 *
 * <pre>
 * one stripe ({@link Stripes}): | ALLOCATIONS DEALLOCATIONS FAILURES ALLOCATED_BYTES FREED_BYTES | class 0 .. class 63 |
 * </pre>
 */
final class StatsCounts {

    /*
     * Maintainers' notes.
     *
     * Every counter only grows: bytes in use is ALLOCATED_BYTES - FREED_BYTES and live allocations ALLOCATIONS -
     * DEALLOCATIONS, folded over the stripes. A thread counts an allocation before the segment is returned, and a
     * deallocation after the backing allocator took the segment back; handing a segment to another thread is
     * ordered by the user's own happens-before, and every counter access is volatile. So when a fold reads a
     * deallocation, the allocation of that segment happened-before it and is seen by any read made after.
     * Invariant kept by the fold order: freed figures (DEALLOCATIONS, FREED_BYTES) are summed first, allocated figures
     * after, hence deallocations <= allocations and bytesInUse >= 0 in every snapshot, however the threads race.
     * A fold is not atomic: each figure is true at some instant during the read.
     */

    /** Size classes: class {@code c} counts sizes in {@code (2^(c-1), 2^c]}; class 0 counts sizes 0 and 1. */
    static final int CLASSES = 64;

    private static final int ALLOCATIONS = 0;
    private static final int DEALLOCATIONS = 1;
    private static final int FAILURES = 2;
    private static final int ALLOCATED_BYTES = 3;
    private static final int FREED_BYTES = 4;
    private static final int FIRST_CLASS = 8;

    private final Stripes stripes = new Stripes(FIRST_CLASS + CLASSES);

    static int sizeClass(long size) {
        return size <= 1 ? 0 : CLASSES - Long.numberOfLeadingZeros(size - 1);
    }

    /** Counts a successful allocation of {@code size} bytes. */
    void allocated(long size) {
        final int stripe = Stripes.stripe();
        stripes.getAndAdd(stripe, ALLOCATIONS, 1);
        stripes.getAndAdd(stripe, ALLOCATED_BYTES, size);
        stripes.getAndAdd(stripe, FIRST_CLASS + sizeClass(size), 1);
    }

    /** Counts a successful deallocation of {@code size} bytes. */
    void freed(long size) {
        final int stripe = Stripes.stripe();
        stripes.getAndAdd(stripe, DEALLOCATIONS, 1);
        stripes.getAndAdd(stripe, FREED_BYTES, size);
    }

    /** Counts a failed request. */
    void failed() {
        stripes.getAndAdd(Stripes.stripe(), FAILURES, 1);
    }

    /**
     * A fold of the counters: {@code {allocations, deallocations, failures, bytesInUse}}, with
     * {@code deallocations <= allocations} and {@code bytesInUse >= 0}.
     */
    long[] fold() {
        final long deallocations = stripes.sum(DEALLOCATIONS);
        final long freedBytes = stripes.sum(FREED_BYTES);
        final long failures = stripes.sum(FAILURES);
        final long allocations = stripes.sum(ALLOCATIONS);
        final long allocatedBytes = stripes.sum(ALLOCATED_BYTES);
        return new long[] {allocations, deallocations, failures, allocatedBytes - freedBytes};
    }

    long allocations() {
        return stripes.sum(ALLOCATIONS);
    }

    long deallocations() {
        return stripes.sum(DEALLOCATIONS);
    }

    long failures() {
        return stripes.sum(FAILURES);
    }

    /** Bytes in use, never negative (freed bytes are summed first). */
    long bytesInUse() {
        final long freedBytes = stripes.sum(FREED_BYTES);
        return stripes.sum(ALLOCATED_BYTES) - freedBytes;
    }

    /** Allocations of size class {@code c}. */
    long ofClass(int c) {
        return stripes.sum(FIRST_CLASS + c);
    }
}
