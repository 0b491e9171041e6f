package dev.allocator.ring;

/**
 * The layout of an {@link SpscIndexRing} region; every offset is from the start of the region, little-endian
 * (native order on the platforms this project runs on).
 *
 * <pre>
 *  offset 0    +--------+---------+------+----------+---------------------+
 *              | magic  | version | kind | capacity |    (zero) ...       |   header line, written once
 *              | long   | int     | int=1| int      |                     |
 *  offset 128  +--------+---------+------+----------+---------------------+
 *              | producer position (long): values ever offered            |   written by the producer only,
 *              |                                                          |   after the slots below it
 *              | ... rest of the 128-byte line unused ...                 |
 *  offset 256  +----------------------------------------------------------+
 *              | consumer position (long): values ever taken              |   written by the consumer only
 *              | ... rest of the 128-byte line unused ...                 |
 *  offset 384  +------+------+------+--------------------------+----------+
 *              | slot | slot | slot |  ...                     | slot     |   capacity ints; value at
 *              |  0   |  1   |  2   |                          | cap - 1  |   position p sits in p & (cap - 1),
 *              +------+------+------+--------------------------+----------+   stored as value + 1; 0 = empty
 * </pre>
 *
 * <p>A slot carries its own validity: the producer stores {@code value + 1} (a batch last slot first), the consumer
 * reads it, stores 0 and only then advances its position. So the consumer needs only the slots to find values,
 * and the producer position line is read only by {@code size()}, {@code attach} and a successor consumer.
 *
 * <p>Positions only grow (a 64-bit count never wraps in practice); {@code producer - consumer} is the number of values
 * in the ring, between 0 and capacity. Each position has a 128-byte line to itself, so a producer and a consumer on
 * two cores never write the same line nor a line the adjacent-line prefetcher pairs with the other's.
 */
public final class SpscIndexRingDescriptor {

    /** The {@code kind} written into the header. */
    public static final int KIND = 1;
    /** Offset of the producer position. */
    public static final long PRODUCER_OFFSET = RingHeader.LINE;
    /** Offset of the consumer position. */
    public static final long CONSUMER_OFFSET = 2 * RingHeader.LINE;
    /** Offset of slot 0. */
    public static final long SLOTS_OFFSET = 3 * RingHeader.LINE;

    private SpscIndexRingDescriptor() {
    }

    /**
     * The bytes a ring of {@code capacity} slots needs.
     *
     * @param capacity a power of two
     * @return the region size
     */
    static long byteSize(int capacity) {
        return SLOTS_OFFSET + (long) capacity * Integer.BYTES;
    }
}
