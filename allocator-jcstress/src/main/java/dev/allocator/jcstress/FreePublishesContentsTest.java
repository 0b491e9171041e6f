package dev.allocator.jcstress;

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
 * The happens-before the pool promises: what a thread wrote into a block before freeing it is seen by the thread
 * that takes the block next. Model checking assumes sequential consistency and cannot test this; here the write is
 * a plain store and only the head's release/acquire orders it.
 */
@JCStressTest
@Description("A plain write into a block before its free must be visible to the thread that takes the block.")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The take ran before the free: nothing to take.")
@Outcome(id = "0, 42", expect = ACCEPTABLE, desc = "Took the block and saw the write made before its free.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Took the block but read stale contents: no happens-before from "
        + "the free to the take (a missing release on push or acquire on pop).")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class FreePublishesContentsTest {

    private static final long PAYLOAD = 4;

    private final MemorySegment slab = MemorySegment.ofArray(new int[2]);
    private final TaggedFreeList list = new TaggedFreeList(slab, FreeLists.STRIDE, 1);

    @Actor
    public void freer() {
        slab.set(ValueLayout.JAVA_INT, PAYLOAD, 42);
        list.push(0);
    }

    @Actor
    public void taker(II_Result r) {
        int index = list.pop();
        r.r1 = index;
        r.r2 = index < 0 ? -1 : slab.get(ValueLayout.JAVA_INT, index * FreeLists.STRIDE + PAYLOAD);
    }
}
