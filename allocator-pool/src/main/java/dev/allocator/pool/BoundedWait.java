package dev.allocator.pool;

import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * Waits a bounded time for a free block: spin, then yield, then park, with an Agrona {@link IdleStrategy}. While it
 * waits, every free (lane frees included) goes to the shared list, so a block freed by a live platform thread during
 * the wait reaches the waiter; blocks parked in a live thread's cache before the wait began come back as for
 * {@code tryAllocate} (that thread's next call, after the waiter's take has revoked its cache).
 */
final class BoundedWait {

    /** Busy spins before the first yield: a block freed within a microsecond or so is caught at once. */
    static final long SPINS = 100;
    /** Yields before the first park. */
    static final long YIELDS = 20;
    /** The first park; it doubles up to {@link #MAX_PARK_NANOS}. */
    static final long MIN_PARK_NANOS = 1_000;
    /** The longest park, which bounds how late a free block is noticed once waiting has become parking. */
    static final long MAX_PARK_NANOS = 1_000_000;

    private BoundedWait() {
    }

    /** {@link FixedBlockPool#allocate(Layout, Duration)}. */
    static MemorySegment allocate(PoolCore core, Layout layout, Duration timeout) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(timeout, "timeout");
        core.requireUsable();
        if (!core.fits(layout)) {
            core.countMisfit();
            throw PoolErrors.fitFailure(layout, core, "");
        }
        final int index = pop(core, timeout);
        if (index == END) {
            core.countExhaustion();
            throw PoolErrors.fitFailure(layout, core, Thread.currentThread().isInterrupted()
                    ? " (interrupted while waiting)" : " (waited " + timeout + ")");
        }
        core.claim(index, BlockStates.allocated(layout.size(), layout.alignment()));
        return core.segment(index, layout.size());
    }

    /** {@link BlockIndexes#acquire(Duration)}. */
    static int acquire(PoolCore core, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        core.requireUsable();
        final int index = pop(core, timeout);
        if (index == END) {
            core.countExhaustion();
        } else {
            core.claim(index, core.wholeBlock);
        }
        return index;
    }

    /**
     * Pops a block (unclaimed, uncounted, as {@link PoolCore#pop()}), waiting up to {@code timeout}.
     *
     * @return the index, or END when the time ran out or the thread was interrupted (its status stays set)
     * @throws IllegalStateException when the pool is closed during the wait
     */
    private static int pop(PoolCore pool, Duration timeout) {
        int index = pool.pop();
        if (index != END || timeout.isNegative() || timeout.isZero()) {
            return index;
        }
        final long start = System.nanoTime();
        final long budget = saturatedNanos(timeout);
        final IdleStrategy idle = new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NANOS, MAX_PARK_NANOS);
        pool.give.waitStarted(); // from here on, frees go where this loop looks (see PoolGive's notes)
        try {
            while ((index = pool.pop()) == END) {
                pool.requireUsable();
                if (System.nanoTime() - start >= budget || Thread.currentThread().isInterrupted()) {
                    return END;
                }
                idle.idle();
            }
            return index;
        } finally {
            pool.give.waitEnded();
        }
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
