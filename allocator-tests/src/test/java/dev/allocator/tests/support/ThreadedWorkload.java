package dev.allocator.tests.support;

import dev.allocator.api.Allocator;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Multi-threaded work over one allocator for the contract suite. Timeouts here only guard against a hang; no test
 * asserts on time.
 */
public final class ThreadedWorkload {

    /** Generous: a run takes well under a second; reaching this means a deadlock. */
    private static final long HANG_GUARD_SECONDS = 120;

    private ThreadedWorkload() {
    }

    /**
     * Each of {@code threads} threads repeatedly allocates up to {@code perRound} segments of random sizes, fills
     * each with a pattern of its own, checks every one of them, then frees them newest first.
     */
    public static void fillCheckFree(Allocator allocator, int threads, int rounds, int perRound, long maxSize,
                                     long maxAlignment) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            workers.add(() -> {
                Random random = new Random(thread);
                start.await();
                for (int round = 0; round < rounds; round++) {
                    int count = 1 + random.nextInt(perRound);
                    MemorySegment[] segments = new MemorySegment[count];
                    Layout[] layouts = new Layout[count];
                    for (int i = 0; i < count; i++) {
                        long alignment = Math.min(1L << random.nextInt(7), maxAlignment);
                        layouts[i] = Layout.of(1 + random.nextLong(maxSize), alignment);
                        segments[i] = allocator.allocate(layouts[i]);
                        Patterns.fill(segments[i], seed(thread, round, i));
                    }
                    for (int i = count - 1; i >= 0; i--) {
                        Patterns.verify(segments[i], seed(thread, round, i), "thread " + thread + " round " + round);
                        allocator.deallocate(segments[i], layouts[i]);
                    }
                }
                return null;
            });
        }
        runAll(workers);
    }

    private static long seed(int thread, int round, int index) {
        return ((long) thread << 48) | ((long) round << 16) | index;
    }

    /**
     * One thread allocates and fills {@code count} segments and hands them through a queue of {@code depth} to
     * another thread, which checks and frees them.
     */
    public static void handOff(Allocator allocator, int count, Layout layout, int depth) throws Exception {
        BlockingQueue<MemorySegment> queue = new ArrayBlockingQueue<>(depth);
        Callable<Void> producer = () -> {
            for (int i = 0; i < count; i++) {
                MemorySegment segment = allocator.allocate(layout);
                Patterns.fill(segment, i);
                queue.put(segment);
            }
            return null;
        };
        Callable<Void> consumer = () -> {
            for (int i = 0; i < count; i++) {
                MemorySegment segment = queue.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                if (segment == null) {
                    throw new AssertionError("producer stopped after " + i + " segments");
                }
                Patterns.verify(segment, i, "segment " + i + " handed to another thread");
                allocator.deallocate(segment, layout);
            }
            return null;
        };
        runAll(List.of(producer, consumer));
    }

    /** A call that may throw. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /**
     * Runs each call in a thread other than the caller's.
     *
     * @return what each call threw (a call that returned normally fails the test)
     */
    public static List<Throwable> inOtherThread(Call... calls) throws Exception {
        List<Throwable> thrown = new ArrayList<>();
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            for (Call call : calls) {
                Future<Throwable> result = executor.submit(() -> {
                    try {
                        call.run();
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Throwable t = result.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                if (t == null) {
                    throw new AssertionError("a call from another thread was accepted by a confined allocator");
                }
                thrown.add(t);
            }
        }
        return thrown;
    }

    /** Runs each worker in its own thread and rethrows the first failure. */
    public static void runAll(List<Callable<Void>> workers) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(workers.size());
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> worker : workers) {
                futures.add(executor.submit(worker));
            }
            for (Future<Void> future : futures) {
                try {
                    future.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
