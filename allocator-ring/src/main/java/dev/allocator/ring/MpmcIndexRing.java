package dev.allocator.ring;

import dev.allocator.api.Checks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
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
 * values with one claim and one publication. The open-batch protocol is {@link SpscIndexRing}'s, per thread:
 * {@code reserve(n)} claims up to {@code n} free slots for the calling thread, {@code put(i, value)} fills them,
 * {@code submit(k)} publishes them; {@code peek(n)} claims up to {@code n} values, {@code get(i)} reads them,
 * {@code release(k)} frees their slots. A thread has at most one open batch per side of a ring object; while it is
 * open, that thread's {@code reserve}/{@code offer} (producer side) or {@code peek}/{@code poll} (consumer side)
 * throw {@link IllegalStateException}, since they would wait for the open batch forever. Between {@code reserve} and
 * {@code submit} the thread may fill its slots, compute, use the other side of this ring and other rings and pools,
 * but must not wait for this side to move (for another producer's offer, say): that producer waits for it. Until
 * it submits, the producers that
 * claimed after it cannot complete (their {@code offer} and {@code submit} wait) and consumers see no value from its
 * slots onwards; likewise an open {@code peek} holds back the producers' reuse of its slots and the consumers that
 * claimed after it. So keep batches short, and never leave one open: a batch abandoned by a thread (or a killed
 * process) stops its side of the ring for everybody. {@code submit(k)} and {@code release(k)} with {@code k} below
 * what was granted give the rest back only while no other thread has claimed after them; otherwise they throw
 * {@link IllegalStateException} and the batch stays open (fill and submit, or read and release, all of it). A thread
 * must not hold two batches of one side through two ring objects over the same region: the second can wait for the
 * first forever (not detected).
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
public final class MpmcIndexRing implements IndexRing {

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
     *
     * Open batches: reserve/peek run the claim CAS and remember (start, count) in the thread's Claim; submit/release
     * run the completion (wait for the side's tail to reach start, release-store start + k). Giving back the
     * unused end (k < count) is a CAS of the side's head from start + count back to start + k: it succeeds only when
     * nobody claimed after this batch, and then those slots are unclaimed again (the head is exact, the tail still
     * below start, so the invariant holds). "open" counts open batches on this object so that offer/poll look at
     * the ThreadLocal only when some batch is open (a thread sees its own increment).
     */

    /** Plain (non-atomic-ordering) access to a slot; ordered by the position stores and loads around it. */
    private static final VarHandle SLOT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle OPEN;

    static {
        try {
            OPEN = MethodHandles.lookup().findVarHandle(MpmcIndexRing.class, "open", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment region;
    private final int capacity;
    private final long mask;
    private final MpmcSide producers;
    private final MpmcSide consumers;
    private final ThreadLocal<Claim> reserved = ThreadLocal.withInitial(Claim::new);
    private final ThreadLocal<Claim> peeked = ThreadLocal.withInitial(Claim::new);
    /** Open batches on this object, both sides; only through OPEN. */
    @SuppressWarnings("unused")
    private int open;

    private MpmcIndexRing(MemorySegment region, int capacity) {
        this.region = region;
        this.capacity = capacity;
        this.mask = capacity - 1L;
        this.producers = new MpmcSide(region, MpmcIndexRingDescriptor.PRODUCER_HEAD_OFFSET,
                MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, capacity);
        this.consumers = new MpmcSide(region, MpmcIndexRingDescriptor.CONSUMER_HEAD_OFFSET,
                MpmcIndexRingDescriptor.CONSUMER_TAIL_OFFSET, MpmcIndexRingDescriptor.PRODUCER_TAIL_OFFSET, 0);
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
     * @throws IllegalStateException    if this thread has a {@link #reserve} batch open
     */
    public boolean offer(int value) {
        Checks.requireNonNegative(value, "value");
        requireNoBatch(reserved, "offer", "reserved", "submit");
        long position = producers.claimOne();
        if (position < 0) {
            return false;
        }
        SLOT.set(region, slot(position), value);
        producers.complete(position, position + 1);
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
        requireNoBatch(reserved, "offer", "reserved", "submit");
        Claim claim = reserved.get();
        int n = producers.claim(claim, count);
        for (int i = 0; i < n; i++) {
            SLOT.set(region, slot(claim.start + i), values[offset + i]);
        }
        if (n > 0) {
            producers.complete(claim.start, claim.start + n);
        }
        claim.count = 0;
        return n;
    }

    /**
     * Takes one value.
     *
     * @return the oldest value, or {@code -1} when the ring is empty
     * @throws IllegalStateException if this thread has a {@link #peek} batch open
     */
    public int poll() {
        requireNoBatch(peeked, "poll", "peeked", "release");
        long position = consumers.claimOne();
        if (position < 0) {
            return -1;
        }
        int value = (int) SLOT.get(region, slot(position));
        consumers.complete(position, position + 1);
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
        requireNoBatch(peeked, "poll", "peeked", "release");
        Claim claim = peeked.get();
        int n = consumers.claim(claim, count);
        for (int i = 0; i < n; i++) {
            into[offset + i] = (int) SLOT.get(region, slot(claim.start + i));
        }
        if (n > 0) {
            consumers.complete(claim.start, claim.start + n);
        }
        claim.count = 0;
        return n;
    }

    /**
     * Opens a batch of up to {@code n} free slots for the calling thread (one claim), to fill with {@link #put} and
     * publish with {@link #submit}.
     *
     * @param n how many slots are wanted, 1 to capacity
     * @return how many were granted, 0 when the ring is full (no batch is open then)
     * @throws IllegalArgumentException if {@code n} is out of range
     * @throws IllegalStateException    if this thread has a batch open on this side
     */
    public int reserve(int n) {
        Checks.requireInRange(n, 1, capacity, "n");
        requireNoBatch(reserved, "reserve", "reserved", "submit");
        return open(producers, reserved.get(), n);
    }

    /**
     * Writes the {@code i}-th slot of the calling thread's open {@link #reserve} batch.
     *
     * @param i     0 to granted - 1
     * @param value a value {@code >= 0}
     * @throws IllegalArgumentException if {@code i} is outside the batch or {@code value < 0}
     */
    public void put(int i, int value) {
        Claim claim = reserved.get();
        Checks.requireInRange(i, 0, claim.count - 1L, "i");
        Checks.requireNonNegative(value, "value");
        SLOT.set(region, slot(claim.start + i), value);
    }

    /**
     * Publishes the first {@code n} slots of the calling thread's open batch, after waiting for the producers that
     * claimed before it, and closes the batch.
     *
     * @param n 0 to granted; below granted only while no other producer has reserved after this batch
     * @throws IllegalArgumentException if {@code n} is out of range
     * @throws IllegalStateException    if {@code n} is below granted and another producer claimed after this batch
     *                                  (the batch stays open)
     */
    public void submit(int n) {
        close(producers, reserved.get(), n, "submit");
    }

    /**
     * Opens a batch of up to {@code n} values for the calling thread (one claim: they are its from now on), read
     * with {@link #get} and freed with {@link #release}.
     *
     * @param n how many values are wanted, 1 to capacity
     * @return how many are shown, 0 when the ring is empty (no batch is open then)
     * @throws IllegalArgumentException if {@code n} is out of range
     * @throws IllegalStateException    if this thread has a batch open on this side
     */
    public int peek(int n) {
        Checks.requireInRange(n, 1, capacity, "n");
        requireNoBatch(peeked, "peek", "peeked", "release");
        return open(consumers, peeked.get(), n);
    }

    /**
     * Reads the {@code i}-th value of the calling thread's open {@link #peek} batch.
     *
     * @param i 0 to shown - 1
     * @return the value
     * @throws IllegalArgumentException if {@code i} is outside the batch
     */
    public int get(int i) {
        Claim claim = peeked.get();
        Checks.requireInRange(i, 0, claim.count - 1L, "i");
        return (int) SLOT.get(region, slot(claim.start + i));
    }

    /**
     * Frees the slots of the first {@code n} values of the calling thread's open batch, after waiting for the
     * consumers that claimed before it, and closes the batch; the other values go back to the ring.
     *
     * @param n 0 to shown; below shown only while no other consumer has peeked or polled after this batch
     * @throws IllegalArgumentException if {@code n} is out of range
     * @throws IllegalStateException    if {@code n} is below shown and another consumer claimed after this batch
     *                                  (the batch stays open)
     */
    public void release(int n) {
        close(consumers, peeked.get(), n, "release");
    }

    /**
     * How many values the ring holds (published and not yet claimed): exact when nothing moves, otherwise a value
     * between 0 and capacity that was close to true during the call.
     *
     * @return the number of values in the ring
     */
    public int size() {
        long consumed = consumers.head();
        long produced = producers.tail();
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

    private int open(MpmcSide side, Claim claim, int n) {
        int granted = side.claim(claim, n);
        if (granted > 0) {
            OPEN.getAndAdd(this, 1);
        }
        return granted;
    }

    private void close(MpmcSide side, Claim claim, int n, String verb) {
        Checks.requireInRange(n, 0, claim.count, "n");
        if (claim.count == 0) {
            return;
        }
        if (n < claim.count && !side.giveBack(claim.start + claim.count, claim.start + n)) {
            throw new IllegalStateException("only the last claim can give slots back; another thread claimed after"
                    + " this batch, so " + verb + " all " + claim.count + " of it: n=" + n);
        }
        if (n > 0) {
            side.complete(claim.start, claim.start + n);
        }
        claim.count = 0;
        OPEN.getAndAdd(this, -1);
    }

    /** Checks that the thread has no open batch on a side (looks it up only when some batch is open). */
    private void requireNoBatch(ThreadLocal<Claim> side, String call, String what, String close) {
        if ((int) OPEN.getOpaque(this) == 0) {
            return;
        }
        Claim claim = side.get();
        if (claim.count != 0) {
            throw new IllegalStateException("cannot " + call + " while " + claim.count + " slots are " + what
                    + " by this thread: " + close + " them first");
        }
    }

    private long slot(long position) {
        return MpmcIndexRingDescriptor.SLOTS_OFFSET + ((position & mask) << 2);
    }
}
