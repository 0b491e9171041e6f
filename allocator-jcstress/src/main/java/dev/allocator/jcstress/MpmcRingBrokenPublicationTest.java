package dev.allocator.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Shows that the race {@link MpmcRingTwoProducersTest} forbids is reached: {@link BrokenMpmcRing} publishes without
 * waiting for earlier claims, so a thread that claimed the second slot publishes and then polls the first slot before
 * the other thread wrote it ("0"). Reported as interesting rather than failing the build: it is the evidence that the
 * real ring's test would see the bug.
 */
@JCStressTest
@Description("BrokenMpmcRing (publication skips earlier claims): a poll can read an unwritten slot.")
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "Each value taken exactly once.")
@Outcome(expect = ACCEPTABLE_INTERESTING, desc = "The bug: a slot read before it was written (0), or a value lost.")
@State
public class MpmcRingBrokenPublicationTest {

    private final BrokenMpmcRing ring = new BrokenMpmcRing(4);

    @Actor
    public void first(II_Result r) {
        ring.offer(1);
        r.r1 = ring.poll();
    }

    @Actor
    public void second(II_Result r) {
        ring.offer(2);
        r.r2 = ring.poll();
    }
}
