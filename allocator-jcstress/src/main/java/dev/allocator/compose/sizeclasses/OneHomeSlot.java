package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Allocator;
import dev.allocator.pool.Wipe;

/**
 * Opens, for jcstress, a size-class allocator whose table of thread caches has a single slot, so that every thread
 * meets another live thread's cache there and must find its own through the fallback. Not a test: it lives in the
 * allocator's package because that table's size is not public ({@code ThreadCaches}).
 */
public final class OneHomeSlot {

    private OneHomeSlot() {
    }

    /**
     * A size-class allocator with one class (16 B, 8 blocks a slab), caches on, double-free checks on, no trimmer,
     * which closes nothing when it goes (its slabs come from {@code backing}, which the garbage collector frees).
     *
     * @param backing where the slabs come from
     * @return the allocator
     */
    public static SizeClassAllocator open(Allocator backing) {
        return new SizeClassAllocator(backing, 16, 16 * 8, 0, Wipe.NONE, true, true, 1, 1);
    }
}
