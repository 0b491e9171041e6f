package dev.allocator.compose.budget;

import dev.allocator.compose.internal.Stripes;

/**
 * The credit of one {@link Budget}: bytes the budget has reserved (they count in its used bytes and its ancestors')
 * but not yet handed to a charge, kept per thread stripe so that a charge or a release that fits the stripe's credit
 * writes only that stripe's cache line.
 *
 * <pre>
 * one stripe ({@link Stripes}): | CREDIT | ; CREDIT is a byte count >= 0, or CLOSED while the budget reclaims
 * </pre>
 */
final class Credit {

    /*
     * Maintainers' notes.
     *
     * A stripe holds a byte count >= 0, or CLOSED. take and give are CAS loops on the caller's stripe; only
     * reclaimAll (under the tree's lock) writes CLOSED, and only reopenAll (under the same lock) writes it back to 0.
     * Invariant: while a stripe is CLOSED it gains no credit: take fails (the caller goes to the locked slow path)
     * and give changes nothing (the caller gives its bytes back to the budgets). Credit leaves a stripe only by a
     * take (to a charge), by trim or by reclaimAll, and those two run under the tree's lock and give the bytes back
     * to the budgets before releasing it: so no bytes are ever in flight between a stripe and the budgets while
     * another thread holds the lock, which is what makes a refusal under the lock exact (see Budget). A stripe may
     * pass `cap` until its thread trims it.
     */

    static final long CLOSED = Long.MIN_VALUE;
    private static final int CREDIT = 0;

    private final Stripes stripes = new Stripes(1);
    private final long keep;
    private final long cap;

    /**
     * @param batch the bytes a refill adds to a stripe; a stripe trimmed above {@code 2 * batch} keeps {@code batch}
     */
    Credit(long batch) {
        this.keep = batch;
        this.cap = 2 * batch;
    }

    /** Takes {@code bytes} from the caller's stripe; false (nothing changed) when it holds fewer, or is closed. */
    boolean take(long bytes) {
        final int stripe = Stripes.stripe();
        for (;;) {
            final long credit = stripes.get(stripe, CREDIT);
            if (credit < bytes) {
                return false;
            }
            if (stripes.compareAndSet(stripe, CREDIT, credit, credit - bytes)) {
                return true;
            }
        }
    }

    /** What {@link #give} did. */
    enum Given { KEPT, OVER_CAP, CLOSED }

    /**
     * Adds {@code bytes} to the caller's stripe.
     *
     * @return {@code KEPT}; {@code OVER_CAP} when the stripe now holds more than {@code 2 * batch} (the caller
     * trims it under the tree's lock); {@code CLOSED} when the stripe is closed and nothing changed (the caller
     * gives the bytes back to the budgets)
     */
    Given give(long bytes) {
        final int stripe = Stripes.stripe();
        for (;;) {
            final long credit = stripes.get(stripe, CREDIT);
            if (credit < 0) {
                return Given.CLOSED;
            }
            if (stripes.compareAndSet(stripe, CREDIT, credit, credit + bytes)) {
                return credit + bytes > cap ? Given.OVER_CAP : Given.KEPT;
            }
        }
    }

    /**
     * Under the tree's lock: brings the caller's stripe back to {@code batch} bytes when it holds more than
     * {@code 2 * batch}.
     *
     * @return the bytes taken out, which the caller gives back to the budgets
     */
    long trim() {
        final int stripe = Stripes.stripe();
        for (;;) {
            final long credit = stripes.get(stripe, CREDIT);
            if (credit <= cap) {
                return 0;
            }
            if (stripes.compareAndSet(stripe, CREDIT, credit, keep)) {
                return credit - keep;
            }
        }
    }

    /** Closes every stripe and returns the credit they held. Under the tree's lock. */
    long reclaimAll() {
        long reclaimed = 0;
        for (int s = 0; s < Stripes.COUNT; s++) {
            reclaimed += Math.max(0, stripes.getAndSet(s, CREDIT, CLOSED));
        }
        return reclaimed;
    }

    /** Opens every stripe again, empty. Under the tree's lock, after {@link #reclaimAll()}. */
    void reopenAll() {
        for (int s = 0; s < Stripes.COUNT; s++) {
            stripes.set(s, CREDIT, 0);
        }
    }

    /** The credit held now (closed stripes hold none); racy while charges run. */
    long held() {
        long held = 0;
        for (int s = 0; s < Stripes.COUNT; s++) {
            held += Math.max(0, stripes.get(s, CREDIT));
        }
        return held;
    }
}
