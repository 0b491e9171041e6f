package dev.allocator.pool.internal;

/**
 * Where the free-list keeps its state: the packed head word and the link inside each free block.
 *
 * <pre>
 * The head: one long, read and compare-and-set as a unit.
 *
 *   63                              32 31                               0
 *  +----------------------------------+----------------------------------+
 *  |   tag: bumped by every update    |  index of the first free block   |
 *  |   (unsigned, wraps at 2^32)      |  or 0xFFFFFFFF (END): list empty |
 *  +----------------------------------+----------------------------------+
 *
 * Block i of the slab starts at i * stride. While it is free its first four bytes hold the link:
 *
 *   0          4                                            stride
 *  +----------+------------------------------------------------+
 *  | next: int|  rest of the block (user bytes, or zeros when  |
 *  | or END   |  the pool wipes on free); stride &gt;= 8        |
 *  +----------+------------------------------------------------+
 *
 * The link is native-endian, at a 4-aligned address (the slab is 8-aligned and the stride a multiple of 8).
 * It means nothing while the block is allocated: the user owns all its bytes then.
 * </pre>
 *
 * {@snippet :
 * long head = FreeListDescriptor.pack(7, 3);                     // tag 7, first free block 3
 * int first = FreeListDescriptor.index(head);                     // 3
 * long next = FreeListDescriptor.successor(head, 5);              // tag 8, first free block 5
 * }
 */
public final class FreeListDescriptor {

    /** The index that marks the end of the list (and an empty list, as the head's index). */
    public static final int END = -1;

    /** Offset of the next-link inside a free block. */
    public static final long LINK_OFFSET = 0;

    /** Size of the next-link: an {@code int} index. */
    public static final long LINK_SIZE = Integer.BYTES;

    /** The smallest stride: room for the link, and every link 4-aligned whatever the block alignment. */
    public static final long MIN_STRIDE = 8;

    /** The alignment the slab needs at least, so that every link is aligned. */
    public static final long MIN_SLAB_ALIGNMENT = 8;

    /** The largest capacity: indices are ints, {@link #END} is reserved, arrays of this length are allocatable. */
    public static final int MAX_CAPACITY = 1 << 30;

    private static final int TAG_SHIFT = 32;
    private static final long TAG_ONE = 1L << TAG_SHIFT;
    private static final long TAG_MASK = 0xFFFF_FFFF_0000_0000L;
    private static final long INDEX_MASK = 0x0000_0000_FFFF_FFFFL;

    private FreeListDescriptor() {
    }

    /**
     * Packs a tag and an index into a head word.
     *
     * @param tag   the tag (all 32 bits are kept)
     * @param index the first free block, or {@link #END}
     * @return the head word
     */
    public static long pack(int tag, int index) {
        return ((long) tag << TAG_SHIFT) | (index & INDEX_MASK);
    }

    /**
     * The index of the first free block in a head word.
     *
     * @param head the head word
     * @return the index, or {@link #END} when the list is empty
     */
    public static int index(long head) {
        return (int) head;
    }

    /**
     * The head word that replaces {@code head} when the first free block becomes {@code index}: the tag goes up by
     * one (wrapping at 2^32) and the index is replaced.
     *
     * @param head  the head word read before the update
     * @param index the new first free block, or {@link #END}
     * @return the new head word
     */
    public static long successor(long head, int index) {
        return ((head + TAG_ONE) & TAG_MASK) | (index & INDEX_MASK);
    }

    /**
     * Offset of block {@code index}'s link in the slab.
     *
     * @param index  the block
     * @param stride the distance between blocks
     * @return the byte offset
     */
    public static long linkOffset(int index, long stride) {
        return index * stride + LINK_OFFSET;
    }
}
