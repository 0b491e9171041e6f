package dev.allocator.jcstress;

import dev.allocator.pool.internal.SlotTier;
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
 * Two threads take, give back and take again through the pool's thread caches, sharing one slot (so one of them
 * often finds it busy and goes to the list, or waits for it before reporting exhaustion). Two blocks, both in the
 * slot at the start: each thread must end up holding one, and never the same one.
 */
@JCStressTest
@Description("Thread caches: two threads take/give/take over two blocks; each ends with a different block.")
@Outcome(id = {"0, 1", "1, 0"}, expect = ACCEPTABLE, desc = "Each thread holds a different block.")
@Outcome(id = {"0, 0", "1, 1"}, expect = FORBIDDEN, desc = "The same block handed to both threads.")
@Outcome(id = {"-1, 0", "-1, 1", "0, -1", "1, -1", "-1, -1"}, expect = FORBIDDEN,
        desc = "Exhaustion reported while a block was free (in the slot, in the list or about to be).")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class SlotTakeGiveTakeTest {

    private final TaggedFreeList list = FreeLists.allFree(2);
    private final SlotTier slots = new SlotTier(list, 2, 1);

    public SlotTakeGiveTakeTest() {
        int a = slots.take();
        int b = slots.take();
        slots.give(a);
        slots.give(b); // both blocks cached in the one slot, the list empty
    }

    @Actor
    public void first(II_Result r) {
        slots.give(slots.take());
        r.r1 = slots.take();
    }

    @Actor
    public void second(II_Result r) {
        slots.give(slots.take());
        r.r2 = slots.take();
    }
}
