package dev.allocator.jcstress;

import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.TaggedFreeList;
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
 * Two threads free the same block at once, as the pool does it (state CAS, then push): exactly one may succeed,
 * and the list must hold the block once.
 */
@JCStressTest
@Description("Racing double free: one free wins, the other is reported, the block is in the list once.")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Thread 1 freed the block; thread 2's double free was caught.")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Thread 2 freed the block; thread 1's double free was caught.")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "Both frees went through: the block is in the list twice.")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Both were reported as double frees: the block is lost.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class DoubleFreeRaceTest {

    private static final long HELD = BlockStates.allocated(8, 8);

    private final TaggedFreeList list = FreeLists.allHeld(1);
    private final BlockStates states = new BlockStates(1);

    public DoubleFreeRaceTest() {
        states.take(0, HELD); // block 0 held by the test
    }

    /** The pool's shared-list free (PoolGive.tryGive, then push): the state CAS, then the list. */
    private int free() {
        if (!states.tryGive(0, HELD)) {
            return 0;
        }
        list.push(0);
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
    public void inList(III_Result r) {
        r.r3 = list.snapshot().length;
    }
}
