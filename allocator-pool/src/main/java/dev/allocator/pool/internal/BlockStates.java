package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the pool knows per block: allocated or free (for catching double frees and counting blocks in use), how many
 * times it was taken, and the layout its current holder asked for (bytes, and alignment when the request had one).
 * The counters live here, per block, because only the block's holder ever writes them: counting costs the hot path no
 * thread-local lookup. Any thread may call any method; the writing ones only as described.
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
     * One long[] holds two words per block, side by side on one cache line: the state word and the take count.
     * State word: FREE = 0; ALLOCATED = requested << 8 | alignCode << 1 | 1, where alignCode is log2(alignment) + 1,
     * or 0 when the take named no alignment (the index API, bulk takes): then any alignment matches on free. So the
     * state and the holder's layout are one store, and a free that names the holder's exact layout is one CAS of the
     * exact expected word to FREE (tryFree). Keeping state and count together costs the hot path one array, one
     * bounds check and one cache line per block.
     *
     * A block goes FREE -> ALLOCATED only in the thread that has just popped it (it owns the block): take() is a plain
     * read (which must see FREE: anything else means the block reached the taker through a corrupt free-list) and a
     * plain store. ALLOCATED -> FREE goes through a CAS (tryFree, tryGive) before the block is pushed, on every
     * path: of two racing frees of one block exactly one CAS succeeds; that CAS is the linearization point of the
     * free, and the loser reports a double free without touching any list or cache. Since the state is FREE before
     * the push, and the push happens-before the next pop, the next owner's store cannot be lost. markFree (a plain
     * store) serves double-free checking off only.
     *
     * Take counts are written only by the block's holder, right after it popped the block; the free-list CAS (or the
     * lane's single owner) orders successive holders. Readers (sum) use opaque reads: each figure is a value some
     * holder wrote, and exact once the threads are quiet. allocations = sum of takes; in use = number of ALLOCATED
     * words; deallocations = allocations - in use.
     *
     * What the state cannot see: a stale handle freed after its block went round the list and was handed out again
     * (the state is ALLOCATED again, for the new owner), and a free racing with the pop that hands the same block out
     * (the state is still FREE for an instant after the pop). Neither can happen in a correct program.
     *
     * Spread: block i's pair sits at pair position (i % 64) * rows + i / 64 (rows = capacity / 64 rounded up to a
     * power of 2, so the product is a shift), not at i, so that neighbouring blocks (which caches hand to one thread
     * in runs) are `rows` pairs apart, on different cache lines once the pool has a few hundred blocks; with dense
     * arrays two threads working on blocks 15 and 16 took turns owning one line on every take and free. Padding each
     * pair to a line instead would cost 128 bytes of heap per block.
     *
     * Head and tail: the used pairs start PAD longs into the array and end PAD before its end. Every access reads the
     * array's length (the bounds check) from the header's cache line; with block 0's pair in that line, two threads,
     * one working on block 0 and one on any other block, took turns owning it (measured with JMH, 2 threads: 3.5 ns
     * per take+free with a BlockStates per thread, 30-47 ns with one shared and no head pad). The tail keeps the next
     * object's header off the last used line in the same way.
     */

    private static final int SPREAD = 64;
    /** Unused longs before and after the used pairs: 128 bytes, see the maintainers' notes. */
    private static final int PAD = 16;
    /** The state word of a free block. */
    public static final long FREE = 0;
    /** Set on an allocated word while a bulk free is checking its whole batch ({@link #tryBeginGive}). */
    public static final long GIVING = Long.MIN_VALUE;
    private static final int REQUESTED_SHIFT = 8;
    private static final long ALIGN_MASK = 0xFE;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final int rowShift;

    /**
     * Creates states for {@code capacity} blocks, all free, never taken.
     *
     * @param capacity the number of blocks
     */
    public BlockStates(int capacity) {
        this.rowShift = rowShift(capacity);
        this.words = new long[length(rowShift)];
    }

    private static int rowShift(int capacity) {
        final int rows = (int) ((capacity + (long) SPREAD - 1) / SPREAD);
        return rows <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(rows - 1);
    }

    private static int length(int rowShift) {
        return 2 * (SPREAD << rowShift) + 2 * PAD;
    }

    /**
     * The Java heap the states of {@code capacity} blocks take, array header included, without allocating them.
     *
     * @param capacity the number of blocks
     * @return bytes
     */
    public static long heapBytes(int capacity) {
        return 16L + Long.BYTES * (long) length(rowShift(capacity));
    }

    /**
     * The state word of a block held for a request of {@code requested} bytes aligned to {@code alignment}.
     *
     * @param requested the bytes asked for, {@code >= 0} and below 2^55
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
     * The bytes the holder asked for, from an allocated block's state word.
     *
     * @param word an allocated state word
     * @return the requested bytes
     */
    public static long requested(long word) {
        return (word & ~GIVING) >>> REQUESTED_SHIFT;
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
     * Records that the calling thread has just popped block {@code index} and now holds it with state {@code word}
     * ({@link #allocated}), unless the block was not free: then nothing changes.
     *
     * @param index the block
     * @param word  the allocated state word
     * @return {@code true} when the block was free (as every block popped from an intact free-list is); {@code false}
     *         when it was allocated, which means the free-list is corrupt
     */
    public boolean take(int index, long word) {
        final long[] words = this.words;
        final int at = at(index);
        if (words[at] != FREE) {
            return false;
        }
        words[at] = word;
        words[at + 1]++;
        return true;
    }

    /**
     * Marks block {@code index} free if its state is exactly {@code expected}, atomically: of two racing calls for
     * one block at most one returns {@code true}.
     *
     * @param index    the block
     * @param expected the allocated state word the free expects
     * @return {@code true} when the block was held with {@code expected} and is now free; {@code false} when its
     *         state was anything else, in which case nothing changed (read it with {@link #stateVolatile})
     */
    public boolean tryGive(int index, long expected) {
        return WORD.compareAndSet(words, at(index), expected, FREE);
    }

    /**
     * Records that block {@code index} is being freed, without checking (double-free checking off).
     *
     * @param index the block
     */
    public void giveUnchecked(int index) {
        words[at(index)] = FREE;
    }

    /**
     * First step of a bulk free: marks block {@code index}, held with state {@code word}, as being freed, atomically
     * (a racing free of it then fails); then {@link #endFree} or {@link #undoFree}.
     *
     * @param index the block
     * @param word  the allocated state word read from it
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
        WORD.setRelease(words, at(index), FREE);
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
     * @return the word: {@link #FREE} or an allocated word
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

    /** Where block {@code index}'s state word is (its take count is the next long): see the maintainers' notes. */
    private int at(int index) {
        return PAD + 2 * (((index & (SPREAD - 1)) << rowShift) + (index >>> 6));
    }

    /**
     * Adds up the counters: {@code {allocations, blocks in use, bytes in use}}. O(capacity); a consistent total
     * only while no thread takes or frees.
     *
     * @return the three sums
     */
    public long[] sum() {
        long allocations = 0;
        long inUse = 0;
        long inUseBytes = 0;
        final long[] words = this.words;
        for (int i = PAD; i < words.length - PAD; i += 2) {
            final long word = (long) WORD.getOpaque(words, i);
            allocations += (long) WORD.getOpaque(words, i + 1);
            if (isAllocatedWord(word)) {
                inUse++;
                inUseBytes += requested(word);
            }
        }
        return new long[]{allocations, inUse, inUseBytes};
    }
}
