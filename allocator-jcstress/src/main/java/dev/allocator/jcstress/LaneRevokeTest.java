package dev.allocator.jcstress;

import dev.allocator.pool.internal.Lane;
import dev.allocator.pool.internal.TaggedFreeList;
import dev.allocator.pool.internal.LaneTier;
import dev.allocator.pool.internal.SlotTier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.Arrays;

import static dev.allocator.pool.internal.FreeListDescriptor.END;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A thread parks a block in its own lane and takes again, while another thread drains the shared list and, finding
 * it empty, revokes the first thread's lane (swapping its owner word) without touching the lane's contents. Four
 * blocks: whatever the interleaving, at the end each block is held by exactly one party (the owner, the drainer,
 * the list or a lane). r1: 1 when every block is accounted for exactly once. r2: what the owner's second take got.
 */
@JCStressTest
@Description("Thread lanes: a revocation racing with the owner's plain-memory take and give loses or duplicates no block.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The owner took its parked block back from its lane (no revocation), "
        + "or honoured a revocation by flushing the block and letting the lane go, then popped the block from the "
        + "list again; or the drainer emptied the list before the owner's first take.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Revoked: the owner flushed its block, the drainer took it, and the "
        + "owner popped another block from the list.")
@Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "Revoked: the owner flushed its block and the drainer took every "
        + "block; the owner's take found none (the drainer holds all four).")
@Outcome(id = {"0, 1", "0, 0", "0, -1"}, expect = FORBIDDEN, desc = "A block lost or held twice.")
@Outcome(expect = FORBIDDEN, desc = "Anything else.")
@State
public class LaneRevokeTest {

    private static final int CAPACITY = 4;

    private final TaggedFreeList list = FreeLists.allFree(CAPACITY);
    private final LaneTier lanes = new LaneTier(list, new SlotTier(list, 2, 1), 2, 8);
    private final int[] drained = new int[CAPACITY];
    private int drainedCount;
    private int parked = END;
    private int ownerHolds = END;

    @Actor
    public void owner(II_Result r) {
        Lane lane = lanes.mine();
        int block = lanes.take(lane);       // a refill of one block from the list
        if (block == END) {
            return;                         // the drainer emptied the list first: nothing to park
        }
        parked = block;
        lanes.give(lanes.mine(), block);    // parked in the lane
        Lane now = lanes.mine();            // null when it honoured a revocation: then the shared list serves
        int again = now != null ? lanes.take(now) : list.pop();
        ownerHolds = again;
        r.r2 = again == END ? -1 : again == block ? 1 : 0;
    }

    @Actor
    public void drainer() {
        for (int block; (block = list.pop()) != END; ) {
            drained[drainedCount++] = block;
        }
        int slow = lanes.takeSlow();        // revokes the owner's lane if it holds blocks; adopts nothing (alive)
        if (slow != END) {
            drained[drainedCount++] = slow;
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        if (parked == END) {
            r.r2 = 1;                       // the owner never parked a block: report it with the plain case
        }
        int[] all = new int[CAPACITY * 2];
        int n = 0;
        if (ownerHolds != END) {
            all[n++] = ownerHolds;
        }
        for (int i = 0; i < drainedCount; i++) {
            all[n++] = drained[i];
        }
        for (int block : list.snapshot()) {
            all[n++] = block;
        }
        for (int block : lanes.snapshot()) {
            all[n++] = block;
        }
        int[] sorted = Arrays.copyOf(all, n);
        Arrays.sort(sorted);
        r.r1 = Arrays.equals(sorted, new int[]{0, 1, 2, 3}) ? 1 : 0;
    }
}
