package dev.allocator.ring;

import dev.allocator.api.Checks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A bounded multi-producer multi-consumer ring of non-negative {@code int} values whose whole state lives in a
 * {@link MemorySegment}, so that threads of several processes can share it through a file mapping. The layout is
 * {@link MpmcIndexRingDescriptor}.
 *
 * {@snippet :
 * MpmcIndexRing ring = MpmcIndexRing.create(arena.allocate(MpmcIndexRing.byteSize(256), 128), 256);
 * ring.offer(3);            // any thread
 * int value = ring.poll();  // any thread: 3, or -1 when empty
 * }
 *
 * <p><b>Threads.</b> Every method may be called from any number of threads and processes at once. Values come out
 * in the order producers claimed their slots. An operation that has claimed slots waits (spinning, then yielding) for
 * the operations that claimed earlier slots on its side to finish before it completes, so it is blocking, not
 * lock-free: a thread that stops for good between its claim and its completion (a process killed there) stops that
 * side of the ring for everybody; see "Process death" below.
 *
 * <p><b>Memory ordering.</b> Everything a producer wrote before offering a value happens-before the consumer's
 * taking it.
 *
 * <p><b>Batches.</b> {@link #offer(int[], int, int)} and {@link #poll(int[], int, int)} move up to {@code count}
 * values with one claim and one publication. There is no open-batch protocol ({@code reserve}/{@code submit}) as on
 * {@link SpscIndexRing}: a reservation that outlives the call would have to be remembered per thread, and a
 * forgotten one would stop the ring.
 *
 * <p><b>Process death.</b> The state a dying process can leave: (1) killed between its claim CAS and its slot writes
 * or its publication, it leaves its side's head ahead of the tail for good: every later operation on that side
 * waits for it forever, and the values already in the ring below the claim can still be taken (producer side) or
 * slots already freed still be filled (consumer side). (2) Killed anywhere else, nothing: the ring is consistent.
 * The ring cannot repair (1) itself (it cannot tell a dead claimant from a slow one); the parties must re-create the
 * ring. For a pair of processes use {@link SpscIndexRing}, whose sides never wait for each other.
 *
 * <p><b>Errors.</b> Bad arguments throw {@link IllegalArgumentException} ("what must hold: name=value") and nothing
 * moves.
 */
public final class MpmcIndexRing {

    /*
     * Maintainers. rte_ring's MP/MC scheme: each side has a head (claimed by CAS) and a tail (published/released).
     * Producer: read head h (acquire), consumer tail ct; free = capacity - (h - ct); CAS head h -> h + n (claims
     * slots h..h+n-1), write them, wait until producer tail == h (predecessors published), setRelease tail h + n: the
     * linearization point of offer. Consumer mirrors it with head/tail of the consumer line against the producer tail;
     * its linearization point is the CAS on the consumer head (the values are fixed from then on), and it frees the
     * slots with the release store of its tail after reading them. Invariant: consumerTail <= consumerHead <=
     * producerTail <= producerHead <= consumerTail + capacity.
     *
     * Why not a Vyukov sequence per slot: batches (one CAS for n values) are the point of an index ring, and a
     * per-slot sequence needs one CAS or one sequence store per value; it would also double the slot to 8 bytes.
     * A Vyukov ring survives a dead producer better (only its slot stays unpublished, blocking consumers at that
     * slot just the same), so neither gives recovery from a dead claimant for free.
     */

    private static final VarHandle POSITION = ValueLayout.JAVA_LONG.varHandle();
    /** Plain (non-atomic-ordering) access to a slot; ordered by the position stores and loads around it. */
    private static final VarHandle SLOT = ValueLayout.JAVA_INT.varHandle();
    /** Spins before a waiter starts yielding its core to the one it waits for. */
    private static final int SPINS = 64;

    private final MemorySegment region;
    private final int capacity;
    private final long mask;

    private MpmcIndexRing(MemorySegment region, int capacity) {
        this.region = region;
        this.capacity = capacity;
        this.mask = capacity - 1L;
    }

    /**
     * The bytes a region must have for a ring of {@code capacity} slots.
     *
     * @param capacity a power of two, at most 2<sup>30</sup>
     * @return the region size in bytes
     * @throws IllegalArgumentException if {@code capacity} is not a power of two or too large
     */
    public static long byteSize(int capacity) {
        Checks.requirePowerOfTwo(capacity, "capacity");
        return MpmcIndexRingDescriptor.byteSize(capacity);
    }

    /**
     * Writes an empty ring into {@code region} (its header last). No other party may use the region meanwhile.
     *
     * @param region   at least {@link #byteSize(int) byteSize(capacity)} bytes, aligned to 8
     * @param capacity a power of two, at most 2<sup>30</sup>
     * @return the ring
     * @throws IllegalArgumentException if the capacity is not a power of two or the region too small or misaligned
     * @throws NullPointerException     if {@code region} is null
     */
    public static MpmcIndexRing create(MemorySegment region, int capacity) {
        Checks.requirePowerOfTwo(capacity, "capacity");
        RingHeader.write(region, capacity, MpmcIndexRingDescriptor.KIND, byteSize(capacity));
        return new MpmcIndexRing(region, capacity);
    }

    /**
     * Attaches to a ring another party created.
     *
     * @param region the region {@link #create} wrote
     * @return the ring
     * @throws IllegalArgumentException if the region holds no ring, another version or kind, or is too small
     * @throws NullPointerException     if {@code region} is null
     */
    public static MpmcIndexRing attach(MemorySegment region) {
        int capacity = RingHeader.check(region, MpmcIndexRingDescriptor.KIND, "a multi-producer index ring");
        RingHeader.checkRegion(region, MpmcIndexRingDescriptor.byteSize(capacity));
        return new MpmcIndexRing(region, capacity);
    }

    /**
     * Offers one value.
     *
     * @param value a value {@code >= 0}
     * @return whether it was added; {@code false} when the ring is full
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public boolean offer(int value) {
        Checks.requireNonNegative(value, "value");
        long head;
        do {
            head = get(MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET);
            if (head - get(MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET) >= capacity) {
                return false;
            }
        } while (!claim(MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET, head, head + 1));
        SLOT.set(region, slot(head), value);
        complete(MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, head, head + 1);
        return true;
    }

    /**
     * Offers up to {@code count} values from {@code values[offset..]} with one claim.
     *
     * @param values the values, each {@code >= 0}
     * @param offset the first to offer
     * @param count  how many to offer at most
     * @return how many were added (the first ones), 0 when the ring is full
     * @throws IllegalArgumentException if the range lies outside the array or a value in it is negative
     */
    public int offer(int[] values, int offset, int count) {
        RingHeader.checkRange(values, offset, count);
        RingHeader.checkValues(values, offset, count);
        long head;
        int n;
        do {
            head = get(MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET);
            long free = capacity - (head - get(MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET));
            n = (int) Math.min(count, free);
            if (n <= 0) {
                return 0;
            }
        } while (!claim(MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET, head, head + n));
        for (int i = 0; i < n; i++) {
            SLOT.set(region, slot(head + i), values[offset + i]);
        }
        complete(MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, head, head + n);
        return n;
    }

    /**
     * Takes one value.
     *
     * @return the oldest value, or {@code -1} when the ring is empty
     */
    public int poll() {
        long head;
        do {
            head = get(MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET);
            if (get(MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET) - head <= 0) {
                return -1;
            }
        } while (!claim(MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET, head, head + 1));
        int value = (int) SLOT.get(region, slot(head));
        complete(MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, head, head + 1);
        return value;
    }

    /**
     * Takes up to {@code count} values into {@code into[offset..]} with one claim.
     *
     * @param into   where to put them
     * @param offset the first array slot to fill
     * @param count  how many to take at most
     * @return how many were taken, 0 when the ring is empty
     * @throws IllegalArgumentException if the range lies outside the array
     */
    public int poll(int[] into, int offset, int count) {
        RingHeader.checkRange(into, offset, count);
        long head;
        int n;
        do {
            head = get(MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET);
            long ready = get(MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET) - head;
            n = (int) Math.min(count, ready);
            if (n <= 0) {
                return 0;
            }
        } while (!claim(MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET, head, head + n));
        for (int i = 0; i < n; i++) {
            into[offset + i] = (int) SLOT.get(region, slot(head + i));
        }
        complete(MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, head, head + n);
        return n;
    }

    /**
     * How many values the ring holds (published and not yet claimed): exact when nothing moves, otherwise a value
     * between 0 and capacity that was close to true during the call.
     *
     * @return the number of values in the ring
     */
    public int size() {
        long consumed = get(MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET);
        long produced = get(MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET);
        return (int) Math.clamp(produced - consumed, 0, capacity);
    }

    /**
     * The number of slots.
     *
     * @return the capacity, a power of two
     */
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "MpmcIndexRing(capacity=" + capacity + ", size=" + size() + ")";
    }

    private long get(long offset) {
        return (long) POSITION.getAcquire(region, offset);
    }

    private boolean claim(long offset, long expected, long next) {
        return POSITION.compareAndSet(region, offset, expected, next);
    }

    /** Waits until the earlier claims of this side completed, then completes this one. */
    private void complete(long tailOffset, long from, long to) {
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

    private long slot(long position) {
        return MpmcIndexRingDescriptor.SLOTS_OFFSET + ((position & mask) << 2);
    }
}
