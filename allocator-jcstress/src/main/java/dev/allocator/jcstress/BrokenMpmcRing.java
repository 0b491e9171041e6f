package dev.allocator.jcstress;

import dev.allocator.ring.MpmcIndexRing;
import dev.allocator.ring.MpmcIndexRingDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The MPMC algorithm with one deliberate bug, for the tests to catch: a producer publishes its slot (producer tail =
 * its claim + 1) without waiting for the producers that claimed earlier slots, so a consumer can take a slot that
 * an earlier producer has not written yet. Same layout as {@link MpmcIndexRingDescriptor}, so the consumer side can
 * be the real {@link MpmcIndexRing} attached to {@link #region()}. Not a test: {@link BrokenMpmcRingPublicationTest}
 * and {@link BrokenMpmcRingBatchTest} show jcstress catching it.
 */
public final class BrokenMpmcRing {

    private static final VarHandle POSITION = ValueLayout.JAVA_LONG.varHandle();
    /** Plain (non-atomic-ordering) access to a slot; ordered by the position stores and loads around it. */
    private static final VarHandle SLOT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment region;
    private final int capacity;

    public BrokenMpmcRing(int capacity) {
        this.region = Arena.ofAuto().allocate(MpmcIndexRing.byteSize(capacity), 128);
        this.capacity = capacity;
        MpmcIndexRing.create(region, capacity);
    }

    /** The region, for the real ring's consumer side. */
    public MemorySegment region() {
        return region;
    }

    public boolean offer(int value) {
        long head;
        do {
            head = (long) POSITION.getAcquire(region, MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET);
            if (head - (long) POSITION.getAcquire(region, MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET) >= capacity) {
                return false;
            }
        } while (!POSITION.compareAndSet(region, MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET, head, head + 1));
        SLOT.set(region, slot(head), value);
        // BUG: no wait for earlier claims; the tail may jump over a slot still being written
        POSITION.getAndAdd(region, MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, 1L);
        return true;
    }

    public int poll() {
        long head;
        do {
            head = (long) POSITION.getAcquire(region, MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET);
            if ((long) POSITION.getAcquire(region, MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET) - head <= 0) {
                return -1;
            }
        } while (!POSITION.compareAndSet(region, MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET, head, head + 1));
        int value = (int) SLOT.get(region, slot(head));
        SLOT.set(region, slot(head), 0);
        POSITION.getAndAdd(region, MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, 1L);
        return value;
    }

    /** reserve(2), put both, submit(2) with the same bug; how many went in (0 or 2). */
    public int offerTwo(int first, int second) {
        long head;
        do {
            head = (long) POSITION.getAcquire(region, MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET);
            if (head + 2 - (long) POSITION.getAcquire(region, MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET) > capacity) {
                return 0;
            }
        } while (!POSITION.compareAndSet(region, MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET, head, head + 2));
        SLOT.set(region, slot(head), first);
        SLOT.set(region, slot(head + 1), second);
        // BUG: as in offer
        POSITION.getAndAdd(region, MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, 2L);
        return 2;
    }

    private long slot(long position) {
        return MpmcIndexRingDescriptor.SLOTS_OFFSET + ((position & (capacity - 1)) << 2);
    }
}
