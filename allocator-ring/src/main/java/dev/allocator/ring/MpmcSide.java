package dev.allocator.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One side (producers or consumers) of an {@link MpmcIndexRing}: its head (claimed by CAS), its tail (completed in
 * claim order) and the other side's position that bounds its claims. The producers' bound is the consumer tail plus
 * the capacity (free slots); the consumers' bound is the producer tail (published values).
 */
final class MpmcSide {

    /*
     * Maintainers. claim: read head (acquire), bound (acquire); n = min(wanted, bound - head); CAS head -> head + n.
     * The bound only grows, so a claim computed from a stale bound is smaller than it could be, never too large.
     * complete: wait (spin, then yield) until tail == from, i.e. every earlier claim of this side completed, then
     * setRelease tail = to. giveBack: CAS head from the claim's end back to a smaller end; it succeeds only when no
     * claim followed, and then the slots given back were never visible to the other side (the tail is still below).
     */

    private static final VarHandle POSITION = ValueLayout.JAVA_LONG.varHandle();
    /** Spins before a waiter starts yielding its core to the one it waits for. */
    private static final int SPINS = 64;

    private final MemorySegment region;
    private final long headOffset;
    private final long tailOffset;
    private final long boundOffset;
    private final long room;

    /**
     * @param boundOffset the other side's position that bounds claims
     * @param room        added to it: the capacity for producers, 0 for consumers
     */
    MpmcSide(MemorySegment region, long headOffset, long tailOffset, long boundOffset, long room) {
        this.region = region;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
        this.boundOffset = boundOffset;
        this.room = room;
    }

    /** Claims one slot: its position, or -1 when the bound leaves none. */
    long claimOne() {
        long head;
        do {
            head = get(headOffset);
            if (room + get(boundOffset) - head <= 0) {
                return -1;
            }
        } while (!POSITION.compareAndSet(region, headOffset, head, head + 1));
        return head;
    }

    /** Claims up to {@code wanted} slots into {@code claim}; returns how many (0: none, claim untouched). */
    int claim(Claim claim, int wanted) {
        long head;
        int n;
        do {
            head = get(headOffset);
            n = (int) Math.min(wanted, room + get(boundOffset) - head);
            if (n <= 0) {
                return 0;
            }
        } while (!POSITION.compareAndSet(region, headOffset, head, head + n));
        claim.start = head;
        claim.count = n;
        return n;
    }

    /** Unclaims the end of the last claim: whether no other claim followed it (then it is done). */
    boolean giveBack(long end, long newEnd) {
        return POSITION.compareAndSet(region, headOffset, end, newEnd);
    }

    /** Waits until the earlier claims of this side completed, then completes {@code [from, to)}. */
    void complete(long from, long to) {
        int spins = 0;
        while (get(tailOffset) != from) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        POSITION.setRelease(region, tailOffset, to);
    }

    long head() {
        return get(headOffset);
    }

    long tail() {
        return get(tailOffset);
    }

    private long get(long offset) {
        return (long) POSITION.getAcquire(region, offset);
    }
}
