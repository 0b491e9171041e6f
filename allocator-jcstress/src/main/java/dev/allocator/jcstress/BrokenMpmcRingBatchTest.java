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
 * {@link MpmcRingBatchTest} with the producers' batches through {@link BrokenMpmcRing#offerTwo} (publication skips
 * earlier claims) and the real ring's peek: the second batch's publication can expose the first batch's slots
 * before they are written ("0, 0, -1, -1"). The outcomes are the real test's, so this test FAILS; the CI run leaves
 * it out. Run: {@code ./mvnw -pl allocator-jcstress -am verify -Djcstress.tests=BrokenMpmcRing} (expected: TEST
 * FAILURES).
 */
@JCStressTest
@Description("BrokenMpmcRing batches (publication skips earlier claims): expected to fail with unwritten slots.")
@Outcome(id = {"3, 4, -1, -1", "3, 4, 1, 2", "1, 2, 3, 4"}, expect = ACCEPTABLE, desc = "As in MpmcRingBatchTest.")
@Outcome(expect = FORBIDDEN, desc = "The bug: a half batch, an unwritten slot (0), or out of claim order.")
@State
public class BrokenMpmcRingBatchTest {

    private final BrokenMpmcRing broken = new BrokenMpmcRing(4);
    private final MpmcIndexRing ring = MpmcIndexRing.attach(broken.region());

    @Actor
    public void first() {
        broken.offerTwo(1, 2);
    }

    @Actor
    public void second(IIII_Result r) {
        broken.offerTwo(3, 4);
        MpmcRingBatchTest.peekAll(ring, r);
    }
}
