package dev.allocator.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The sequential specification the Lincheck tests compare the pools against: a LIFO stack of free indices, initially
 * 0 (top) to capacity-1, and per thread the stack of blocks that thread holds. Same operations as
 * {@link PoolLincheckTest}; deterministic.
 *
 * <p>Threads free only blocks they hold, as correct programs do: a free racing with the take of the same block cannot
 * happen in a correct program (the freeing thread cannot hold the block yet), and the pool does not promise a
 * linearizable answer to it (it may report a double free, see {@link FixedBlockPool}). Misuse is covered by the unit
 * tests.
 */
public class IndexPoolModel {

    static final int CAPACITY = 3;
    static final int THREADS = 4;

    private final Deque<Integer> free = new ArrayDeque<>();
    private final Held held = new Held();

    public IndexPoolModel() {
        for (int i = CAPACITY - 1; i >= 0; i--) {
            free.push(i);
        }
    }

    public int acquire(int thread) {
        if (free.isEmpty()) {
            return -1;
        }
        return held.add(thread, free.pop());
    }

    public int allocate(int thread) {
        return acquire(thread);
    }

    public List<Integer> acquireTwo(int thread) {
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 2 && !free.isEmpty(); i++) {
            got.add(acquire(thread));
        }
        return got;
    }

    public int release(int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        int index = held.take(thread);
        free.push(index);
        return index;
    }

    public int deallocate(int thread) {
        return release(thread);
    }

    public int releaseFirst(int thread) {
        if (held.count(thread) == 0) {
            return -1;
        }
        int index = held.takeFirst(thread);
        free.push(index);
        return index;
    }

    public List<Integer> releaseTwo(int thread) {
        if (held.count(thread) < 2) {
            return List.of();
        }
        int first = held.take(thread);
        int second = held.take(thread);
        free.push(second);
        free.push(first);
        return List.of(first, second);
    }

    /** Per-thread stacks of held blocks; shared by the model and the tests, touched only by their owner thread. */
    static final class Held {
        private final int[][] blocks = new int[THREADS][CAPACITY];
        private final int[] counts = new int[THREADS];

        int add(int thread, int index) {
            blocks[thread][counts[thread]++] = index;
            return index;
        }

        int take(int thread) {
            return blocks[thread][--counts[thread]];
        }

        int takeFirst(int thread) {
            int[] mine = blocks[thread];
            int first = mine[0];
            System.arraycopy(mine, 1, mine, 0, --counts[thread]);
            return first;
        }

        int count(int thread) {
            return counts[thread];
        }
    }
}
