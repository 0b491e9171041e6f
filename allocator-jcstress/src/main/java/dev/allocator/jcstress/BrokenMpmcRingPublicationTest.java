package dev.allocator.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link MpmcRingTwoProducersTest} over {@link BrokenMpmcRing}, which publishes without waiting for earlier claims:
 * a thread that claimed the second slot publishes and then polls the first slot before the other thread wrote it
 * ("0"). The outcomes are the real test's, so this test FAILS: it shows that the real test's forbidden outcome is
 * reached. The CI run leaves out every {@code Broken*} test (see {@code jcstress.tests} in the module's pom); run it
 * with {@code ./mvnw -pl allocator-jcstress -am verify -Djcstress.tests=BrokenMpmcRing} (expected: TEST FAILURES).
 */
@JCStressTest
@Description("BrokenMpmcRing (publication skips earlier claims): expected to fail with a slot read before it was written.")
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "Each value taken exactly once.")
@Outcome(id = {"0, .*", ".*, 0"}, expect = FORBIDDEN, desc = "The bug: a slot read before its producer wrote it.")
@Outcome(expect = FORBIDDEN, desc = "A value lost, duplicated, or a poll found the ring empty.")
@State
public class BrokenMpmcRingPublicationTest {

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
