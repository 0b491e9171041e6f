package dev.allocator.jcstress;

import dev.allocator.ring.SpscIndexRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * SPSC ring with two slots, positions started mid-way so the values wrap around the slot array: the producer offers
 * three values (the third only fits if it refreshes its cached consumer position after the consumer freed a slot);
 * the consumer polls three times with a stale cached producer position. Every value accepted must come out exactly
 * once, in order, and nothing else (no stale slot, no overwritten value).
 */
@JCStressTest
@Description("SpscIndexRing, capacity 2, wrap-around: cached positions never let a value be lost, repeated or overrun.")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "Ring full at the third offer; everything accepted came out.")
@Outcome(id = "3, 1", expect = ACCEPTABLE, desc = "Consumer freed a slot in time; all three came out.")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "A value was lost, repeated, overrun or out of order.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class SpscRingWrapAroundTest {

    private final SpscIndexRing ring = SpscIndexRing.create(RingRegions.of(SpscIndexRing.byteSize(2)), 2);
    private final int[] polled = new int[3];
    private int accepted;

    public SpscRingWrapAroundTest() {
        ring.offer(9);     // positions 1: the test's values occupy slots 1, 0, 1
        ring.poll();
    }

    @Actor
    public void producer() {
        int n = 0;
        for (int value = 5; value <= 7; value++) {
            if (ring.offer(value)) {
                n++;
            }
        }
        accepted = n;
    }

    @Actor
    public void consumer() {
        for (int i = 0; i < 3; i++) {
            polled[i] = ring.poll();
        }
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = accepted;
        int expected = 5;
        boolean ok = true;
        for (int value : polled) {
            if (value >= 0) {
                ok &= value == expected++;
            }
        }
        for (int value = ring.poll(); value >= 0; value = ring.poll()) {
            ok &= value == expected++;
        }
        // with 3 accepted, value 7 can only be accepted after 5 left; accepted values are 5, 6[, 7] in order
        r.r2 = ok && expected == 5 + accepted ? 1 : 0;
    }
}
