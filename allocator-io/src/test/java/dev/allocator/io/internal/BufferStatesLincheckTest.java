package dev.allocator.io.internal;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The I/O buffer state machine of one buffer under racing transitions, model-checked by Lincheck against the same
 * class run sequentially: over {@link AtomicWords} linearizable, over {@link RacyWords} caught (two threads both mark
 * the buffer in flight, or one releases it while another marks it).
 */
class BufferStatesLincheckTest {

    /** The operations; subclasses choose the words. Each returns the state seen on refusal, or 9 on success. */
    public abstract static class States {
        private final BufferStates states;

        States(AtomicWords words) {
            states = new BufferStates(words);
            states.move(0, BufferStates.FREE, BufferStates.ACQUIRED);
        }

        private static int result(int seen, int from) {
            return seen == from ? 9 : seen;
        }

        @Operation
        public int acquire() {
            return result(states.move(0, BufferStates.FREE, BufferStates.ACQUIRED), BufferStates.FREE);
        }

        @Operation
        public int markInFlight() {
            return result(states.move(0, BufferStates.ACQUIRED, BufferStates.IN_FLIGHT), BufferStates.ACQUIRED);
        }

        @Operation
        public int completeInFlight() {
            return result(states.move(0, BufferStates.IN_FLIGHT, BufferStates.ACQUIRED), BufferStates.IN_FLIGHT);
        }

        @Operation
        public int release() {
            return result(states.move(0, BufferStates.ACQUIRED, BufferStates.FREE), BufferStates.ACQUIRED);
        }
    }

    /** The real words. */
    public static class Atomic extends States {
        public Atomic() {
            super(new AtomicWords(1));
        }
    }

    /** The broken words. */
    public static class Racy extends States {
        public Racy() {
            super(new RacyWords(1));
        }
    }

    @Test
    void shouldMoveBufferStatesLinearizablyUnderRacingTransitions() {
        RefCountsLincheckTest.options().check(Atomic.class);
    }

    @Test
    void shouldCatchTheRacyCompareAndSetVariant() {
        LincheckAssertionError failure = assertThrows(LincheckAssertionError.class,
                () -> RefCountsLincheckTest.options().check(Racy.class));
        System.out.println("broken variant caught: "
                + failure.getMessage().lines().filter(l -> !l.isBlank()).limit(12).toList());
    }
}
