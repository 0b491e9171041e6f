package dev.allocator.compose.sizeclasses;

import dev.allocator.pool.PoolStats;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Which slabs of a {@link SizeClassAllocator} are idle, and their retirement: one trim at a time, and never during
 * close. A slab is idle when two samples at least {@code idleNanos} apart both saw it empty with the same allocation
 * count. Thread-safe (one lock).
 */
final class IdleSlabs {

    private final SizeClass[] byClass;
    private final long idleNanos;
    private final SlabReturns returns;
    private final BooleanSupplier closed;
    /** Guarded by this. */
    private final Map<ClassSlab, long[]> samples = new IdentityHashMap<>();

    IdleSlabs(SizeClass[] byClass, long idleNanos, SlabReturns returns, BooleanSupplier closed) {
        this.byClass = byClass;
        this.idleNanos = idleNanos;
        this.returns = returns;
        this.closed = closed;
    }

    /**
     * Retires the slabs idle at {@code now}.
     *
     * @param now the time of this sample, or {@code Long.MIN_VALUE} to retire every empty slab at once
     * @return how many slabs were closed
     */
    synchronized int trim(long now) {
        if (closed.getAsBoolean()) {
            return 0;
        }
        int retired = 0;
        for (SizeClass sizeClass : byClass) {
            for (ClassSlab slab : sizeClass.slabs()) {
                PoolStats stats = slab.pool.poolStats();
                if (stats.inUse() != 0) {
                    samples.remove(slab);
                    if (stats.inUse() < stats.capacity()) {
                        sizeClass.relist(slab); // free blocks a thread cache held when the slab was found full
                    }
                    continue;
                }
                if (now != Long.MIN_VALUE) {
                    long[] sample = samples.get(slab);
                    if (sample == null || sample[1] != stats.allocations()) {
                        samples.put(slab, new long[] {now, stats.allocations()});
                        continue;
                    }
                    if (now - sample[0] < idleNanos) {
                        continue;
                    }
                }
                if (sizeClass.retire(slab)) {
                    samples.remove(slab);
                    retired++;
                }
            }
            sizeClass.purge();
        }
        return retired;
    }

    /**
     * Closes every slab of every class and gives the memory back (what the backing refuses stays in
     * {@link SlabReturns}).
     *
     * @throws RuntimeException the first failure, after every class was tried
     */
    synchronized void closeAll() {
        samples.clear();
        RuntimeException failure = null;
        for (SizeClass sizeClass : byClass) {
            try {
                sizeClass.closeAll();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            returns.retry();
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
