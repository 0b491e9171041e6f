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
     * A block goes FREE -> ALLOCATED only in the thread that has just popped it (it owns the block: release stores
     * suffice), and ALLOCATED -> FREE through tryMarkFree's CAS (or markFree's store when double-free checking is
     * off), before the block is pushed. Of two racing frees of one block exactly one CAS succeeds: that CAS is the
     * linearization point of the free, and the loser reports a double free without touching the free-list. Since the
     * state is FREE before the push, and the push happens-before the next pop, the next owner's store cannot be lost.
     *
     * takes[i] and bytes[i] are written only by the holder of block i, right after it popped the block; the free-list
     * CAS orders successive holders. Readers (sum) use opaque reads: each figure is a value some holder wrote, and
     * exact once the threads are quiet. allocations = sum of takes; in use = number of ALLOCATED states;
     * deallocations = allocations - in use.
     *
     * What the state cannot see: a stale handle freed after its block went round the list and was handed out again
     * (the state is ALLOCATED again, for the new owner), and a free racing with the pop that hands the same block out
     * (the state is still FREE for an instant after the pop). Neither can happen in a correct program.
     *
     * Spread: block i's entries sit at position (i % 64) * rows + i / 64 (rows = ceil(capacity / 64)), not at i,
     * so that neighbouring blocks (which thread caches hand to one thread in runs) have entries `rows` positions
     * apart, on different cache lines once the pool has a few thousand blocks; with dense arrays two threads working
     * on blocks 15 and 16 took turns owning one line of state bytes on every take and free. The arrays have
     * 64 * rows entries (under 64 more than capacity); unused ones stay FREE and 0. Padding each entry instead
     * would cost 128 bytes of heap per block.
     */

    private static final int SPREAD = 64;
    private static final byte FREE = 0;
    private static final byte ALLOCATED = 1;
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    private final byte[] states;
    private final long[] takes;
    private final long[] bytes;
    private final int rows;

    /**
     * Creates states for {@code capacity} blocks, all free, never taken.
     *
     * @param capacity the number of blocks
     */
    public BlockStates(int capacity) {
        this.rows = (int) ((capacity + (long) SPREAD - 1) / SPREAD);
        final int length = rows * SPREAD;
        this.states = new byte[length];
        this.takes = new long[length];
        this.bytes = new long[length];
    }

    /**
     * Records that the calling thread has just taken block {@code index} from the free-list for a request of
     * {@code requested} bytes.
     *
     * @param index     the block
     * @param requested the bytes asked for
     */
    public void taken(int index, long requested) {
        final int at = at(index);
        takes[at]++;
        bytes[at] = requested;
        states[at] = ALLOCATED;
    }

    /**
     * Records that block {@code index} is being freed, unless it is free already.
     *
     * @param index the block
     * @return {@code true} when the block was allocated and is now free; {@code false} when it was free (a double
     *         free), in which case nothing changed
     */
    public boolean tryMarkFree(int index) {
        return STATE.compareAndSet(states, at(index), ALLOCATED, FREE);
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
        final byte[] states = this.states;
        final int at = at(index);
        if (states[at] != ALLOCATED) {
            return false;
        }
        states[at] = FREE;
        return true;
    }

    /**
     * Records that block {@code index} is being freed, without checking (double-free checking off).
     *
     * @param index the block
     */
    public void markFree(int index) {
        states[at(index)] = FREE;
    }

    /**
     * Undoes a {@link #tryMarkFree} that succeeded, when a bulk free gives up: the block is allocated again.
     *
     * @param index the block
     */
    public void undoFree(int index) {
        STATE.setRelease(states, at(index), ALLOCATED);
    }

    /**
     * Whether block {@code index} is allocated right now.
     *
     * @param index the block
     * @return {@code true} when allocated
     */
    public boolean isAllocated(int index) {
        return (byte) STATE.getVolatile(states, at(index)) == ALLOCATED;
    }

    /** Where block {@code index}'s entries are: see the maintainers' notes. */
    private int at(int index) {
        return (index & (SPREAD - 1)) * rows + (index >>> 6);
    }

    /**
     * The totals over all blocks; O(capacity), for monitoring.
     *
     * @return {@code {allocations, inUse, bytesInUse}}
     */
    public long[] sum() {
        long allocations = 0;
        long inUse = 0;
        long inUseBytes = 0;
        for (int i = 0; i < states.length; i++) {
            allocations += (long) COUNT.getOpaque(takes, i);
            if ((byte) STATE.getOpaque(states, i) == ALLOCATED) {
                inUse++;
                inUseBytes += (long) COUNT.getOpaque(bytes, i);
            }
        }
        return new long[]{allocations, inUse, inUseBytes};
    }
}
