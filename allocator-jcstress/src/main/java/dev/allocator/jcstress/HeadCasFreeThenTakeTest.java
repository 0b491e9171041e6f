package dev.allocator.jcstress;

import dev.allocator.pool.internal.TaggedFreeList;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads race on the head CAS: each frees the block it holds, then takes a block. Both blocks start held, so
 * each take finds at least one free block, and no block may be taken twice.
 */
@JCStressTest
@Description("Each thread frees its block then takes one: the two takes must get different blocks, never nothing.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Each took a block back; or thread 2 took block 1 before or "
        + "after thread 1's round trip on block 0.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Both frees landed before both takes: each took the other's block.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Block 0 handed out twice: a lost or duplicated head update.")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Block 1 handed out twice: a lost or duplicated head update.")
@Outcome(id = "-1, .*", expect = FORBIDDEN, desc = "Thread 1 found the list empty after its own free: a lost push.")
@Outcome(id = ".*, -1", expect = FORBIDDEN, desc = "Thread 2 found the list empty after its own free: a lost push.")
@Outcome(expect = FORBIDDEN, desc = "Anything else: an index that was never a block.")
@State
public class HeadCasFreeThenTakeTest {

    private final TaggedFreeList list = FreeLists.allHeld(2);

    @Actor
    public void thread1(II_Result r) {
        list.push(0);
        r.r1 = list.pop();
    }

    @Actor
    public void thread2(II_Result r) {
        list.push(1);
        r.r2 = list.pop();
    }
}
