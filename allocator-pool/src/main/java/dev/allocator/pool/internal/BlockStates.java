package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the pool knows per block, in one long: allocated or free (for catching double frees and counting blocks in
 * use), how many times it was taken, and the layout its current holder asked for (bytes, and alignment when the
 * request had one). The counters live here, per block, because only the block's holder ever writes them: counting
 * costs the hot path no thread-local lookup. Any thread may call any method; the writing ones only as described.
 *
 * {@snippet :
 * BlockStates states = new BlockStates(1024);        // every block starts free
 * long word = BlockStates.allocated(64, 8);          // the state word of a block held for 64 bytes aligned 8
 * boolean was = states.take(5, word);                // right after the pool pops block 5: true, it was free
 * boolean freed = states.tryGive(5, word);           // true: the free may proceed
 * boolean again = states.tryGive(5, word);           // false: the block is free already (a double free)
 * long[] totals = states.sum();                      // {allocations, inUse, bytesInUse} = {1, 0, 0}
 * }
 */
public final class BlockStates {

    /*
     * Maintainers' notes.
     *
     * One long per block (8 bytes of heap a block, the pool's only per-block heap), the state word:
     *
     *   bit  63     62 ........ 48  47 ............ 8  7 ...... 1  0
     *      GIVING   take count mod   requested bytes     alignCode   ALLOCATED
     *               2^15 (COUNT)     (REQUESTED)
     *
     * The layout part (bits 0..47: requested << 8 | alignCode << 1 | 1, alignCode = log2(alignment) + 1, or 0 when
     * the take named no alignment: the index API, bulk takes; then any alignment matches on free) is what allocated()
     * returns and what a give names. A free block's layout part is 0 (FREE); the count field is kept across takes
     * and gives. So the state and the holder's layout are one store, and a free is one read and one CAS of the word
     * read to its count alone: the CAS fails when the word changed since the read (another give won, or the block went
     * round), which decides a double free and a wrong layout at once. The count field doubles as a version: a stale
     * read cannot free a block taken again since.
     *
     * A block goes FREE -> ALLOCATED only in the thread that has just popped it (it owns the block): take() is a plain
     * read (whose layout part must be 0: anything else means the block reached the taker through a corrupt
     * free-list) and a plain store of count + 1 and the layout. ALLOCATED -> FREE goes through a CAS (tryGive,
     * tryBeginGive) before the block is pushed, on every path: of two racing gives of one block exactly one CAS
     * succeeds; that CAS is the linearization point of the give, and the loser reports a double free without
     * touching any list or cache. Since the state is FREE before the push, and the push happens-before the next pop,
     * the next owner's store cannot be lost. giveUnchecked and giveIfHeldAs (plain read and store) serve double-free
     * checking off and the thread-confined LocalCache only.
     *
     * Take counts are written only by the block's holder. When a block's count field wraps (every 2^15 takes), the
     * holder adds 2^15 to `wraps` (a LongAdder: rare, and striped). allocations = wraps + the sum of the count
     * fields; readers (sum) use opaque reads: each figure is a value some holder wrote, and exact once the threads
     * are quiet. in use = number of ALLOCATED words; deallocations = allocations - in use.
     *
     * What the state cannot see: a stale handle freed after its block went round the list and was handed out again
     * with the same layout (the state is ALLOCATED again, for the new owner), and a give racing with the pop that
     * hands the same block out (the state is still FREE for an instant after the pop). Neither can happen in a
     * correct program.
     *
     * Spread: blocks are taken in groups of 64 x rows (rows = capacity / 64 rounded up to a power of 2, at most 64,
     * so a group is at most 4096 blocks, 32 KiB of words); within its group block i's word sits at
     * (i % 64) * rows + (i / 64) % rows, not at i, so that neighbouring blocks (which caches hand to one thread in
     * runs) are `rows` words apart, on different cache lines once the pool has a few hundred blocks: with dense
     * arrays two threads working on neighbouring blocks take turns owning one line on every take and free. Groups
     * keep a burst over many consecutive blocks within 32 KiB at a time (each line is used 8 times while it is
     * still in L1), where one spread over the whole array would touch a new line, far from the last, on every take.

     * Head and tail: the used words start PAD longs into the array and end PAD before its end. Every access reads the
     * array's length (the bounds check) from the header's cache line; with block 0's word in that line, two threads,
     * one working on block 0 and one on any other block, would take turns owning it. The tail keeps the next
     * object's header off the last used line in the same way.
     */

