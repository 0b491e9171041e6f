package dev.allocator.jcstress;

import dev.allocator.ring.SpscIndexRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * SPSC ring batches over slots that carry their own validity: the producer offers three values as one batch while
 * the consumer peeks up to three. The consumer looks at slots, not at the producer position, so the batch must
 * become visible whole (its slots are stored last to first): never a part of it, never an unwritten slot. -1 marks
 * "no value".
 */
@JCStressTest
@Description("SpscIndexRing: a batch offered with one call is seen whole or not at all by a peek.")
@Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "Peeked before the batch appeared.")
@Outcome(id = "1, 2, 3", expect = ACCEPTABLE, desc = "Peeked the whole batch.")
@Outcome(expect = FORBIDDEN, desc = "A part of the batch, or an unwritten slot.")
@State
public class SpscRingBatchTest {

    private final SpscIndexRing ring = SpscIndexRing.create(RingRegions.of(SpscIndexRing.byteSize(4)), 4);

    @Actor
    public void producer() {
        ring.offer(new int[] {1, 2, 3}, 0, 3);
    }

    @Actor
    public void consumer(III_Result r) {
        int n = ring.peek(3);
        r.r1 = n > 0 ? ring.get(0) : -1;
        r.r2 = n > 1 ? ring.get(1) : -1;
        r.r3 = n > 2 ? ring.get(2) : -1;
        ring.release(n);
    }
}
