package dev.allocator.compose.budget;

import dev.allocator.compose.internal.Stripes;

/**
 * What a {@link BudgetAllocator} has charged to its budget and not given back, and its counts, striped by thread so
 * that allocations and deallocations on different stripes write no common cache line.
 *
 * <pre>
 * one stripe ({@link Stripes}): | CHARGED ALLOCATIONS DEALLOCATIONS FAILURES |
 * </pre>
 */
final class Charges {

    /*
     * Maintainers' notes.
     *
     * CHARGED of a stripe is the bytes charged minus the bytes given back by calls on that stripe: it may be negative
     * (freed on another stripe than allocated), but the sum over the stripes is the bytes of live allocations, which
     * the budget holds for this allocator. close adds CLOSED_OFFSET (-2^62) to every stripe with getAndAdd and gives
     * back the sum of what it found; a stripe below -2^61 is closed (live sums stay far inside +-2^61). Each charge is
     * given back exactly once: an add on an open stripe is seen by close's later getAndAdd of that stripe, so close
     * gives it back (or, for a deallocation, does not); an add on a closed stripe was not seen by close, so the call
     * undoes it and gives back (deallocation: nothing, close saw the allocation's add; allocation: its own charge).
     * A deallocation always follows its allocation's add, and that add was on an open stripe, so close saw it.
     * Fold order for snapshots: deallocations before allocations, so deallocations <= allocations.
     */

    private static final long CLOSED_OFFSET = Long.MIN_VALUE >> 1;
    private static final long CLOSED_BELOW = Long.MIN_VALUE >> 2;
    private static final int CHARGED = 0;
    private static final int ALLOCATIONS = 1;
    private static final int DEALLOCATIONS = 2;
    private static final int FAILURES = 3;

    private final Stripes stripes = new Stripes(4);

    /**
     * Records a charge of {@code bytes} for a successful allocation.
     *
     * @return false when the allocator is closed: nothing recorded, the caller gives its charge back
     */
    boolean charged(long bytes) {
        final int stripe = Stripes.stripe();
        if (stripes.getAndAdd(stripe, CHARGED, bytes) < CLOSED_BELOW) {
            stripes.getAndAdd(stripe, CHARGED, -bytes);
            return false;
        }
        stripes.getAndAdd(stripe, ALLOCATIONS, 1);
        return true;
    }

    /**
     * Records a deallocation of {@code bytes}.
     *
     * @return whether the caller gives the bytes back to the budget (false: close did)
     */
    boolean freed(long bytes) {
        final int stripe = Stripes.stripe();
        stripes.getAndAdd(stripe, DEALLOCATIONS, 1);
        if (stripes.getAndAdd(stripe, CHARGED, -bytes) < CLOSED_BELOW) {
            stripes.getAndAdd(stripe, CHARGED, bytes);
            return false;
        }
        return true;
    }

    /** Counts a refused or failed request. */
    void failed() {
        stripes.getAndAdd(Stripes.stripe(), FAILURES, 1);
    }

    /**
     * Closes every stripe.
     *
     * @return the bytes of the live allocations, which the caller gives back to the budget
     */
    long close() {
        long outstanding = 0;
        for (int s = 0; s < Stripes.COUNT; s++) {
            outstanding += stripes.getAndAdd(s, CHARGED, CLOSED_OFFSET);
        }
        return outstanding;
    }

    /** {allocations, deallocations, failures, bytes charged (0 once closed, never negative)}. */
    long[] fold() {
        final long deallocations = stripes.sum(DEALLOCATIONS);
        final long failures = stripes.sum(FAILURES);
        final long allocations = stripes.sum(ALLOCATIONS);
        long charged = 0;
        for (int s = 0; s < Stripes.COUNT; s++) {
            final long value = stripes.get(s, CHARGED);
            if (value < CLOSED_BELOW) {
                return new long[] {allocations, deallocations, failures, 0};
            }
            charged += value;
        }
        return new long[] {allocations, deallocations, failures, Math.max(0, charged)};
    }
}
