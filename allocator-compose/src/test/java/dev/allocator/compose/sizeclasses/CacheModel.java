package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Layout;
import dev.allocator.pool.Wipe;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;


/**
 * The subject of {@link SizeClassCacheLincheckTest}: a size-class allocator with thread caches on and its first four
 * 16 B blocks taken, whose operations two threads run. {@link Plain} is the broken variant: double-free checks off, so
 * the free reads and then writes the block's layout word instead of one compare-and-set.
 */
@Param(name = "block", gen = IntGen.class, conf = "0:3")
public class CacheModel {

    private static final Layout SMALL = Layout.of(16);
    private static final int FIRST = 4;

    private final SizeClassAllocator allocator;
    private final MemorySegment[] first = new MemorySegment[FIRST];
    private final AtomicReferenceArray<MemorySegment> taken = new AtomicReferenceArray<>(16);
    private final AtomicInteger takenCount = new AtomicInteger();

    public CacheModel() {
        this(true, ThreadCaches.HOMES);
    }

    CacheModel(boolean checkDoubleFree, int homeSlots) {
        allocator = new SizeClassAllocator(GcBacking.INSTANCE, 16, 16 * 8, 0, Wipe.NONE, checkDoubleFree, true, 1,
                homeSlots);
        for (int i = 0; i < FIRST; i++) {
            first[i] = allocator.allocate(SMALL);
        }
    }

    /** Frees a block of the first ones: true, or false when it was free already (refused as a double free). */
    @Operation
    public boolean free(@Param(name = "block") int block) {
        try {
            allocator.deallocate(first[block], SMALL);
            return true;
        } catch (IllegalStateException doubleFree) {
            return false;
        }
    }

    /** Takes a block and keeps it. */
    @Operation
    public boolean allocate() {
        taken.set(takenCount.getAndIncrement(), allocator.allocate(SMALL));
        return true;
    }

    /** Gives this thread's cached blocks back to their slabs. */
    @Operation
    public void releaseThreadCaches() {
        allocator.releaseThreadCaches();
    }

    /** Retires every empty slab. */
    @Operation
    public void trim() {
        allocator.trim();
    }

    @Validate
    public void shouldNeverHandOutABlockTwice() {
        Set<Long> held = new HashSet<>();
        for (int i = 0; i < takenCount.get(); i++) {
            if (!held.add(taken.get(i).address())) {
                throw new AssertionError("block handed out while held: " + taken.get(i));
            }
        }
        long firstHeld = allocator.stats().bytesInUse() / SMALL.size() - held.size();
        if (firstHeld < 0 || firstHeld > FIRST) {
            throw new AssertionError("stats " + allocator.stats() + " with " + held.size() + " blocks taken");
        }
    }

    /** The variant with double-free checks off. */
    public static final class Plain extends CacheModel {
        public Plain() {
            super(false, ThreadCaches.HOMES);
        }
    }

    /**
     * One slot in the table that finds a thread's caches: every thread meets another live thread's cache there (the
     * model's constructor thread takes it first) and must find its own through the fallback.
     */
    public static final class OneHome extends CacheModel {
        public OneHome() {
            super(true, 1);
        }
    }
}
