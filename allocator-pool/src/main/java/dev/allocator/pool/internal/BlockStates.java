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
     * The arrays are dense, so neighbouring blocks' entries share cache lines: threads working on neighbouring blocks
     * at the same time pay some false sharing. Padding each entry to 128 bytes would cost that much heap per block.
     */

    private static final byte FREE = 0;
    private static final byte ALLOCATED = 1;
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    private final byte[] states;
    private final long[] takes;
    private final long[] bytes;

    /**
     * Creates states for {@code capacity} blocks, all free, never taken.
     *
     * @param capacity the number of blocks
     */
    public BlockStates(int capacity) {
        this.states = new byte[capacity];
        this.takes = new long[capacity];
        this.bytes = new long[capacity];
    }

    /**
     * Records that the calling thread has just taken block {@code index} from the free-list for a request of
     * {@code requested} bytes.
     *
     * @param index     the block
     * @param requested the bytes asked for
     */
    public void taken(int index, long requested) {
        COUNT.setOpaque(takes, index, (long) COUNT.getOpaque(takes, index) + 1);
        COUNT.setOpaque(bytes, index, requested);
        STATE.setRelease(states, index, ALLOCATED);
    }

    /**
     * Records that block {@code index} is being freed, unless it is free already.
     *
     * @param index the block
     * @return {@code true} when the block was allocated and is now free; {@code false} when it was free (a double
     *         free), in which case nothing changed
     */
    public boolean tryMarkFree(int index) {
        return STATE.compareAndSet(states, index, ALLOCATED, FREE);
    }

    /**
     * Records that block {@code index} is being freed, without checking (double-free checking off).
     *
     * @param index the block
     */
    public void markFree(int index) {
        STATE.setRelease(states, index, FREE);
    }

    /**
     * Undoes a {@link #tryMarkFree} that succeeded, when a bulk free gives up: the block is allocated again.
     *
     * @param index the block
     */
    public void undoFree(int index) {
        STATE.setRelease(states, index, ALLOCATED);
    }

    /**
     * Whether block {@code index} is allocated right now.
     *
     * @param index the block
     * @return {@code true} when allocated
     */
    public boolean isAllocated(int index) {
        return (byte) STATE.getVolatile(states, index) == ALLOCATED;
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
