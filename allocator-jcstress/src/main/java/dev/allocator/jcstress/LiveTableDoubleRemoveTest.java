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
 * Two threads free the same small block of the system allocator at once (its registry's remove): exactly one may
 * remove it, and afterwards it is gone.
 */
@JCStressTest
@Description("Racing double free in the system allocator's registry: one remove wins, the other finds nothing.")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Thread 1 removed it; thread 2's double free was caught.")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "Thread 2 removed it; thread 1's double free was caught.")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "Both removed it: the block would be freed twice.")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Neither removed it: the block is lost.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class LiveTableDoubleRemoveTest {

    static final long ADDRESS = 0x7f00_0000_1000L;
    static final long NEIGHBOUR = ADDRESS + 16;

    private final LiveTable table = new LiveTable(0);

    public LiveTableDoubleRemoveTest() {
        table.add(NEIGHBOUR, 32);  // another entry, possibly in the same probe cluster
        table.add(ADDRESS, 64);
    }

    @Actor
    public void thread1(III_Result r) {
        r.r1 = table.remove(ADDRESS, 64) == 64 ? 1 : 0;
    }

    @Actor
    public void thread2(III_Result r) {
        r.r2 = table.remove(ADDRESS, 64) == 64 ? 1 : 0;
    }

    @Arbiter
    public void left(III_Result r) {
        long[] counts = new long[3];
        table.addCountsTo(counts);
        r.r3 = table.sizeOf(ADDRESS) == LiveTable.ABSENT && table.sizeOf(NEIGHBOUR) == 32 && counts[0] - counts[1] == 1
                && counts[2] == 32 ? 0 : 1;
    }
}
