package dev.allocator.jcstress;

import dev.allocator.pool.internal.SlotTier;
import dev.allocator.pool.internal.TaggedFreeList;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Happens-before through a cache slot: a plain write into a block before it is given to a slot must be seen by the
 * thread that takes it from the slot. Only the slot's claim CAS (acquire) and release store order it.
 */
@JCStressTest
@Description("Thread caches: a plain write into a block before its free is visible to the thread that takes it.")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The take ran before the free: nothing to take.")
@Outcome(id = "0, 42", expect = ACCEPTABLE, desc = "Took the block from the slot and saw the write.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Took the block but read stale contents: no happens-before "
        + "from the slot's release store to the next claim.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class SlotPublishesContentsTest {

    private static final long PAYLOAD = 4;

    private final MemorySegment slab = MemorySegment.ofArray(new int[2]);
    private final TaggedFreeList list = new TaggedFreeList(slab, FreeLists.STRIDE, 1);
    private final SlotTier slots = new SlotTier(list, 2, 1);

    public SlotPublishesContentsTest() {
        list.linkAll();
        slots.take(); // block 0 is held by the freer; list and slot are empty
    }

    @Actor
    public void freer() {
        slab.set(ValueLayout.JAVA_INT, PAYLOAD, 42);
        slots.give(0);
    }

    @Actor
    public void taker(II_Result r) {
        int index = slots.take();
        r.r1 = index;
        r.r2 = index < 0 ? -1 : slab.get(ValueLayout.JAVA_INT, index * FreeLists.STRIDE + PAYLOAD);
    }
}
