package dev.allocator.jcstress;

import dev.allocator.ring.MpmcIndexRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * MPMC ring, open batches: two threads each reserve two slots, fill and submit them; the second then peeks up to
 * four values, reads and releases them. A submit waits for the batches claimed before it and publishes its two
 * slots with one store, so the peek sees its own batch, after the other one if that was claimed first, and never a
 * half batch or an unwritten slot (0). -1 marks "no value".
 */
@JCStressTest
@Description("MpmcIndexRing reserve/put/submit and peek/get/release: batches are published whole and in claim order.")
@Outcome(id = {"3, 4, -1, -1", "3, 4, 1, 2"}, expect = ACCEPTABLE, desc = "Second claimed first; first batch not yet or already published.")
@Outcome(id = "1, 2, 3, 4", expect = ACCEPTABLE, desc = "First claimed first: the second's submit waited for it.")
@Outcome(expect = FORBIDDEN, desc = "A half batch, an unwritten slot (0), or out of claim order.")
@State
public class MpmcRingBatchTest {

    private final MpmcIndexRing ring = MpmcIndexRing.create(RingRegions.of(MpmcIndexRing.byteSize(4)), 4);

    @Actor
    public void first() {
        int n = ring.reserve(2);
        ring.put(0, 1);
        ring.put(1, 2);
        ring.submit(n);
    }

    @Actor
    public void second(IIII_Result r) {
        int n = ring.reserve(2);
        ring.put(0, 3);
        ring.put(1, 4);
        ring.submit(n);
        peekAll(ring, r);
    }

    /** peek(4), get each, release them all: the values into r, -1 where there was none. */
    static void peekAll(MpmcIndexRing ring, IIII_Result r) {
        int n = ring.peek(4);
        r.r1 = n > 0 ? ring.get(0) : -1;
        r.r2 = n > 1 ? ring.get(1) : -1;
        r.r3 = n > 2 ? ring.get(2) : -1;
        r.r4 = n > 3 ? ring.get(3) : -1;
        ring.release(n);
    }
}
