package dev.allocator.io.internal;

/**
 * The reference counts of a packet pool's blocks, with a generation per block so that a lease that outlived its
 * block is refused rather than counted against the block's next owner.
 *
 * <pre>
 *  word of block i (64 bits):
 *  +--------------------------------+--------------------------------+
 *  | generation (high 32, unsigned) | count (low 32, 0 = free)       |
 *  +--------------------------------+--------------------------------+
 *  take:     (g, 0)   -&gt; (g, 1)      by the thread the pool handed the block to
 *  retain:   (g, c)   -&gt; (g, c + 1)  c &gt;= 1, c &lt; MAX
 *  release:  (g, c)   -&gt; (g, c - 1)  c &gt;= 2
 *            (g, 1)   -&gt; (g + 1, 0)  the last reference: the caller gives the block back to the pool
 * </pre>
 *
 * <p>Thread-safe and lock-free: every transition is one compare-and-set of the block's word, retried while other
 * threads change it. A refused transition (count 0, or a generation other than the caller's) changes nothing.
 */
public final class RefCounts {

    /*
     * Maintainers' notes.
     * Invariants: count > 0 exactly while the block is out of the pool as a packet (taken, not yet given back);
     * the generation changes only on the last release, so a handle stamped with generation g is valid exactly while
     * the word reads (g, c >= 1). Generations wrap after 2^32 lives of one block; a handle that outlives that many
     * lives of its block is not caught (documented on Packet).
     * Linearization points: the successful compare-and-set of each transition; a refusal linearizes at the read that
     * saw count 0 or another generation. take() is a release store, not a compare-and-set: only the taker holds the
     * block, and every other writer is a stale handle or a release by index, which must see count >= 1 to write and
     * so is refused whether it reads the old word (count 0) or the new one (another generation for a handle; for a
     * release by index of a block just taken, the misuse is indistinguishable from a legal hand-off).
     * The happens-before from the last release to the next take comes from the pool beneath (its free and take).
     */

    /** Any generation: for releases by index, which carry none. */
    public static final long ANY = -1L;
    /** A refused transition: the block is free or another generation. */
    public static final long REFUSED = Long.MIN_VALUE;
    /** The largest count. */
    public static final int MAX = Integer.MAX_VALUE;

    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final AtomicWords words;

    /**
     * Creates the counts of {@code words.size()} blocks, all free.
     *
     * @param words the words, all zero
     */
    public RefCounts(AtomicWords words) {
        this.words = words;
    }

    /** @return the count part of a word */
    public static int count(long word) {
        return (int) (word & COUNT_MASK);
    }

    /** @return the generation part of a word, 0 to 2^32 - 1 */
    public static long generation(long word) {
        return word >>> 32;
    }

    /**
     * Marks a block just taken from the pool as held once.
     *
     * @param index the block
     * @return its generation
     * @throws IllegalStateException when the block's count is not 0 (the pool handed out a held block)
     */
    public long take(int index) {
        final long word = words.get(index);
        if (count(word) != 0) {
            throw new IllegalStateException("a block handed out by the pool must be free: block=" + index
                    + ", refCount=" + count(word));
        }
        words.setRelease(index, word + 1);
        return generation(word);
    }

    /**
     * Adds a reference.
     *
     * @param index      the block
     * @param generation the generation of the caller's handle
     * @return the new count, or {@link #REFUSED} when the block is free or of another generation, or {@code 0} when
     *         the count is at {@link #MAX}; nothing changed then
     */
    public long retain(int index, long generation) {
        while (true) {
            final long word = words.get(index);
            if (!matches(word, generation)) {
                return REFUSED;
            }
            if (count(word) == MAX) {
                return 0;
            }
            if (words.compareAndSet(index, word, word + 1)) {
                return count(word) + 1;
            }
        }
    }

    /**
     * Drops a reference.
     *
     * @param index      the block
     * @param generation the generation of the caller's handle, or {@link #ANY}
     * @return the count left (0: this was the last reference, and the caller must give the block back), or
     *         {@link #REFUSED} when the block is free or of another generation; nothing changed then
     */
    public long release(int index, long generation) {
        while (true) {
            final long word = words.get(index);
            if (!matches(word, generation)) {
                return REFUSED;
            }
            final long next = count(word) == 1 ? (generation(word) + 1) << 32 : word - 1;
            if (words.compareAndSet(index, word, next)) {
                return count(word) - 1;
            }
        }
    }

    /**
     * The word of a block, for checks and messages.
     *
     * @param index the block
     * @return its word
     */
    public long word(int index) {
        return words.get(index);
    }

    /**
     * The count a handle of {@code generation} sees.
     *
     * @param index      the block
     * @param generation the handle's generation
     * @return the count, or 0 when the block is free or of another generation
     */
    public int count(int index, long generation) {
        final long word = words.get(index);
        return matches(word, generation) ? count(word) : 0;
    }

    private static boolean matches(long word, long generation) {
        return count(word) != 0 && (generation == ANY || generation(word) == generation);
    }
}
