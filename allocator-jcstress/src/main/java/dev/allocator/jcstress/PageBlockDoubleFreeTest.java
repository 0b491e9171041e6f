package dev.allocator.jcstress;

import dev.allocator.api.Layout;
import dev.allocator.compose.sizeclasses.SizeClassAllocator;
import dev.allocator.pool.Wipe;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads free the same 4 KiB size-class block at once: a class whose free reads the block and its segment
 * before it settles the free with the compare-and-set of the block's layout word ({@code ClassSlab.touch}). Exactly
 * one free may succeed; the other must be refused as a double free, with nothing changed (a free that succeeded puts
 * the block on its thread's cache, so two would hand it out twice). r1 and r2: for actor 1 (2), 1 when its free
 * succeeded, 2 when it was refused with {@link IllegalStateException}, 3 on any other exception.
 * <p>
 * Checked by hand on a broken free that settles with a plain read and write of the layout word instead of the
 * compare-and-set (both frees can pass the read): in a 1 s run jcstress reported the forbidden "1, 1" 67 times in
 * 509,971 trials, and "2, 2" 16,100 times (a block handed out twice earlier comes back to a later trial already
 * freed); with the compare-and-set, a 5 s run saw only "1, 2" and "2, 1" in 2,035,731 trials.
 */
@JCStressTest
@Description("Racing frees of one page-sized size-class block: one wins, the other is refused.")
@Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE, desc = "One free won; the other was refused as a double free.")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Both frees passed: the block would be handed out twice.")
@Outcome(expect = FORBIDDEN, desc = "Both frees were refused, or a free threw something else.")
@State
public class PageBlockDoubleFreeTest {

    private static final Layout PAGE = Layout.of(4096);

    /**
     * One allocator for every trial: a block freed by a trial goes back to it and serves a later one, so the memory
     * in use stays that of the trials alive at once (an allocator per trial would hold 32 KiB of slab each until
     * the collector ran, past the fork's direct-memory limit).
     */
    private static final SizeClassAllocator ALLOCATOR = new SizeClassAllocator(AutoBacking.INSTANCE, 4096, 4096 * 8,
            0, Wipe.NONE, true, false);

    private final MemorySegment block = ALLOCATOR.allocate(PAGE);

    @Actor
    public void actor1(II_Result r) {
        r.r1 = free();
    }

    @Actor
    public void actor2(II_Result r) {
        r.r2 = free();
    }

    private int free() {
        try {
            ALLOCATOR.deallocate(block, PAGE);
            return 1;
        } catch (IllegalStateException doubleFree) {
            return 2;
        } catch (RuntimeException other) {
            return 3;
        }
    }
}
