package dev.allocator.pool;

import dev.allocator.api.Layout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every core hammers one small pool through every path (allocate, index, bulk, hand-off to another thread). Each
 * thread fills every block it holds with its own pattern and checks it is intact before freeing: a block handed out
 * twice shows up as a foreign pattern. At the end every block is free exactly once.
 *
 * <p>Size: {@code pool.stress.operations} in all (10 million in CI, 100 million with {@code -Pstress}).
 */
class PoolStressTest {

    private static final int CAPACITY = 64;
    private static final Layout BLOCK = Layout.of(64, 64);
    private static final int HELD_MAX = 24;
    /** Not a performance bound: only turns a hang into a failure (the CI run takes seconds). */
    private static final long WATCHDOG_MINUTES = 10;

    /** A pool of {@link #CAPACITY} blocks over {@code backing} with the tier named {@code tier}. */
    static FixedBlockPool pool(String tier, dev.allocator.api.Allocator backing, boolean owns) {
        PoolBuilder builder = FixedBlockPool.builder().block(BLOCK).capacity(CAPACITY).backing(backing, owns);
        return switch (tier) {
            case "list" -> builder.cache(0).build();
            case "slots" -> builder.cache(4).threadLanes(false).build();
            case "lanes", "local" -> builder.build();
            default -> throw new IllegalArgumentException("tier=" + tier);
        };
    }

