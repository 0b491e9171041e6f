package dev.allocator.ring;

import dev.allocator.api.Checks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer ring of non-negative {@code int} values (pool block indices) whose whole
 * shared state lives in a {@link MemorySegment}: the segment can be a file mapping, and the producer and the consumer
 * two processes. The layout is {@link SpscIndexRingDescriptor}.
 *
 * {@snippet :
 * MemorySegment region = arena.allocate(SpscIndexRing.byteSize(1024), 128);
 * SpscIndexRing ring = SpscIndexRing.create(region, 1024);   // the other side: SpscIndexRing.attach(region)
 * ring.offer(7);                                             // producer
 * int index = ring.poll();                                   // consumer: 7, or -1 when empty
 * }
 *
 * <p><b>Threads.</b> At most one thread produces ({@code offer}, {@code reserve}/{@code put}/{@code submit}) and at
 * most one thread consumes ({@code poll}, {@code peek}/{@code get}/{@code release}) at a time, across every ring
 * object attached to the region; the two may be the same object or two objects in two processes. Handing a side to
 * another thread needs a happens-before edge between the two (a lock, a join); handing it to another ring object
 * (a restarted process) needs {@link #attach} after the previous one stopped. {@link #size()} and
 * {@link #capacity()} may be called from any thread.
 *
 * <p><b>Memory ordering.</b> Everything the producer wrote before offering a value (into the block the value names,
 * say) happens-before the consumer's taking it; everything the consumer did with a value before taking the next ones
 * happens-before the producer's reuse of that slot.
 *
 * <p><b>Batches.</b> {@code reserve(n)} grants up to {@code n} free slots, {@code put(i, value)} fills them (staged
 * in this object, on the heap: the first reservation of a new largest size allocates once),
 * {@code submit(k)} writes and publishes the first {@code k} with one position store (the rest are given up). {@code peek(n)}
 * shows up to {@code n} values, {@code get(i)} reads them, {@code release(k)} frees the first {@code k} slots with one
 * store. While a batch is open its side takes no other batch and no single {@code offer}/{@code poll}
 * ({@link IllegalStateException}).
 *
 * <p><b>Process death.</b> A side killed anywhere leaves the ring usable by a successor that {@link #attach}es: a
 * producer killed mid-offer leaves at most a filled slot above its published position, which the next offer
 * overwrites; a consumer killed after clearing slots but before freeing them has taken those values, and its
 * successor skips them on its first poll or peek.
 *
 * <p><b>Errors.</b> Bad arguments throw {@link IllegalArgumentException} ("what must hold: name=value"), a null array
 * or region {@link NullPointerException}, and nothing moves. A closed mapping throws what the segment throws
 * ({@link IllegalStateException}).
 */
public final class SpscIndexRing implements IndexRing {

    /*
     * Maintainers. Positions count values ever offered (producer) and taken (consumer); slot = position & mask.
     * Invariant: 0 <= producer - consumer <= capacity. Each side keeps its own position in its Cursor (it is the only
     * writer of it, so the segment copy is only for the other side). The producer keeps a cached copy of the
     * consumer position, refreshed with an acquire load only when the cache says full; it is only ever behind the
     * truth, so it can only make the producer see less room, and a full answer is re-checked before it is returned.
     *
     * Slots hold value + 1; 0 is an empty slot. Publication: the producer release-stores value + 1 into each slot,
     * a batch's slots last to first, then setRelease(producer position), which only size() and a resuming consumer
     * read. The linearization point of offer/submit is the release store of its first slot: whoever sees that slot
     * filled (getAcquire) sees the batch's other slots filled too, so a batch appears whole. The consumer looks at
     * slots only (poll: its slot, 0 = nothing yet; batches: the run of filled slots from its position), so a
     * consumer that has caught up reads a slot line, not the producer's position line, which the producer writes on
     * every offer; its position may run ahead of the producer's published one for a moment. Every consumer path
     * clears the slots it took (store 0) before setRelease(consumer position) - the linearization point of
     * poll/release; the producer reuses a slot only after an acquire of a consumer position past it, so
     * it sees the slot cleared and its new value is ordered after the clear (a consumer never sees a value from an
     * earlier lap). Invariant: slots in [consumer, producer) hold non-zero, the others 0, except slots an offer in
     * progress has filled and not yet published. An open reserve batch therefore cannot fill its slots in place (poll()
     * would take them before submit): put() stages values in the producer's Cursor, submit() stores them.
     */

    private static final VarHandle POSITION = ValueLayout.JAVA_LONG.varHandle();
    /** A slot: value + 1, 0 when empty. */
    private static final VarHandle SLOT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment region;
    private final int capacity;
    private final long mask;
    private final Cursor producer = new Cursor();
    private final Cursor consumer = new Cursor();

    private SpscIndexRing(MemorySegment region, int capacity) {
        this.region = region;
        this.capacity = capacity;
        this.mask = capacity - 1L;
        long produced = (long) POSITION.getAcquire(region, SpscIndexRingDescriptor.PRODUCER_OFFSET);
        long consumed = (long) POSITION.getAcquire(region, SpscIndexRingDescriptor.CONSUMER_OFFSET);
        producer.position = produced;
        producer.cached = consumed;
        consumer.position = consumed;
        consumer.cached = produced;
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
        return SpscIndexRingDescriptor.byteSize(capacity);
    }

    /**
     * Writes an empty ring into {@code region} (its header last) and returns the producer's and consumer's view of
     * it. No other party may use the region while it is created.
     *
     * @param region   at least {@link #byteSize(int) byteSize(capacity)} bytes, aligned to 8
     * @param capacity a power of two, at most 2<sup>30</sup>
     * @return the ring
     * @throws IllegalArgumentException if the capacity is not a power of two or the region too small or misaligned
     * @throws NullPointerException     if {@code region} is null
     */
    public static SpscIndexRing create(MemorySegment region, int capacity) {
        Checks.requirePowerOfTwo(capacity, "capacity");
        RingHeader.write(region, capacity, SpscIndexRingDescriptor.KIND, byteSize(capacity));
        return new SpscIndexRing(region, capacity);
    }

    /**
     * Attaches to a ring another party created, such as another process over the same file.
     *
     * @param region the region {@link #create} wrote
     * @return the ring, with the positions the region holds now
     * @throws IllegalArgumentException if the region holds no ring (magic), another layout version, another kind of
     *                                  ring, or is smaller than its capacity needs; the message says which
     * @throws NullPointerException     if {@code region} is null
     */
    public static SpscIndexRing attach(MemorySegment region) {
        int capacity = RingHeader.check(region, SpscIndexRingDescriptor.KIND, "a single-producer index ring");
        RingHeader.checkRegion(region, SpscIndexRingDescriptor.byteSize(capacity));
        return new SpscIndexRing(region, capacity);
    }

    /**
     * Offers one value (producer).
     *
     * @param value a value {@code >= 0}
     * @return whether it was added; {@code false} when the ring is full
     * @throws IllegalArgumentException if {@code value < 0}
     * @throws IllegalStateException    if a {@link #reserve} batch is open
     */
    public boolean offer(int value) {
        Checks.requireNonNegative(value, "value");
        producer.requireNoBatch("offer", "reserved", "submit");
        long position = producer.position;
        if (position - producer.cached >= capacity && position - refreshConsumer() >= capacity) {
            return false;
        }
        SLOT.setRelease(region, slot(position), value + 1);
        publish(position + 1);
        return true;
    }

    /**
     * Offers up to {@code count} values from {@code values[offset..]} (producer), published with one release store.
     *
     * @param values the values, each {@code >= 0}
     * @param offset the first to offer
     * @param count  how many to offer at most
     * @return how many were added (the first ones), 0 when the ring is full
     * @throws IllegalArgumentException if the range lies outside the array or a value in it is negative
     * @throws IllegalStateException    if a {@link #reserve} batch is open
     */
    public int offer(int[] values, int offset, int count) {
        RingHeader.checkRange(values, offset, count);
        RingHeader.checkValues(values, offset, count);
        producer.requireNoBatch("offer", "reserved", "submit");
        int n = free(count);
        long position = producer.position;
        for (int i = n - 1; i >= 0; i--) {
            SLOT.setRelease(region, slot(position + i), values[offset + i] + 1);
        }
        if (n > 0) {
            publish(position + n);
        }
        return n;
    }

    /**
     * Takes one value (consumer).
     *
     * @return the oldest value, or {@code -1} when the ring is empty
     * @throws IllegalStateException if a {@link #peek} batch is open
     */
    public int poll() {
        consumer.requireNoBatch("poll", "peeked", "release");
        long position = consumer.position;
        long slot = slot(position);
        int stored = (int) SLOT.getAcquire(region, slot);
        if (stored == 0) {
            if (consumer.resumed || !resumeConsumer()) {
                return -1;
            }
            return poll();
        }
        SLOT.set(region, slot, 0);
        consume(position + 1);
        return stored - 1;
    }

    /**
     * Takes up to {@code count} values into {@code into[offset..]} (consumer), freed with one release store.
     *
     * @param into   where to put them
     * @param offset the first array slot to fill
     * @param count  how many to take at most
     * @return how many were taken, 0 when the ring is empty
     * @throws IllegalArgumentException if the range lies outside the array
     * @throws IllegalStateException    if a {@link #peek} batch is open
     */
    public int poll(int[] into, int offset, int count) {
        RingHeader.checkRange(into, offset, count);
        consumer.requireNoBatch("poll", "peeked", "release");
        int n = available(count);
        long position = consumer.position;
        for (int i = 0; i < n; i++) {
            long slot = slot(position + i);
            into[offset + i] = (int) SLOT.get(region, slot) - 1;
            SLOT.set(region, slot, 0);
        }
        if (n > 0) {
            consume(position + n);
        }
        return n;
    }

    /**
     * Opens a batch of up to {@code n} free slots for the producer, to fill with {@link #put} and publish with
     * {@link #submit}.
     *
     * @param n how many slots are wanted, 1 to capacity
     * @return how many were granted, 0 when the ring is full (no batch is open then)
     * @throws IllegalArgumentException if {@code n} is out of range
     * @throws IllegalStateException    if a batch is already open
     */
    public int reserve(int n) {
        Checks.requireInRange(n, 1, capacity, "n");
        producer.requireNoBatch("reserve", "reserved", "submit");
        producer.pending = free(n);
        if (producer.staged.length < producer.pending) {
            producer.staged = new int[producer.pending];
        }
        return producer.pending;
    }

    /**
     * {@inheritDoc}
     * @throws IllegalArgumentException if {@code i} is outside the {@link #reserve} batch or {@code value < 0}
     */
    public void put(int i, int value) {
        Checks.requireInRange(i, 0, producer.pending - 1L, "i");
        Checks.requireNonNegative(value, "value");
        producer.staged[i] = value;
    }

    /**
     * Publishes the first {@code n} slots of the open batch to the consumer and closes the batch.
     *
     * @param n 0 to granted
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public void submit(int n) {
        Checks.requireInRange(n, 0, producer.pending, "n");
        producer.pending = 0;
        for (int i = n - 1; i >= 0; i--) {
            SLOT.setRelease(region, slot(producer.position + i), producer.staged[i] + 1);
        }
        if (n > 0) {
            publish(producer.position + n);
        }
    }

    /**
     * Opens a batch of up to {@code n} values for the consumer, read with {@link #get} and freed with
     * {@link #release}.
     *
     * @param n how many values are wanted, 1 to capacity
     * @return how many are shown, 0 when the ring is empty (no batch is open then)
     * @throws IllegalArgumentException if {@code n} is out of range
     * @throws IllegalStateException    if a batch is already open
     */
    public int peek(int n) {
        Checks.requireInRange(n, 1, capacity, "n");
        consumer.requireNoBatch("peek", "peeked", "release");
        consumer.pending = available(n);
        return consumer.pending;
    }

    /**
     * {@inheritDoc}
     * @throws IllegalArgumentException if {@code i} is outside the {@link #peek} batch
     */
    public int get(int i) {
        Checks.requireInRange(i, 0, consumer.pending - 1L, "i");
        return (int) SLOT.get(region, slot(consumer.position + i)) - 1;
    }

    /**
     * Frees the first {@code n} values of the open batch (they are taken; the rest stay in the ring) and closes it.
     *
     * @param n 0 to shown
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public void release(int n) {
        Checks.requireInRange(n, 0, consumer.pending, "n");
        consumer.pending = 0;
        for (int i = 0; i < n; i++) {
            SLOT.set(region, slot(consumer.position + i), 0);
        }
        if (n > 0) {
            consume(consumer.position + n);
        }
    }

    /** {@inheritDoc} While the sides move, a value that was true at some moment during the call. */
    @Override
    public int size() {
        long consumed = (long) POSITION.getAcquire(region, SpscIndexRingDescriptor.CONSUMER_OFFSET);
        long produced = (long) POSITION.getAcquire(region, SpscIndexRingDescriptor.PRODUCER_OFFSET);
        return (int) Math.clamp(produced - consumed, 0, capacity);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "SpscIndexRing(capacity=" + capacity + ", size=" + size() + ")";
    }

    private int free(int wanted) {
        long used = producer.position - producer.cached;
        if (capacity - used < wanted) {
            used = producer.position - refreshConsumer();
        }
        return (int) Math.min(wanted, capacity - used);
    }

    private int available(int wanted) {
        if (!consumer.resumed) {
            resumeConsumer();
        }
        long position = consumer.position;
        int limit = Math.min(wanted, capacity);
        int ready = 0;
        while (ready < limit && (int) SLOT.getAcquire(region, slot(position + ready)) != 0) {
            ready++;
        }
        return ready;
    }

    /*
     * Run once by the consumer of this object before it first finds a slot empty or reads by position: skips the
     * slots below the producer position that a previous consumer cleared but died before freeing (their values were
     * taken). The one-consumer rule makes this consumer the only one. Returns whether it skipped any.
     */
    private boolean resumeConsumer() {
        consumer.resumed = true;
        long produced = refreshProducer();
        long position = consumer.position;
        while (position < produced && (int) SLOT.getAcquire(region, slot(position)) == 0) {
            position++;
        }
        if (position == consumer.position) {
            return false;
        }
        consume(position);
        return true;
    }

    private long refreshConsumer() {
        producer.cached = (long) POSITION.getAcquire(region, SpscIndexRingDescriptor.CONSUMER_OFFSET);
        return producer.cached;
    }

    private long refreshProducer() {
        consumer.cached = (long) POSITION.getAcquire(region, SpscIndexRingDescriptor.PRODUCER_OFFSET);
        return consumer.cached;
    }

    private void publish(long position) {
        POSITION.setRelease(region, SpscIndexRingDescriptor.PRODUCER_OFFSET, position);
        producer.position = position;
    }

    private void consume(long position) {
        POSITION.setRelease(region, SpscIndexRingDescriptor.CONSUMER_OFFSET, position);
        consumer.position = position;
    }

    private long slot(long position) {
        return SpscIndexRingDescriptor.SLOTS_OFFSET + ((position & mask) << 2);
    }
}
