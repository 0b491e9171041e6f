package dev.allocator.io.internal;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Retains and releases of one block racing on three threads, model-checked by Lincheck against the same class run
 * sequentially: the real {@link RefCounts} over {@link AtomicWords} must be linearizable, and the same algorithm over
 * {@link RacyWords} (a compare-and-set that is not atomic) must be caught. The block starts with two references, so
 * that a release may free it while another thread retains, and a stale handle's release races with both.
 */
class RefCountsLincheckTest {

    static final int ITERATIONS = Integer.getInteger("io.lincheck.iterations", 30);
    static final int INVOCATIONS = Integer.getInteger("io.lincheck.invocations", 1000);

    /** The operations; subclasses choose the words. */
    public abstract static class Counts {
        private final RefCounts refs;
        private final long generation;

        Counts(AtomicWords words) {
            refs = new RefCounts(words);
            generation = refs.take(0);
            refs.retain(0, generation);
        }

        /** @return the new count, or -1 when refused */
        @Operation
        public long retain() {
            long count = refs.retain(0, generation);
            return count == RefCounts.REFUSED ? -1 : count;
        }

        /** @return the count left (0: freed), or -1 when refused */
        @Operation
        public long release() {
            long left = refs.release(0, generation);
            return left == RefCounts.REFUSED ? -1 : left;
        }

        /** A release by index, which carries no generation. */
        @Operation
        public long releaseByIndex() {
            long left = refs.release(0, RefCounts.ANY);
            return left == RefCounts.REFUSED ? -1 : left;
        }

        /** @return the count as the handle sees it */
        @Operation
        public int refCount() {
            return refs.count(0, generation);
        }
    }

    /** The real words. */
    public static class Atomic extends Counts {
        public Atomic() {
            super(new AtomicWords(1));
        }
    }

    /** The broken words. */
    public static class Racy extends Counts {
        public Racy() {
            super(new RacyWords(1));
        }
    }

    /** The options both Lincheck tests of this package use, sized by the io.lincheck.* properties. */
    static ModelCheckingOptions options() {
        return new ModelCheckingOptions().threads(3).actorsPerThread(2).actorsBefore(0).actorsAfter(1)
                .iterations(ITERATIONS).invocationsPerIteration(INVOCATIONS);
    }

    @Test
    void shouldCountReferencesLinearizablyUnderRacingRetainsAndReleases() {
        options().check(Atomic.class);
    }

    @Test
    void shouldCatchTheRacyCompareAndSetVariant() {
        LincheckAssertionError failure =
                assertThrows(LincheckAssertionError.class, () -> options().check(Racy.class));
        System.out.println("broken variant caught: "
                + failure.getMessage().lines().filter(l -> !l.isBlank()).limit(12).toList());
    }
}
