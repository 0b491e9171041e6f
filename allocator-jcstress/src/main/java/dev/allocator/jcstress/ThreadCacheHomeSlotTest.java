package dev.allocator.jcstress;

import dev.allocator.api.Layout;
import dev.allocator.compose.sizeclasses.OneHomeSlot;
import dev.allocator.compose.sizeclasses.SizeClassAllocator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads find their size-class caches through a table with one slot, which the thread that built the allocator
 * takes first (its first allocation homes its cache there); each thread then allocates a block, frees it and
 * allocates again. With caches of their own, a thread's free puts the block on top of its own cache and its next
 * allocation takes that block back, and the two threads end up holding different blocks. r1 and r2: for actor 1 (2),
 * 1 when it got its freed block back, 0 when it got another, 2 when its free was refused as a double free (the block
 * had been handed to the other thread as well); r3: 1 when the two blocks held at the end differ, 0 when they are one
 * block, 2 when a thread holds none.
 * <p>
 * Checked by hand on a broken look-up that returns the slot's cache without comparing its owner with the calling
 * thread (so both actors share the building thread's cache, a stack with plain fields): in a 3 s run jcstress
 * reported the forbidden "1, 1, 0" (65 times), "1, 2, 2" (17), "2, 1, 2" (23), "1, 0, 1" (2) and "0, 1, 1" (1) in
 * 454,827 trials.
 */
@JCStressTest
@Description("Thread caches found through one shared home slot: each thread uses its own cache, no block held twice.")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Each thread got its freed block back from its own cache; "
        + "the blocks held differ.")
@Outcome(id = {".*, .*, 0", ".*, .*, 2"}, expect = FORBIDDEN, desc = "One block handed to both threads.")
@Outcome(expect = FORBIDDEN, desc = "A thread's freed block went elsewhere: the threads shared a cache.")
@State
public class ThreadCacheHomeSlotTest {

    private static final Layout SMALL = Layout.of(16);

    private final SizeClassAllocator allocator = OneHomeSlot.open(AutoBacking.INSTANCE);
    /** The block each actor holds at the end, by actor; null when its free was refused. */
    private final MemorySegment[] held = new MemorySegment[2];

    public ThreadCacheHomeSlotTest() {
        allocator.deallocate(allocator.allocate(SMALL), SMALL); // homes this thread's cache in the only slot
    }

    @Actor
    public void actor1(III_Result r) {
        r.r1 = allocateFreeAllocate(0);
    }

    @Actor
    public void actor2(III_Result r) {
        r.r2 = allocateFreeAllocate(1);
    }

    /**
     * Allocates a block, frees it and allocates again, keeping the second block in {@code held[actor]}: 1 when it is
     * the block freed, 0 when another, 2 when the free was refused as a double free.
     */
    private int allocateFreeAllocate(int actor) {
        final MemorySegment first = allocator.allocate(SMALL);
        try {
            allocator.deallocate(first, SMALL);
        } catch (IllegalStateException doubleFree) {
            return 2;
        }
        held[actor] = allocator.allocate(SMALL);
        return held[actor].address() == first.address() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = held[0] == null || held[1] == null ? 2 : held[0].address() != held[1].address() ? 1 : 0;
    }
}
