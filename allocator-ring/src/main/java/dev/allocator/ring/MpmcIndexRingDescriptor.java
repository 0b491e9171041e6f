package dev.allocator.ring;

/**
 * The layout of an {@link MpmcIndexRing} region; every offset is from the start of the region.
 *
 * <pre>
 *  offset 0    +--------+---------+------+----------+---------------------+
 *              | magic  | version | kind | capacity |    (zero) ...       |   header line, written once
 *              | long   | int     | int=2| int      |                     |
 *  offset 128  +---------------------+---------------------+--------------+
 *              | producer head (long)| producer tail (long)|  unused      |   head: claimed by producers (CAS)
 *              |                     |                     |              |   tail: published to consumers
 *  offset 256  +---------------------+---------------------+--------------+
 *              | consumer head (long)| consumer tail (long)|  unused      |   head: claimed by consumers (CAS)
 *              |                     |                     |              |   tail: given back to producers
 *  offset 384  +------+------+------+--------------------------+----------+
 *              | slot | slot | slot |  ...                     | slot     |   capacity ints
 *              +------+------+------+--------------------------+----------+
 * </pre>
 *
 * <p>Invariant: {@code consumerTail <= consumerHead <= producerTail <= producerHead <= consumerTail + capacity}.
 * Slots in {@code [consumerTail, producerHead)} are owned by a producer writing them or hold values or are being read;
 * slots in {@code [producerHead, consumerTail + capacity)} are free.
 */
public final class MpmcIndexRingDescriptor {

    /** The {@code kind} written into the header. */
    public static final int KIND = 2;
    /** Offset of the producers' claim position. */
    public static final long PRODUCER_HEAD_OFFSET = RingHeader.LINE;
    /** Offset of the producers' published position. */
    public static final long PRODUCER_TAIL_OFFSET = RingHeader.LINE + Long.BYTES;
    /** Offset of the consumers' claim position. */
    public static final long CONSUMER_HEAD_OFFSET = 2 * RingHeader.LINE;
    /** Offset of the consumers' released position. */
    public static final long CONSUMER_TAIL_OFFSET = 2 * RingHeader.LINE + Long.BYTES;
    /** Offset of slot 0. */
    public static final long SLOTS_OFFSET = 3 * RingHeader.LINE;

    private MpmcIndexRingDescriptor() {
    }

    static long byteSize(int capacity) {
        return SLOTS_OFFSET + (long) capacity * Integer.BYTES;
    }
}
