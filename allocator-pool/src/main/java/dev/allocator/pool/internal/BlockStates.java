package dev.allocator.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One state per block, allocated or free, for catching double frees. Any thread may call any method.
 *
 * {@snippet :
 * BlockStates states = new BlockStates(1024);     // every block starts free
 * states.markAllocated(5);                        // after the pool pops block 5
 * boolean first = states.tryMarkFree(5);          // true: the free may proceed
 * boolean again = states.tryMarkFree(5);          // false: a double free
 * }
 */
public final class BlockStates {

    /*
     * Maintainers' notes.
     *
     * A block goes FREE -> ALLOCATED only in the thread that has just popped it from the free-list (it owns the block,
     * so a release store suffices), and ALLOCATED -> FREE only through tryMarkFree's CAS, before the block is pushed.
     * Of two racing frees of one block exactly one CAS succeeds: that CAS is the linearization point of a free, and the
     * loser reports a double free without having touched the free-list. Because the state is FREE before the push, and
     * the push happens-before the next pop, the next owner's markAllocated cannot be lost to the CAS.
     *
     * What it cannot see: a stale handle freed after its block went round the list and was handed out again (the
     * state is ALLOCATED again, for the new owner). Every state-based check shares this limit.
     */

    private static final byte FREE = 0;
    private static final byte ALLOCATED = 1;
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);

    private final byte[] states;

    /**
     * Creates states for {@code capacity} blocks, all free.
     *
     * @param capacity the number of blocks
     */
    public BlockStates(int capacity) {
        this.states = new byte[capacity];
    }

    /**
     * Records that the calling thread has taken block {@code index} from the free-list.
     *
     * @param index the block
     */
    public void markAllocated(int index) {
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
     * Whether block {@code index} is allocated right now.
     *
     * @param index the block
     * @return {@code true} when allocated
     */
    public boolean isAllocated(int index) {
        return (byte) STATE.getVolatile(states, index) == ALLOCATED;
    }
}
