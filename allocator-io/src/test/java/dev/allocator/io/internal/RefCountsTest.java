package dev.allocator.io.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The word arithmetic at its edges: the count's maximum, the generation's wrap, a take of a held block. */
class RefCountsTest {

    /** Words a test can set directly. */
    static final class SettableWords extends AtomicWords {
        SettableWords(int count) {
            super(count);
        }

        void set(int index, long value) {
            setPlain(index, value);
        }
    }

    final SettableWords words = new SettableWords(1);
    final RefCounts refs = new RefCounts(words);

    @Test
    void shouldRefuseARetainAtTheMaximumCountAndChangeNothing() {
        words.set(0, (7L << 32) | RefCounts.MAX);
        assertEquals(0, refs.retain(0, 7));
        assertEquals(RefCounts.MAX, refs.count(0, 7));
        assertEquals(RefCounts.MAX - 1L, refs.release(0, 7));
    }

    @Test
    void shouldWrapTheGenerationAfterItsLastValue() {
        words.set(0, (0xFFFF_FFFFL << 32) | 1);
        assertEquals(0, refs.release(0, 0xFFFF_FFFFL));
        assertEquals(0, refs.word(0));
        assertEquals(0, refs.take(0));
    }

    @Test
    void shouldRefuseToTakeAHeldBlockAndChangeNothing() {
        long generation = refs.take(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> refs.take(0));
        assertEquals("a block handed out by the pool must be free: block=0, refCount=1", e.getMessage());
        assertEquals(1, refs.count(0, generation));
    }

    @Test
    void shouldRefuseEveryTransitionOfAnotherGeneration() {
        long generation = refs.take(0);
        assertEquals(RefCounts.REFUSED, refs.retain(0, generation + 1));
        assertEquals(RefCounts.REFUSED, refs.release(0, generation + 1));
        assertEquals(0, refs.count(0, generation + 1));
        assertEquals(1, refs.count(0, generation));
    }
}
