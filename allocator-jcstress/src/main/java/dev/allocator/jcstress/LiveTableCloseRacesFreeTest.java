package dev.allocator.jcstress;

import dev.allocator.system.internal.LiveTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The system allocator's close sweeps its registry while a thread frees a block: exactly one of them removes (and so
 * frees) the block, and the sweep takes the other live block.
 */
@JCStressTest
@Description("Close racing a free in the system allocator's registry: the block is freed exactly once.")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The free came first; the sweep took the other block.")
@Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "The sweep took both; the free was a double free.")
@Outcome(id = "1, 2, .*", expect = FORBIDDEN, desc = "Both took the block: it would be freed twice.")
@Outcome(expect = FORBIDDEN, desc = "Anything else: a block lost or left live.")
@State
public class LiveTableCloseRacesFreeTest {

    static final long ADDRESS = 0x7f00_0000_2000L;
    static final long OTHER = ADDRESS + 48;

    private final LiveTable table = new LiveTable(0);

    public LiveTableCloseRacesFreeTest() {
        table.add(ADDRESS, 64);
        table.add(OTHER, 16);
    }

    @Actor
    public void free(III_Result r) {
        r.r1 = table.remove(ADDRESS, 64) == 64 ? 1 : 0;
    }

    @Actor
    public void close(III_Result r) {
        int[] swept = new int[1];
        table.removeAll((address, size) -> swept[0]++);
        r.r2 = swept[0];
    }

    @Arbiter
    public void left(III_Result r) {
        long[] counts = new long[3];
        table.addCountsTo(counts);
        r.r3 = (int) (counts[0] - counts[1]) + (int) counts[2];
    }
}
