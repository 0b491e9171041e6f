package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * The two hot paths of a {@link SizeClassAllocator} for a class block: {@link #take} and {@link #give}. A platform
 * thread takes from and gives to its own {@link BlockStack} of the class (no atomic instruction but the free's
 * compare-and-set of the block's layout word), which refills from and flushes to the slabs in bulk; other threads,
 * and every thread when caches are off, go to the slabs directly. Thread-safe.
 */
final class BlockRouter {

    /*
     * Maintainers' notes.
     *
     * take and give are each one method on purpose, every path of the operation in it, so that they stay larger than
     * the JIT's limit for inlining a hot method (FreqInlineSize, 325 bytes of bytecode; BlockRouterShapeTest checks
     * it). The allocator's allocate and deallocate, which call them, then compile to a few hundred bytes and are
     * always inlined into their callers, where the slice allocate makes does not escape (0 B/op), instead of
     * depending on whether the whole path fits into the caller ("already compiled into a big method").
     */

    /** What {@link #take} returns for a request above the largest class: compared by identity only. */
    static final MemorySegment LARGE = MemorySegment.ofArray(new byte[0]);

    private final Object allocator;
    private final SizeClasses classes;
    private final SizeClass[] byClass;
    private final ThreadCaches caches;
    private final boolean exact;
    private final SlabReturns returns;
    private final LongAdder failures;
    /** Allocations of class blocks made without a thread's stack (virtual threads, caches off, uncached classes). */
    final LongAdder direct = new LongAdder();

    BlockRouter(Object allocator, SizeClasses classes, SizeClass[] byClass, ThreadCaches caches, boolean exact,
                SlabReturns returns, LongAdder failures) {
        this.allocator = allocator;
        this.classes = classes;
        this.byClass = byClass;
        this.caches = caches;
        this.exact = exact;
        this.returns = returns;
        this.failures = failures;
    }

    /**
     * Takes a block of {@code layout}'s class: the pool's whole-block segment (no new object), counted; {@link #LARGE}
     * when no class takes the layout; null when the class cannot grow and {@code throwOnFailure} is false.
     *
     * @throws AllocationException when the class cannot grow and {@code throwOnFailure} is true
     */
    MemorySegment take(Layout layout, boolean throwOnFailure) {
        final int c = classes.classOf(layout.size(), layout.alignment());
        if (c == SizeClasses.NONE) {
            return LARGE;
        }
        final long word = ClassSlab.encode(layout);
        final ThreadBlocks local = caches.local();
        final BlockStack stack = local == null ? null : local.stacks[c];
        final int top = stack == null ? -1 : stack.count - 1;
        if (top >= 0) { // the pop
            stack.count = top;
            final ClassSlab slab = stack.slabs[top];
            final int index = stack.indexes[top];
            slab.hold(index, word);
            stack.counted();
            return slab.blocks[index];
        }
        MemorySegment block;
        // the rest runs once per refill of this thread's stack, or per call without a stack
        final SizeClass sizeClass = byClass[c];
        if (stack != null) {
            // the refill: half the stack from one slab, in one bulk take
            stack.count = sizeClass.takeInto(stack.slabs, stack.indexes, Math.max(1, stack.slabs.length / 2));
            block = stack.pop(word);
        } else {
            final ClassSlab current = sizeClass.current();
            block = current == null ? null : current.take(word);
            if (block == null) {
                block = sizeClass.takeListed(word);
            }
        }
        if (block == null) {
            try {
                returns.retry(); // slabs a trimmer thread could not give back to a confined backing
            } catch (RuntimeException stillRefused) {
                // kept for a later call; not this request's business
            }
            try {
                block = sizeClass.grow(layout, word);
            } catch (AllocationException e) {
                failures.increment();
                if (throwOnFailure) {
                    throw new AllocationException(e.reason(), layout, allocator + " cannot allocate " + layout
                            + ": a new slab for the " + sizeClass.block().size() + " B class failed: "
                            + e.getMessage(), e);
                }
                return null;
            }
        }
        if (stack != null) {
            stack.counted();
        } else {
            direct.increment();
        }
        return block;
    }

    /**
     * Gives back the block at {@code address} (the segment's address, size and scope) when it was allocated with
     * {@code layout} and is in use; otherwise throws and changes nothing.
     *
     * @return false, with nothing done, when no class takes {@code layout} (a large segment: the backing's)
     *
     * @throws IllegalArgumentException when no slab of the class has a block there (a foreign segment, or one
     *                                  allocated with a layout of another class), the segment is a slice, or the
     *                                  block was allocated with another layout
     * @throws IllegalStateException    on a double free
     */
    boolean give(long address, long byteSize, MemorySegment.Scope scope, Layout layout) {
        final int c = classes.classOf(layout.size(), layout.alignment());
        if (c == SizeClasses.NONE) {
            return false;
        }
        final SizeClass sizeClass = byClass[c];
        final ClassSlab slab = sizeClass.find(address);
        final long word = ClassSlab.encode(layout);
        if (slab == null || slab.scope != scope) {
            throw new IllegalArgumentException("segment at " + Checks.hex(address) + " of " + byteSize
                    + " bytes was not allocated by " + allocator + " with layout " + layout);
        }
        final int index = slab.blockAt(address);
        final byte touched = index >= 0 ? slab.touch(index, address, word) : 0; // before the CAS: see touch
        if (index < 0 || byteSize != layout.size() || !slab.free(index, word, exact)) {
            // what is wrong with it, named; nothing changed
            final long held = index < 0 ? ClassSlab.FREE : slab.word(index);
            if (index < 0 || held != ClassSlab.FREE && (held != word || byteSize != layout.size())) {
                throw new IllegalArgumentException("a segment must be freed whole with the layout it was allocated "
                        + "with: segment=" + Checks.hex(address) + " of " + byteSize + " bytes, allocated="
                        + (index < 0 ? "none (not at a block start)" : ClassSlab.decode(held)) + ", layout="
                        + layout);
            }
            throw new IllegalStateException("double free: the block at " + Checks.hex(address) + " of "
                    + byteSize + " bytes in " + allocator + " is free already (layout=" + layout + ")");
        }
        final ThreadBlocks local = caches.local();
        final BlockStack stack = local == null ? null : local.stacks[c];
        if (stack != null && stack.count < stack.slabs.length) { // the push
            final int top = stack.count;
            stack.slabs[top] = slab;
            stack.indexes[top] = index;
            stack.count = top + 1;
            stack.touched(touched);
        } else if (stack != null) {
            stack.push(slab, index, touched); // gives the older half back first
        } else {
            sizeClass.giveBack(slab, index);
        }
        return true;
    }
}
