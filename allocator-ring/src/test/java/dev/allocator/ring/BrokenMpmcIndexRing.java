package dev.allocator.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@link MpmcIndexRing} with one deliberate bug, for {@link MpmcRingStressTest} to catch: a producer publishes its
 * claim (single or batch) by adding to the producer tail without waiting for the producers that claimed earlier, so
 * the tail can pass a slot an earlier producer has not written yet and a consumer reads it (0, or a value out of
 * order). Claims and the consumer side are the real ones ({@link MpmcSide}). A producer yields between its claim
 * and its slot writes: the real race, with a window wide enough for a run of seconds to reach it.
 */
final class BrokenMpmcIndexRing {

    private static final VarHandle POSITION = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle SLOT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment region;
    private final long mask;
    private final MpmcSide producers;
    private final MpmcSide consumers;

    BrokenMpmcIndexRing(int capacity) {
        region = Arena.ofAuto().allocate(MpmcIndexRing.byteSize(capacity), 128);
        MpmcIndexRing.create(region, capacity);
        mask = capacity - 1L;
        producers = new MpmcSide(region, MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET,
                MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, capacity);
        consumers = new MpmcSide(region, MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET,
                MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, 0);
    }

    boolean offer(int value) {
        long position = producers.claimOne();
        if (position < 0) {
            return false;
        }
        Thread.yield(); // widens the window between claim and write, so that a short stress run reaches the bug
        SLOT.set(region, slot(position), value);
        publishWithoutWaiting(1);
        return true;
    }

    int poll() {
        long position = consumers.claimOne();
        if (position < 0) {
            return -1;
        }
        int value = (int) SLOT.get(region, slot(position));
        consumers.complete(position, position + 1);
        return value;
    }

    /** reserve(2), put, submit. */
    int offerTwo(int value) {
        Claim reserved = new Claim();
        int n = producers.claim(reserved, 2);
        Thread.yield();
        for (int i = 0; i < n; i++) {
            SLOT.set(region, slot(reserved.start + i), value + 10 * i);
        }
        publishWithoutWaiting(n);
        return n;
    }

    /** peek(2), get, release. */
    String pollTwo() {
        Claim peeked = new Claim();
        int n = consumers.claim(peeked, 2);
        int[] into = new int[2];
        for (int i = 0; i < n; i++) {
            into[i] = (int) SLOT.get(region, slot(peeked.start + i));
        }
        if (n > 0) {
            consumers.complete(peeked.start, peeked.start + n);
        }
        return RingModel.join(into, n);
    }

    private void publishWithoutWaiting(int n) {
        // BUG: no wait for earlier claims; the tail may jump over a slot still being written
        POSITION.getAndAdd(region, MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, (long) n);
    }

    private long slot(long position) {
        return MpmcIndexRingDescriptor.SLOTS_OFFSET + ((position & mask) << 2);
    }
}
