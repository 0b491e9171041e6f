package dev.allocator.jcstress;

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
 * Two threads take from a list of three free blocks at once; afterwards the list must hold exactly the third.
 */
@JCStressTest
@Description("Two concurrent takes from [0, 1, 2]: different blocks, and the one left is block 2.")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "Thread 1's CAS won first.")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "Thread 2's CAS won first.")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Block 0 handed out twice: the stale head's CAS succeeded.")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "Block 1 handed out twice.")
@Outcome(expect = FORBIDDEN, desc = "Anything else: a block lost from the list, or taken out of order.")
@State
public class HeadCasTakeTakeTest {

    private final TaggedFreeList list = FreeLists.allFree(3);

    @Actor
    public void thread1(III_Result r) {
        r.r1 = list.pop();
    }

    @Actor
    public void thread2(III_Result r) {
        r.r2 = list.pop();
    }

    @Arbiter
    public void remaining(III_Result r) {
        int[] left = list.snapshot();
        r.r3 = left.length == 1 ? left[0] : -10 - left.length;
    }
}
