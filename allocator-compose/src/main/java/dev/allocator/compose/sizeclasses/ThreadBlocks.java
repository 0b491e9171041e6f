package dev.allocator.compose.sizeclasses;

/**
 * One platform thread's caches of a {@link SizeClassAllocator}: a {@link BlockStack} per cached class (null for a
 * class too large to cache), each counting the allocations it served. Written by its owner only (and, after the
 * owner ended, by the thread that adopts it); the counts are read by any thread ({@code stats()}).
 */
final class ThreadBlocks {

    final Thread owner;
    final BlockStack[] stacks;

    ThreadBlocks(Thread owner, BlockStack[] stacks) {
        this.owner = owner;
        this.stacks = stacks;
    }

    /** Allocations served from these stacks, each as last written by the owner. */
    long allocations() {
        long sum = 0;
        for (BlockStack stack : stacks) {
            if (stack != null) {
                sum += stack.allocations();
            }
        }
        return sum;
    }

    /** Gives every cached block back to its slab; returns how many. */
    int flushAll() {
        int moved = 0;
        for (BlockStack stack : stacks) {
            if (stack != null) {
                moved += stack.flushAll();
            }
        }
        return moved;
    }
}
