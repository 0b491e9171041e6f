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
 * One thread allocates (registry add) while another frees a different block of the same stripe (registry remove,
 * which may shift entries back): neither operation may lose the other's entry, and the table may grow meanwhile
 * (the table starts full to its growth point).
 */
@JCStressTest
@Description("Add racing remove in one stripe of the system allocator's registry: both take effect.")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The new entry is found, the removed one is gone, the rest stay.")
@Outcome(expect = FORBIDDEN, desc = "An entry lost, or a removed one still found.")
@State
public class LiveTableAddRemoveTest {

    static final long BASE = 0x7f00_0000_3000L;
    static final int FILL = 8;  // half of a stripe's initial 16 slots: the next add grows the table

    private final LiveTable table = new LiveTable(0);

    public LiveTableAddRemoveTest() {
        for (int i = 0; i < FILL; i++) {
            table.add(BASE + 16L * i, 16);
        }
    }

    @Actor
    public void allocate(III_Result r) {
        table.add(BASE + 16L * FILL, 64);
    }

    @Actor
    public void free(III_Result r) {
        table.remove(BASE, 16);
    }

    @Arbiter
    public void left(III_Result r) {
        r.r1 = table.sizeOf(BASE + 16L * FILL) == 64 ? 1 : 0;
        r.r2 = table.sizeOf(BASE) == LiveTable.ABSENT ? 1 : 0;
        boolean rest = true;
        for (int i = 1; i < FILL; i++) {
            rest &= table.sizeOf(BASE + 16L * i) == 16;
        }
        r.r3 = rest ? 1 : 0;
    }
}
