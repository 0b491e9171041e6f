package dev.allocator.compose.sizeclasses;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One platform thread's caches of a {@link SizeClassAllocator}: a {@link BlockStack} per cached class (null for a
 * class too large to cache) and the count of allocations the thread made from them. Written by its owner only (and,
 * after the owner ended, by the thread that adopts it); the count is read by any thread ({@code stats()}).
 */
final class ThreadBlocks {

    private static final VarHandle ALLOCATIONS;

    static {
        try {
            ALLOCATIONS = MethodHandles.lookup().findVarHandle(ThreadBlocks.class, "allocations", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread owner;
    final BlockStack[] stacks;
    /** Allocations served from these stacks; single writer, opaque. */
    private long allocations;

    ThreadBlocks(Thread owner, BlockStack[] stacks) {
        this.owner = owner;
        this.stacks = stacks;
    }

    /** Counts one allocation (the owner only). */
    void counted() {
        ALLOCATIONS.setOpaque(this, (long) ALLOCATIONS.getOpaque(this) + 1);
    }

    long allocations() {
        return (long) ALLOCATIONS.getOpaque(this);
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
