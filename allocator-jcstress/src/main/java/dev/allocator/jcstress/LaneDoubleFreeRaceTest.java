package dev.allocator.jcstress;

import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.Lane;
import dev.allocator.pool.internal.TaggedFreeList;
import dev.allocator.pool.internal.ThreadLanes;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static dev.allocator.pool.internal.FreeListDescriptor.END;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two platform threads, each with a lane of its own, free the same held block at once as the pool's lane free does
 * it (the state word's CAS from the holder's word to FREE, then a push onto the caller's own lane), then each takes
 * one block as the pool's take does (its lane, then the list; a block whose state is not FREE is refused). Block 0
 * is held, block 1 is free in the list. r1, r2: what each take got (0, 1, or -1 for none); r3: how many frees
 * succeeded. Exactly one free may succeed, and the two takes may never get the same block. With the lane free's old
 * plain read and store of the state word (BlockStates' former tryMarkFreePlain) both frees succeed and both threads
 * are handed block 0: checked by hand by swapping the CAS for that plain form, which jcstress then reports as
 * "0, 0, 2".
 */
@JCStressTest
@Description("Racing double free into two lanes: one free wins, no block reaches two owners.")
@Outcome(id = {"0, 1, 1", "1, 0, 1"}, expect = ACCEPTABLE, desc = "One free won; one thread got the freed block "
        + "from its lane, the other the list's block.")
@Outcome(id = {"0, -1, 1", "-1, 0, 1", "1, -1, 1", "-1, 1, 1"}, expect = ACCEPTABLE,
        desc = "Impossible with two free blocks, but not a double hand-out.")
@Outcome(id = ".*, .*, 2", expect = FORBIDDEN, desc = "Both frees went through: the block sits in two lanes.")
@Outcome(id = {"0, 0, .*", "1, 1, .*"}, expect = FORBIDDEN, desc = "One block handed to two owners.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class LaneDoubleFreeRaceTest {

    private static final long HELD = BlockStates.allocated(8, 8);

    private final TaggedFreeList list = FreeLists.allHeld(2);
    private final ThreadLanes lanes = new ThreadLanes(list, 2, 8);
    private final BlockStates states = new BlockStates(2);

    public LaneDoubleFreeRaceTest() {
        states.take(0, HELD);   // block 0 held by the test
        list.push(1);           // block 1 free in the list
    }

    /** The pool's lane free: the state CAS, then the caller's own lane. */
    private int free() {
        if (!states.tryFree(0, HELD)) {
            return 0;
        }
        lanes.give(lanes.mine(), 0);
        return 1;
    }

    /** The pool's take: the caller's lane (refilled from the list), then the state check of the claim. */
    private int take() {
        Lane lane = lanes.mine();
        int block = lane != null ? lanes.take(lane) : list.pop();
        if (block == END) {
            return -1;
        }
        return states.take(block, HELD) ? block : -2; // -2: refused, the block was not free
    }

    @Actor
    public void thread1(III_Result r) {
        int freed = free();
        r.r1 = take();
        synchronized (this) {
            r.r3 += freed;
        }
    }

    @Actor
    public void thread2(III_Result r) {
        int freed = free();
        r.r2 = take();
        synchronized (this) {
            r.r3 += freed;
        }
    }
}
