package dev.allocator.ring;

import java.util.ArrayDeque;

/**
 * The sequential specification of both rings: a bounded FIFO queue, with the same operations as the tests. The
 * capacity (32) is more than a scenario offers, so "full" never comes up: a ring frees a slot some time after its
 * value was taken (the consumer position is stored after the read), so an offer may see a full ring while a poll
 * that already took its value has not freed the slot, which no atomic queue does. {@link Tiny} (capacity 2, single
 * operations) checks full and wrap-around where that answer is exact: on the SPSC ring.
 */
public class RingModel {

    static final int CAPACITY = 32;

    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final int capacity;

    public RingModel() {
        this(CAPACITY);
    }

    RingModel(int capacity) {
        this.capacity = capacity;
    }

    /** Capacity 2. */
    public static class Tiny extends RingModel {
        static final int CAPACITY = 2;

        public Tiny() {
            super(CAPACITY);
        }
    }

    public boolean offer(int value) {
        if (queue.size() == capacity) {
            return false;
        }
        queue.add(value);
        return true;
    }

    public int poll() {
        Integer value = queue.poll();
        return value == null ? -1 : value;
    }

    /** Offers value and value + 10: returns how many went in. */
    public int offerTwo(int value) {
        int n = 0;
        if (offer(value)) {
            n++;
            if (offer(value + 10)) {
                n++;
            }
        }
        return n;
    }

    /** Takes up to two: returns them as "a,b" (empty string when none). */
    public String pollTwo() {
        StringBuilder taken = new StringBuilder();
        for (int i = 0; i < 2 && !queue.isEmpty(); i++) {
            taken.append(i == 0 ? "" : ",").append(queue.poll());
        }
        return taken.toString();
    }

    /** The model's offerTwo on a ring: reserve(2), put, submit. */
    static int offerTwo(IndexRing ring, int value) {
        int n = ring.reserve(2);
        for (int i = 0; i < n; i++) {
            ring.put(i, value + 10 * i);
        }
        ring.submit(n);
        return n;
    }

    /** The model's pollTwo on a ring: peek(2), get, release. */
    static String pollTwo(IndexRing ring) {
        int n = ring.peek(2);
        int[] into = new int[2];
        for (int i = 0; i < n; i++) {
            into[i] = ring.get(i);
        }
        ring.release(n);
        return join(into, n);
    }

    static String join(int[] values, int n) {
        StringBuilder taken = new StringBuilder();
        for (int i = 0; i < n; i++) {
            taken.append(i == 0 ? "" : ",").append(values[i]);
        }
        return taken.toString();
    }
}