    @ParameterizedTest(name = "tier={0}")
    @ValueSource(strings = {"list", "slots", "lanes", "local"})
    void shouldNeverHandOutABlockTwiceUnderContention(String tier) throws Exception {
        final int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        final long operations = Long.getLong("pool.stress.operations", 10_000_000) / threads;
        final BlockingQueue<long[]> handOff = new ArrayBlockingQueue<>(CAPACITY);
        // not closed with try-with-resources: close() would wait for a livelocked worker forever
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "pool-stress");
            thread.setDaemon(true); // a broken pool may livelock: the watchdog below fails the test instead
            return thread;
        });
        try (FixedBlockPool pool = pool(tier, new RecordingAllocator(), true)) {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] workers = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                final int id = t;
                workers[t] = executor.submit(() -> {
                    start.await();
                    new Worker(pool, id, handOff, tier.equals("local")).run(operations);
                    return null;
                });
            }
            start.countDown();
            awaitAll(workers, executor, pool);
            for (long[] left; (left = handOff.poll()) != null; ) {
                Worker.checkAndRelease(pool, (int) left[0], left[1]);
            }
            PoolStats stats = pool.poolStats();
            assertEquals(0, stats.inUse(), stats.toString());
            assertEquals(stats.allocations(), stats.deallocations());
            assertTrue(stats.allocations() >= operations, stats.toString());
            assertEquals(0, stats.bytesInUse());
            int[] listed = Pools.freeList(pool);
            int[] cached = Pools.cached(pool);
            int[] free = Arrays.copyOf(listed, listed.length + cached.length);
            System.arraycopy(cached, 0, free, listed.length, cached.length);
            assertEquals(CAPACITY, free.length, "the free-list and the caches hold every block");
            int[] sorted = free.clone();
            Arrays.sort(sorted);
            int[] all = new int[CAPACITY];
            Arrays.setAll(all, i -> i);
            assertArrayEquals(all, sorted, "each block exactly once");
            assertEquals(cached.length, pool.trim(), "trim gives back every cached block");
            assertEquals(CAPACITY, Pools.freeList(pool).length, "after trim the free-list holds every block");
            System.out.println(threads + " threads, tier " + tier + ", " + stats);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Waits for every worker; fails at once when one fails, or when they run past the watchdog. */
    private static void awaitAll(Future<?>[] workers, ExecutorService executor, FixedBlockPool pool)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WATCHDOG_MINUTES);
        while (true) {
            boolean allDone = true;
            for (Future<?> worker : workers) {
                if (worker.isDone()) {
                    try {
                        worker.get();
                    } catch (ExecutionException failed) {
                        executor.shutdownNow();
                        throw new AssertionError(failed.getCause().getMessage(), failed.getCause());
                    }
                } else {
                    allDone = false;
                }
            }
            if (allDone) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                executor.shutdownNow();
                throw new AssertionError("no end after " + WATCHDOG_MINUTES + " minutes: livelock, or a cycle in"
                        + " the free-list? " + pool.poolStats());
            }
            Thread.sleep(20);
        }
    }

    /** One thread's share: a random mix of operations, holding up to {@link #HELD_MAX} blocks. */
    private static final class Worker {
        private final FixedBlockPool pool;
        private final BlockIndexes indexes;
        private final BlockingQueue<long[]> handOff;
        private final SplittableRandom random;
        private final int[] held = new int[HELD_MAX];
        private final long[] patterns = new long[HELD_MAX];
        private final int[] batch = new int[8];
        private final long id;
        private final boolean useLocalCache;
        private LocalCache local;
        private int count;
        private long sequence;

        Worker(FixedBlockPool pool, int id, BlockingQueue<long[]> handOff, boolean useLocalCache) {
            this.pool = pool;
            this.useLocalCache = useLocalCache;
            this.indexes = pool.indexes();
            this.handOff = handOff;
            this.id = id;
            this.random = new SplittableRandom(id * 7919L + 1);
        }

        void run(long operations) {
            local = useLocalCache ? pool.localCache() : null;
            for (long op = 0; op < operations; op++) {
                int dice = random.nextInt(100);
                if (count < HELD_MAX && dice < 45) {
                    take(dice);
                } else if (count > 0 && dice < 90) {
                    giveBack(dice);
                } else if (count > 0 && dice < 95) {
                    count--;
                    handOff.offer(new long[]{held[count], patterns[count]});
                } else {
                    long[] other = handOff.poll();
                    if (other != null) {
                        checkAndRelease(pool, (int) other[0], other[1]);
                    }
                }
            }
            while (count > 0) {
                giveBack(0);
            }
            pool.releaseThreadCache(); // a pooled worker going idle: its own cache goes back to the list
            if (local != null) {
                local.close();
            }
        }

        private void take(int dice) {
            if (local != null && dice < 30) { // half the single takes through this thread's LocalCache
                MemorySegment segment = dice < 15 ? local.tryAllocate(BLOCK) : null;
                int index = segment != null ? indexes.indexOf(segment) : dice < 15 ? -1 : local.acquire();
                if (index >= 0) {
                    hold(index);
                }
            } else if (dice < 15) {
                MemorySegment segment = pool.tryAllocate(BLOCK);
                if (segment != null) {
                    hold(indexes.indexOf(segment));
                }
            } else if (dice < 30) {
                int index = indexes.acquire();
                if (index >= 0) {
                    hold(index);
                }
            } else {
                int n = indexes.acquire(batch, 0, Math.min(batch.length, HELD_MAX - count));
                for (int i = 0; i < n; i++) {
                    hold(batch[i]);
                }
            }
        }

        private void hold(int index) {
            long pattern = (id << 48) | ++sequence;
            MemorySegment block = indexes.segment(index);
            for (long offset = 0; offset < BLOCK.size(); offset += 8) {
                block.set(ValueLayout.JAVA_LONG, offset, pattern);
            }
            held[count] = index;
            patterns[count++] = pattern;
        }

        private void giveBack(int dice) {
            if (dice % 3 == 0 && count >= 2) {
                int n = Math.min(count, batch.length);
                for (int i = 0; i < n; i++) {
                    count--;
                    check(pool, held[count], patterns[count]);
                    batch[i] = held[count];
                }
                indexes.release(batch, 0, n);
            } else {
                count--;
                check(pool, held[count], patterns[count]);
                if (local != null && dice % 4 < 2) {
                    if (dice % 2 == 0) {
                        local.deallocate(indexes.segment(held[count]), BLOCK);
                    } else {
                        local.release(held[count]);
                    }
                } else if (dice % 2 == 0) {
                    pool.deallocate(indexes.segment(held[count]), BLOCK);
                } else {
                    indexes.release(held[count]);
                }
            }
        }

        static void checkAndRelease(FixedBlockPool pool, int index, long pattern) {
            check(pool, index, pattern);
            pool.indexes().release(index);
        }

        static void check(FixedBlockPool pool, int index, long pattern) {
            MemorySegment block = pool.indexes().segment(index);
            for (long offset = 0; offset < BLOCK.size(); offset += 8) {
                long found = block.get(ValueLayout.JAVA_LONG, offset);
                if (found != pattern) {
                    throw new AssertionError("block " + index + " offset " + offset + ": expected pattern "
                            + Long.toHexString(pattern) + ", found " + Long.toHexString(found)
                            + " (handed out twice?)");
                }
            }
        }
    }
}
