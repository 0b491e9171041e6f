package dev.allocator.compose.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Striped {@code long} counters: {@link #COUNT} stripes of {@code width} counters each, every stripe on cache lines
 * of its own, so that threads on different stripes never write the same line. A thread always uses the stripe of its
 * {@linkplain Thread#threadId() id}, so threads created one after another (a pool's workers) get different stripes;
 * two threads that share a stripe stay correct (every update is atomic) and only contend. Readers fold the stripes.
 *
 * <p>Thread-safe; every access is volatile, so the updates of all stripes are in one total order that every reader
 * sees.
 *
 * <pre>
 * long[] cells, one stripe per {@link #stride} longs (a multiple of 128 bytes), counter k of stripe s at s*stride+k:
 * | stripe 0: c0 c1 .. c(width-1) pad.. | stripe 1: c0 c1 .. pad.. | ... | stripe COUNT-1 ... |
 * </pre>
 */
public final class Stripes {

    /** Stripes per structure: a power of two, at least twice the processors, at most 64. */
    public static final int COUNT = Math.min(64, Integer.highestOneBit(
            Math.max(2, Runtime.getRuntime().availableProcessors()) * 2 - 1) << 1);

    private static final int LONGS_PER_LINE_PAIR = 16;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells;
    private final int stride;

    /**
     * Stripes of {@code width} counters, all 0.
     *
     * @param width counters per stripe, {@code >= 1}
     */
    public Stripes(int width) {
        this.stride = (width + LONGS_PER_LINE_PAIR - 1) / LONGS_PER_LINE_PAIR * LONGS_PER_LINE_PAIR;
        // one stripe's worth of padding in front, so that stripe 0 shares no line with the array header
        this.cells = new long[(COUNT + 1) * stride];
    }

    /**
     * The calling thread's stripe.
     *
     * @return a stripe index in {@code [0, COUNT)}
     */
    public static int stripe() {
        return (int) Thread.currentThread().threadId() & (COUNT - 1);
    }

    private int at(int stripe, int counter) {
        return (stripe + 1) * stride + counter;
    }

    /**
     * Adds {@code delta} to a counter of a stripe.
     *
     * @return the counter's value before
     */
    public long getAndAdd(int stripe, int counter, long delta) {
        return (long) CELL.getAndAdd(cells, at(stripe, counter), delta);
    }

    /** Reads a counter of a stripe. */
    public long get(int stripe, int counter) {
        return (long) CELL.getVolatile(cells, at(stripe, counter));
    }

    /** Sets a counter of a stripe. */
    public void set(int stripe, int counter, long value) {
        CELL.setVolatile(cells, at(stripe, counter), value);
    }

    /** Sets a counter of a stripe and returns what it held. */
    public long getAndSet(int stripe, int counter, long value) {
        return (long) CELL.getAndSet(cells, at(stripe, counter), value);
    }

    /** Sets a counter of a stripe to {@code next} when it holds {@code expected}. */
    public boolean compareAndSet(int stripe, int counter, long expected, long next) {
        return CELL.compareAndSet(cells, at(stripe, counter), expected, next);
    }

    /**
     * The sum of a counter over every stripe, each read once (volatile), stripe 0 first.
     *
     * @param counter the counter
     * @return the sum
     */
    public long sum(int counter) {
        long sum = 0;
        for (int s = 0; s < COUNT; s++) {
            sum += get(s, counter);
        }
        return sum;
    }
}