    private static final int SPREAD = 64;
    /** Unused longs before and after the used words: 128 bytes, see the maintainers' notes. */
    private static final int PAD = 16;
    /** log2 of the most rows a group has: groups of at most 64 x 64 blocks (see the maintainers' notes). */
    private static final int MAX_ROW_SHIFT = 6;
    /** The layout part of a free block's word. */
    public static final long FREE = 0;
    /** Set on an allocated word while a bulk free is checking its whole batch ({@link #tryBeginGive}). */
    public static final long GIVING = Long.MIN_VALUE;
    /** The largest request a state word records: 2^40 - 1 bytes. */
    public static final long MAX_REQUESTED = (1L << 40) - 1;
    private static final int REQUESTED_SHIFT = 8;
    private static final long ALIGN_MASK = 0xFE;
    private static final int COUNT_SHIFT = 48;
    private static final long COUNT_ONE = 1L << COUNT_SHIFT;
    /** The take-count field: bits 48 to 62. */
    private static final long COUNT_MASK = ~GIVING & -COUNT_ONE;
    /** The layout part: bits 0 to 47. */
    private static final long LAYOUT_MASK = COUNT_ONE - 1;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final int rowShift;
    /** Takes not in the count fields: 2^15 for every wrap of one. */
    private final LongAdder wraps = new LongAdder();

    /**
     * Creates states for {@code capacity} blocks, all free, never taken.
     *
     * @param capacity the number of blocks
     */
    public BlockStates(int capacity) {
        this.rowShift = rowShift(capacity);
        this.words = new long[length(capacity, rowShift)];
    }

    private static int rowShift(int capacity) {
        final int rows = (int) ((capacity + (long) SPREAD - 1) / SPREAD);
        return rows <= 1 ? 0 : Math.min(MAX_ROW_SHIFT, 32 - Integer.numberOfLeadingZeros(rows - 1));
    }

    private static int length(int capacity, int rowShift) {
        final long group = (long) SPREAD << rowShift;
        return Math.toIntExact((capacity + group - 1) / group * group + 2 * PAD);
    }

    /**
     * The Java heap the states of {@code capacity} blocks take, array header included, without allocating them.
     *
     * @param capacity the number of blocks
     * @return bytes
     */
    public static long heapBytes(int capacity) {
        return 16L + Long.BYTES * (long) length(capacity, rowShift(capacity));
    }

    /**
     * The layout part of the state word of a block held for a request of {@code requested} bytes aligned to
     * {@code alignment}: what a take stores and what a give names.
     *
     * @param requested the bytes asked for, 0 to {@link #MAX_REQUESTED}
     * @param alignment a power of two, or 0 when the request named none (any alignment then matches on free)
     * @return the word
     */
    public static long allocated(long requested, long alignment) {
        final long code = alignment == 0 ? 0 : Long.numberOfTrailingZeros(alignment) + 1;
        return requested << REQUESTED_SHIFT | code << 1 | 1;
    }

    /**
     * Whether a state word is that of an allocated block.
     *
     * @param word a state word
     * @return {@code true} when allocated
     */
    public static boolean isAllocatedWord(long word) {
        return (word & 1) != 0;
    }

    /**
     * Whether a state word is that of a free block (its layout part is {@link #FREE}).
     *
     * @param word a state word
     * @return {@code true} when free and not being given
     */
    public static boolean isFreeWord(long word) {
        return (word & ~COUNT_MASK) == FREE;
    }

    /**
     * The bytes the holder asked for, from an allocated block's state word.
     *
     * @param word an allocated state word
     * @return the requested bytes
     */
    public static long requested(long word) {
        return (word & LAYOUT_MASK) >>> REQUESTED_SHIFT;
    }

    /**
     * The alignment the holder asked for, from an allocated block's state word.
     *
     * @param word an allocated state word
     * @return the alignment, or 0 when the take named none
     */
    public static long alignment(long word) {
        final long code = (word & ALIGN_MASK) >>> 1;
        return code == 0 ? 0 : 1L << (code - 1);
    }

    /**
     * Whether a free naming {@code requested} bytes aligned to {@code alignment} matches the allocated word
     * {@code word}: the same bytes, and the same alignment unless the take named none.
     *
     * @param word      an allocated state word
     * @param requested the bytes the free names
     * @param alignment the alignment the free names
     * @return {@code true} when it matches
     */
    public static boolean matches(long word, long requested, long alignment) {
        return (word & GIVING) == 0 && requested(word) == requested
                && ((word & ALIGN_MASK) == 0 || alignment(word) == alignment);
    }

    /**
     * Records that the calling thread has just popped block {@code index} and now holds it with layout {@code word}
     * ({@link #allocated}), unless the block was not free: then nothing changes.
     *
     * @param index the block
     * @param word  the allocated layout word
     * @return {@code true} when the block was free (as every block popped from an intact free-list is); {@code false}
     *         when it was allocated, which means the free-list is corrupt
     */
    public boolean take(int index, long word) {
        final long[] words = this.words;
        final int at = at(index);
        final long old = words[at];
        if ((old & ~COUNT_MASK) != FREE) {
            return false;
        }
        final long count = (old + COUNT_ONE) & COUNT_MASK;
        words[at] = count | word;
        if (count == 0) {
            wraps.add(COUNT_MASK / COUNT_ONE + 1);
        }
        return true;
    }

