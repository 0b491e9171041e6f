package dev.allocator.shm;

/**
 * The layout of a {@link SharedPool} file; offsets from the start of the file, native byte order.
 *
 * <pre>
 *  offset 0     +--------+---------+-----------+----------+-------------+----------------+
 *               | magic  | version | blockSize | capacity | slabOffset  |  (zero) ...    |  header, written once;
 *               | long   | int     | int       | int      | long        |                |  magic written last
 *  offset 128   +--------+---------+-----------+----------+-------------+----------------+
 *               | free-list head (long): tag (high 32 bits) | index of the first free block  |  one CAS moves it;
 *               |                                           | (low 32 bits, -1 = none)       |  tag +1 on every move
 *  offset 256   +-------------------+-------------------+-----------+-----------------------+
 *               | owner pid (long)  | owner start (long)| next (int)|  (pad)                |  block 0's record,
 *               | 0 = free          | epoch ms, 0 = ?   | free-list |                       |  32 bytes
 *               +-------------------+-------------------+-----------+-----------------------+
 *               |  ... one record per block ...                                             |
 *  slabOffset   +---------------------------------------------------------------------------+  4096-aligned
 *               | block 0 (blockSize bytes) | block 1 | ... | block capacity - 1            |
 *               +---------------------------------------------------------------------------+
 * </pre>
 *
 * <p>The links of the free-list sit in the records, not in the blocks, so nothing written into a block (by any
 * process) can corrupt the list. A block is in use when its owner pid is non-zero.
 */
public final class SharedPoolDescriptor {

    /** "ALCSHMPL" little-endian. */
    public static final long MAGIC = 0x4C504D4853434C41L;
    /** Layout version; {@link SharedPool#open} refuses any other. */
    public static final int VERSION = 1;

    static final long MAGIC_OFFSET = 0;
    static final long VERSION_OFFSET = 8;
    static final long BLOCK_SIZE_OFFSET = 12;
    static final long CAPACITY_OFFSET = 16;
    static final long SLAB_OFFSET_OFFSET = 24;
    /** The header line; the free-list head has the next 128 bytes to itself. */
    static final long HEADER_BYTES = 128;
    static final long HEAD_OFFSET = 128;
    static final long RECORDS_OFFSET = 256;
    static final long RECORD_BYTES = 32;
    static final long OWNER = 0;
    static final long START = 8;
    static final long NEXT = 16;
    static final long SLAB_ALIGNMENT = 4096;
    /** Most blocks a pool holds (indices stay positive ints; a record index fits the head's 32 bits). */
    static final int MAX_CAPACITY = 1 << 30;

    private SharedPoolDescriptor() {
    }

    static long record(int index) {
        return RECORDS_OFFSET + index * RECORD_BYTES;
    }

    static long slabOffset(int capacity) {
        return (RECORDS_OFFSET + capacity * RECORD_BYTES + SLAB_ALIGNMENT - 1) & -SLAB_ALIGNMENT;
    }
}
