package dev.allocator.jcstress;

import dev.allocator.ring.SpscIndexRing;
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
 * SPSC ring publication: a plain write into a block before its index is offered is seen by the consumer that polls
 * the index, and the index itself is never stale (a slot value from before) nor torn.
 */
@JCStressTest
@Description("SpscIndexRing: the value polled and the payload it names are the ones written before the offer.")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "Polled before the offer: empty.")
@Outcome(id = "3, 42", expect = ACCEPTABLE, desc = "Polled the index and saw the payload.")
@Outcome(id = "3, 0", expect = FORBIDDEN, desc = "Polled the index but read a stale payload: no happens-before.")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "Polled a slot before it was written (stale value).")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class SpscRingPublishesTest {

    private final MemorySegment blocks = RingRegions.of(64);
    private final SpscIndexRing ring = SpscIndexRing.create(RingRegions.of(SpscIndexRing.byteSize(4)), 4);

    @Actor
    public void producer() {
        blocks.set(ValueLayout.JAVA_INT, 3 * 4, 42);
        ring.offer(3);
    }

    @Actor
    public void consumer(II_Result r) {
        int index = ring.poll();
        r.r1 = index;
        r.r2 = index < 0 ? -1 : blocks.get(ValueLayout.JAVA_INT, index * 4L);
    }
}
