package dev.allocator.io.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed array of 64-bit words, one per block, read with volatile semantics and changed only by compare-and-set.
 * The one place the packet and I/O buffer pools touch shared memory, so that the algorithms above it
 * ({@link RefCounts}, {@link BufferStates}) hold no atomics of their own.
 *
 * <p>Thread-safe. A successful {@link #compareAndSet} <i>happens-before</i> every {@link #get} that reads its value.
 *
 * <p>Not final for one reason: the concurrency tests subclass it with a compare-and-set that is not atomic (read,
 * compare, write) and show that their checkers reject the algorithms built over it.
 */
public class AtomicWords {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;

    /**
     * Creates {@code count} words, all zero.
     *
     * @param count how many
     */
    public AtomicWords(int count) {
        this.words = new long[count];
    }

    /**
     * Reads word {@code index} (volatile).
     *
     * @param index the word
     * @return its value
     */
    public final long get(int index) {
        return (long) WORDS.getVolatile(words, index);
    }

    /**
     * Sets word {@code index} to {@code update} if it is {@code expect}, atomically.
     *
     * @param index  the word
     * @param expect the value it must have
     * @param update the new value
     * @return whether the word was changed
     */
    public boolean compareAndSet(int index, long expect, long update) {
        return WORDS.compareAndSet(words, index, expect, update);
    }

    /**
     * Writes word {@code index} with release semantics: for a word no other thread may change at the time (a block
     * its caller alone holds); a racing compare-and-set sees either the old or the new value, never a torn one.
     *
     * @param index the word
     * @param value the new value
     */
    public final void setRelease(int index, long value) {
        WORDS.setRelease(words, index, value);
    }

    /**
     * Writes word {@code index} plainly: for subclasses in tests that need a non-atomic step.
     *
     * @param index the word
     * @param value the new value
     */
    protected final void setPlain(int index, long value) {
        words[index] = value;
    }

    /** @return the number of words */
    public final int size() {
        return words.length;
    }
}
