package dev.allocator.jcstress;

import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.TaggedFreeList;
import dev.allocator.pool.internal.LaneTier;
import dev.allocator.pool.internal.SlotTier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two platform threads, each with a lane of its own, free the same held block at once as the pool's lane free does
 * it: the block's state word goes from the holder's word to FREE by CAS, then the block is pushed onto the caller's
 * own lane. r1, r2: whether each free succeeded; r3: how many times the block sits in the lanes and the list. Exactly
 * one free may succeed and the block must sit in one place, else both threads' next takes would hand it out. With
 * the lane free's former plain read and store of the state word both frees succeed: checked by hand by replacing the
 * CAS with that plain form ({@code statePlain(0) == HELD}, then {@code giveUnchecked(0)}), which jcstress reports as the
 * forbidden "1, 1, 2" (16,393 of 355,789 trials, 4.6 %, in a 2 x 2 s run).
 */
@JCStressTest
@Description("Racing double free into two thread lanes: one free wins, the block is parked once.")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Thread 1 freed the block; thread 2's double free was caught.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Thread 2 freed the block; thread 1's double free was caught.")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "Both frees went through: the block sits in two lanes.")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Both were reported as double frees: the block is lost.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class LaneDoubleFreeRaceTest {

    private static final long HELD = BlockStates.allocated(8, 8);

    private final TaggedFreeList list = FreeLists.allHeld(1);
    private final LaneTier lanes = new LaneTier(list, new SlotTier(list, 2, 1), 2, 8);
    private final BlockStates states = new BlockStates(1);

    public LaneDoubleFreeRaceTest() {
        states.take(0, HELD); // block 0 held by the test
    }

    /** The pool's lane free (PoolGive.tryGive, then put): the state CAS, then the caller's own lane. */
    private int free() {
        if (!states.tryGive(0, HELD)) {
            return 0;
        }
        lanes.give(lanes.mine(), 0);
        return 1;
    }

    @Actor
    public void thread1(III_Result r) {
        r.r1 = free();
    }

    @Actor
    public void thread2(III_Result r) {
        r.r2 = free();
    }

    @Arbiter
    public void parked(III_Result r) {
        r.r3 = lanes.snapshot().length + list.snapshot().length;
    }
}