    /**
     * Marks block {@code index} free if it is held with layout {@code expected} (the layout part of its word),
     * atomically: of two racing calls for one block at most one returns {@code true}.
     *
     * @param index    the block
     * @param expected the allocated layout word the free expects ({@link #allocated}; a count part is ignored)
     * @return {@code true} when the block was held with {@code expected} and is now free; {@code false} when its
     *         state was anything else, or changed meanwhile, in which case nothing changed (read it with
     *         {@link #stateVolatile})
     */
    public boolean tryGive(int index, long expected) {
        final int at = at(index);
        final long word = (long) WORD.getOpaque(words, at);
        return (word & ~COUNT_MASK) == (expected & ~COUNT_MASK)
                && WORD.compareAndSet(words, at, word, word & COUNT_MASK);
    }

    /**
     * Marks block {@code index} free without an atomic instruction: for double-free checking off, or a thread that
     * owns the block's word (it has just read it plainly as held).
     *
     * @param index the block
     */
    public void giveUnchecked(int index) {
        final int at = at(index);
        words[at] &= COUNT_MASK;
    }

    /**
     * Marks block {@code index} free if it is held with layout {@code expected}, with a plain read and store (one
     * look-up, no atomic instruction): for a thread that owns the block's word (a thread-confined cache giving back a
     * block it handed out), or double-free checking off.
     *
     * @param index    the block
     * @param expected an allocated layout word ({@link #allocated}; a count part is ignored)
     * @return {@code true} when its layout part was that of {@code expected} and the block is now free; {@code false}
     *         when it was anything else, and nothing changed
     */
    public boolean giveIfHeldAs(int index, long expected) {
        final long[] words = this.words;
        final int at = at(index);
        final long word = words[at];
        if (((word ^ expected) & ~COUNT_MASK) != 0) {
            return false;
        }
        words[at] = word & COUNT_MASK;
        return true;
    }

    /**
     * First step of a bulk free: marks block {@code index}, held with state {@code word}, as being freed, atomically
     * (a racing free of it then fails); then {@link #endGive} or {@link #undoGive}.
     *
     * @param index the block
     * @param word  the state word read from it
     * @return {@code true} when the state was still {@code word}
     */
    public boolean tryBeginGive(int index, long word) {
        return WORD.compareAndSet(words, at(index), word, word | GIVING);
    }

    /**
     * Completes a bulk free begun with {@link #tryBeginGive}: the block is free.
     *
     * @param index the block
     */
    public void endGive(int index) {
        final int at = at(index);
        WORD.setRelease(words, at, words[at] & COUNT_MASK);
    }

    /**
     * Puts back the state a bulk free replaced, when that free is rolled back.
     *
     * @param index the block
     * @param word  the state word it had
     */
    public void undoGive(int index, long word) {
        WORD.setRelease(words, at(index), word);
    }

    /**
     * Block {@code index}'s state word (a volatile read).
     *
     * @param index the block
     * @return the word: free ({@link #isFreeWord}) or allocated ({@link #isAllocatedWord})
     */
    public long stateVolatile(int index) {
        return (long) WORD.getVolatile(words, at(index));
    }

    /**
     * Block {@code index}'s state word, read plain: for the thread that holds the block, or a hint.
     *
     * @param index the block
     * @return the word
     */
    public long statePlain(int index) {
        return words[at(index)];
    }

    /** Where block {@code index}'s state word is: see the maintainers' notes. */
    private int at(int index) {
        final int shift = rowShift;
        final int group = index & (-1 << (shift + 6));
        return PAD + group + ((index & (SPREAD - 1)) << shift) + ((index >>> 6) & ((1 << shift) - 1));
    }

    /**
     * Adds up the counters: {@code {allocations, blocks in use, bytes in use}}. O(capacity); a consistent total
     * only while no thread takes or frees.
     *
     * @return the three sums
     */
    public long[] sum() {
        long allocations = wraps.sum();
        long inUse = 0;
        long inUseBytes = 0;
        final long[] words = this.words;
        for (int i = PAD; i < words.length - PAD; i++) {
            final long word = (long) WORD.getOpaque(words, i);
            allocations += (word & COUNT_MASK) >>> COUNT_SHIFT;
            if (isAllocatedWord(word)) {
                inUse++;
                inUseBytes += requested(word);
            }
        }
        return new long[]{allocations, inUse, inUseBytes};
    }
}
