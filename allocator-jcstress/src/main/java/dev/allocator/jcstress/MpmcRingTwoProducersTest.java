package dev.allocator.jcstress;

import dev.allocator.ring.MpmcIndexRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * MPMC ring, two threads that each offer one value and then poll one (two actors, so it runs on two cores): the
 * producers race on the producer head and the consumers on the consumer head. Each poll must find a value (its own
 * offer completed before it), the two must differ, and neither may be a slot read before its producer wrote it
 * (which shows as 0). The broken variant of {@link MpmcRingBrokenPublicationTest} shows that last race is reached.
 */
@JCStressTest
@Description("MpmcIndexRing: two threads offer then poll: no value lost, duplicated or read before it was written.")
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "Each value taken exactly once.")
@Outcome(id = {"0, .*", ".*, 0"}, expect = FORBIDDEN, desc = "A slot read before its producer wrote it.")
@Outcome(expect = FORBIDDEN, desc = "A value lost, duplicated, or a poll found the ring empty.")
@State
public class MpmcRingTwoProducersTest {

    private final MpmcIndexRing ring = MpmcIndexRing.create(RingRegions.of(MpmcIndexRing.byteSize(4)), 4);

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
