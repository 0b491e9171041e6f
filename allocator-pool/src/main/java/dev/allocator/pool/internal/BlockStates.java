package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the pool knows per block: allocated or free (for catching double frees and counting blocks in use), how many
 * times it was taken, and how many bytes its current holder asked for. The counters live here, per block, because
 * only the block's holder ever writes them: counting costs the hot path no atomic instruction and no thread-local
 * lookup. Any thread may call any method; the writing ones only as described.
 *
 * {@snippet :
 * BlockStates states = new BlockStates(1024);     // every block starts free
 * states.taken(5, 64);                            // right after the pool pops block 5 for a 64-byte request
 * boolean first = states.tryMarkFree(5);          // true: the free may proceed
 * boolean again = states.tryMarkFree(5);          // false: a double free
 * long[] totals = states.sum();                   // {allocations, inUse, bytesInUse} = {1, 0, 0}
 * }
 */
public final class BlockStates {

    /*
     * Maintainers' notes.
     *
     * One long[] holds two words per block, side by side on one cache line: the state word (0 when FREE;
     * requested << 1 | 1 when ALLOCATED, so the state and the holder's requested bytes are one store) and the take
     * count. Keeping them together costs the hot path one array, one bounds check and one cache line per block.
     *
     * A block goes FREE -> ALLOCATED only in the thread that has just popped it (it owns the block), and
     * ALLOCATED -> FREE through tryMarkFree's CAS (or tryMarkFreePlain / markFree on the paths that need no CAS),
     * before the block is pushed. Of two racing tryMarkFree calls on one block exactly one CAS succeeds: that CAS is
     * the linearization point of the free, and the loser reports a double free without touching the free-list. Since
     * the state is FREE before the push, and the push happens-before the next pop, the next owner's store cannot be
     * lost. The plain forms serve a thread's own cache (ThreadLanes): they catch a double free whenever the two
     * frees are ordered by happens-before, not two frees racing on two threads (documented on PoolBuilder.cache).
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
    private static final long FREE = 0;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final int rowShift;

    /**
     * Creates states for {@code capacity} blocks, all free, never taken.
     *
     * @param capacity the number of blocks
     */
    public BlockStates(int capacity) {
        final int rows = (int) ((capacity + (long) SPREAD - 1) / SPREAD);
        this.rowShift = rows <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(rows - 1);
        this.words = new long[2 * (SPREAD << rowShift) + 2 * PAD];
    }

    /**
     * Records that the calling thread has just taken block {@code index} from the free-list for a request of
     * {@code requested} bytes.
     *
     * @param index     the block
     * @param requested the bytes asked for
     */
    public void taken(int index, long requested) {
        final long[] words = this.words;
        final int at = at(index);
        words[at] = requested << 1 | 1;
        words[at + 1]++;
    }

    /**
     * Marks block {@code index} free if it is allocated, atomically: of two racing calls for one block exactly one
     * returns {@code true}.
     *
     * @param index the block
     * @return {@code true} when the block was allocated and is now free; {@code false} when it was free (a double
     *         free), in which case nothing changed
     */
    public boolean tryMarkFree(int index) {
        final int at = at(index);
        final long word = (long) WORD.getVolatile(words, at);
        return (word & 1) != 0 && WORD.compareAndSet(words, at, word, FREE);
    }

    /**
     * Like {@link #tryMarkFree} but without an atomic read-modify-write, for a free from the thread-private fast path:
     * a plain read of the state, then a plain store. A double free is caught whenever the two frees are ordered
     * by happens-before (the usual bug: the same thread frees twice, or frees a block it handed to another thread that
     * freed it already); two frees of one block racing on two threads may both succeed.
     *
     * @param index the block
     * @return {@code true} when the block was allocated and is now free; {@code false} when it was free
     */
    public boolean tryMarkFreePlain(int index) {
        final long[] words = this.words;
        final int at = at(index);
        if ((words[at] & 1) == 0) {
            return false;
        }
        words[at] = FREE;
        return true;
    }

    /**
     * Records that block {@code index} is being freed, without checking (double-free checking off).
     *
     * @param index the block
     */
    public void markFree(int index) {
        words[at(index)] = FREE;
    }

    /**
     * Undoes a successful {@link #tryMarkFree} of a whole block whose holder asked for {@code requested} bytes, when
     * a bulk free is rolled back.
     *
     * @param index     the block
     * @param requested the bytes the holder had asked for
     */
    public void undoFree(int index, long requested) {
        WORD.setRelease(words, at(index), requested << 1 | 1);
    }

    /**
     * Whether block {@code index} is allocated (a volatile read).
     *
     * @param index the block
     * @return {@code true} when allocated
     */
    public boolean isAllocated(int index) {
        return ((long) WORD.getVolatile(words, at(index)) & 1) != 0;
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
            if ((word & 1) != 0) {
                inUse++;
                inUseBytes += word >>> 1;
            }
        }
        return new long[]{allocations, inUse, inUseBytes};
    }
}
