package dev.allocator.pool;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The sequential specification for {@link CachedPoolLincheckTest}: a pool of {@link #CAPACITY} blocks seen as a
 * count, since with thread caches which block a take returns is not specified; takes return 0 (or how many), frees
 * return 0, and -1 means "none free" or "nothing held". Deterministic.
 */
public class CountingPoolModel {

    static final int CAPACITY = 3;
    static final int THREADS = 4;
    /** What an operation returns when it was handed a block some thread holds: never returned here. */
    static final int TWICE = -100;

    private int free = CAPACITY;
    private final int[] held = new int[THREADS];

    public int acquire(int thread) {
        if (free == 0) {
            return -1;
        }
        free--;
        held[thread]++;
        return 0;
    }

    public int allocate(int thread) {
        return acquire(thread);
    }

    public int acquireTwo(int thread) {
        int n = Math.min(2, free);
        free -= n;
        held[thread] += n;
        return n;
    }

    public int release(int thread) {
        if (held[thread] == 0) {
            return -1;
        }
        held[thread]--;
        free++;
        return 0;
    }

    public int deallocate(int thread) {
        return release(thread);
    }

    public int releaseTwo(int thread) {
        if (held[thread] < 2) {
            return -1;
        }
        held[thread] -= 2;
        free += 2;
        return 0;
    }

    public void trim() {
    }

    /**
     * Which blocks each thread holds, for the test (not the model): a block taken while some thread holds it is
     * reported as {@link #TWICE}.
     */
    static final class Holders {
        private final AtomicIntegerArray owner;
        private final int[][] blocks;
        private final int[] counts = new int[THREADS];

        Holders() {
            this(CAPACITY);
        }

        /** Holders for a pool of {@code capacity} blocks. */
        Holders(int capacity) {
            this.owner = new AtomicIntegerArray(capacity);
            this.blocks = new int[THREADS][capacity];
        }

        int add(int thread, int index) {
            if (!owner.compareAndSet(index, 0, thread + 1)) {
                return TWICE;
            }
            blocks[thread][counts[thread]++] = index;
            return 0;
        }

        /** Records the {@code n} blocks a bulk take wrote to {@code into}: {@code n}, or {@link #TWICE}. */
        int addAll(int thread, int[] into, int n) {
            for (int i = 0; i < n; i++) {
                if (add(thread, into[i]) == TWICE) {
                    return TWICE;
                }
            }
            return n;
        }

        int take(int thread) {
            int index = blocks[thread][--counts[thread]];
            owner.set(index, 0);
            return index;
        }

        int count(int thread) {
            return counts[thread];
        }
    }
}
