package dev.allocator.io.internal;

/**
 * The states of an I/O buffer pool's buffers: free (in the pool), acquired (the caller's), in flight (the kernel's).
 *
 * <pre>
 *            take                 markInFlight
 *   FREE(0) ------&gt; ACQUIRED(1) ---------------&gt; IN_FLIGHT(2)
 *      ^               |    ^                        |
 *      +---------------+    +------------------------+
 *          release              completeInFlight
 * </pre>
 *
 * <p>Thread-safe and lock-free: each transition is one compare-and-set of the buffer's word from the state it must
 * leave; a buffer in any other state refuses the transition and nothing changes. Of two threads making the same
 * transition of one buffer at once, exactly one succeeds.
 */
public final class BufferStates {

    /*
     * Maintainers' notes.
     * Invariants: a buffer is FREE exactly while the pool beneath may hand it out (the state moves to FREE before the
     * pool's release, and from FREE right after the pool's take, both by the thread that holds the block); so no
     * buffer IN_FLIGHT or ACQUIRED is ever handed out. The word is the state alone (0, 1 or 2).
     * Linearization points: the successful compare-and-set; a refusal at the read of the word it reports.
     */

    /** In the pool. */
    public static final int FREE = 0;
    /** Held by a caller, not by the kernel. */
    public static final int ACQUIRED = 1;
    /** Held by the kernel: a read or write into it is under way. */
    public static final int IN_FLIGHT = 2;

    private final AtomicWords words;

    /**
     * Creates the states of {@code words.size()} buffers, all free.
     *
     * @param words the words, all zero
     */
    public BufferStates(AtomicWords words) {
        this.words = words;
    }

    /**
     * Moves a buffer from state {@code from} to {@code to}.
     *
     * @param index the buffer
     * @param from  the state it must be in
     * @param to    the state it goes to
     * @return {@code from} when it moved; otherwise the state it is in, unchanged
     */
    public int move(int index, int from, int to) {
        while (true) {
            final long word = words.get(index);
            if (word != from) {
                return (int) word;
            }
            if (words.compareAndSet(index, from, to)) {
                return from;
            }
        }
    }

    /**
     * The state of a buffer.
     *
     * @param index the buffer
     * @return {@link #FREE}, {@link #ACQUIRED} or {@link #IN_FLIGHT}
     */
    public int state(int index) {
        return (int) words.get(index);
    }

    /**
     * Counts the buffers in a state: O(buffers), each read on its own (not an atomic snapshot).
     *
     * @param state the state
     * @return how many buffers were in it when read
     */
    public int count(int state) {
        int n = 0;
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i) == state) {
                n++;
            }
        }
        return n;
    }
}
