package dev.allocator.compose.sizeclasses;

import java.lang.ref.WeakReference;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread that gives idle slabs back for every {@link SizeClassAllocator} in the process. It holds
 * each allocator weakly, so an allocator dropped without close does not stay reachable through it. A trim that throws
 * is handed to {@link SizeClassAllocator#trimFailed} (counted and logged) and the schedule goes on: an exception
 * escaping a periodic task would end it for good, silently.
 */
final class SlabTrimmer {

    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private SlabTrimmer() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "allocator-slab-trimmer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    static ScheduledFuture<?> schedule(SizeClassAllocator allocator, long periodMillis) {
        WeakReference<SizeClassAllocator> ref = new WeakReference<>(allocator);
        return EXECUTOR.scheduleWithFixedDelay(() -> {
            SizeClassAllocator target = ref.get();
            if (target == null) {
                throw new CancellationException("allocator collected");   // ends this schedule
            }
            try {
                target.trimIdle();
            } catch (RuntimeException | Error failure) {
                target.trimFailed(failure);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }
}
