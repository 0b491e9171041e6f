package dev.allocator.pool.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/** Padding before the head; see the package documentation. */
abstract class TaggedFreeListPad0 {
    /** Takes the 4 bytes after a compressed object header, which the JVM would otherwise give to a subclass field. */
    int gap;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The head word, alone on its cache lines. */
abstract class TaggedFreeListHead extends TaggedFreeListPad0 {
    /** Tag and first free index, see {@link FreeListDescriptor}; only accessed through {@code HEAD}. */
    volatile long head;
}

/** Padding after the head. */
abstract class TaggedFreeListPad1 extends TaggedFreeListHead {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33, p34, p35;
}

/**
 * A lock-free LIFO list of block indices whose links live inside the free blocks themselves (an intrusive Treiber
 * stack), with an ABA tag in the head. Any thread may call any method.
 *
 * <p>Happens-before: whatever a thread did before it {@linkplain #push pushed} a block happens-before whatever the
 * thread that {@linkplain #pop pops} that block does afterwards, so a block's contents travel safely with it.
 *
 * {@snippet :
 * TaggedFreeList list = new TaggedFreeList(slab, 64, 1024);
 * list.linkAll();              // 0 -> 1 -> ... -> 1023
 * int block = list.pop();      // 0, or END (-1) when empty
 * list.push(block);
 * }
 *
 * <p>The caller guarantees that every index it pushes is in range and not in the list already (the pool checks
 * both before it calls here); pushing a free block again makes a cycle.
 */
public final class TaggedFreeList extends TaggedFreeListPad1 {

    /*
     * Maintainers' notes.
     *
     * State: `head` = (tag, first) as laid out in FreeListDescriptor; link(i) = the int at i * stride in `links`.
     *
     * Invariants (at every instant, from the linearization points below):
     *  I1. The free set is the chain first, link(first), link(link(first)), ... up to END; it has no cycle and no
     *      index twice, and its members are exactly the blocks no caller holds.
     *  I2. The link of a block in the free set is written only by the thread that is pushing it, before the CAS that
     *      publishes it; while a block is free nobody writes its link.
     *  I3. Every successful CAS of `head` changes its tag (+1 mod 2^32).
     *
     * pop: read head (volatile) -> if END, the list was empty at that read: the linearization point of an empty pop.
     *      Read link(first) -> CAS head (tag, first) to (tag+1, link). The successful CAS is the linearization point.
     *      A link out of range is either stale (the head moved: retry) or, with the head unchanged, a stray write into
     *      a free block: FreeListCorruptException, and the list stays as it was (never a head outside the slab).
     *      The link read may race with a thread that popped `first` meanwhile and wrote user data over it; then the
     *      tag has moved on (I3) and the CAS fails, so a torn or stale link is never installed. Without the tag, that
     *      is the ABA bug: first popped, another popped, first pushed back, and the stale link (the other block, now
     *      held by someone) becomes the head: one block handed out twice. The test code keeps such a tagless variant
     *      and shows that Lincheck finds it.
     * push: read head -> write link(index) = first -> CAS head to (tag+1, index): the linearization point. The link
     *      write happens-before the CAS (program order + volatile write), which synchronizes-with the pop that reads
     *      this head, so the popper reads our link and, through it, everything the pusher did to the block.
     * popInto: like pop but walks up to n links from first before the one CAS; each link read is checked to be in
     *      range, since a stale walk may read user data; an out-of-range link means the head has moved, so re-read. After
     *      the CAS the chain is the caller's, and a second walk copies it out.
     * pushMany: link the batch among itself once (the blocks are the caller's, no one else reads them), then per
     *      attempt only the batch's last link is pointed at the current first before one CAS.
     *
     * Tag wrap-around: a CAS can succeed wrongly only if, between a thread's read of head and its CAS, exactly a
     * multiple of 2^32 successful updates happen and the index is the same again. At 100 million updates per second
     * that is 43 s during which the thread sat between two adjacent instructions, with that exact count; we accept
     * it (as do the JDK and every tagged Treiber stack), and say so here.
     *
     * Memory order: HEAD read with getVolatile and updated with compareAndSet (volatile), which is the acquire and
     * release pair the happens-before above needs; links are plain accesses ordered by them.
     */

    private static final VarHandle HEAD;
    private static final ValueLayout.OfInt LINK = ValueLayout.JAVA_INT;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(TaggedFreeListHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment links;
    private final long stride;
    private final int capacity;

    /**
     * Creates an empty list over a slab.
     *
     * @param links    the slab: block {@code i} starts at {@code i * stride}; at least {@code capacity * stride} bytes
     * @param stride   the distance between blocks, a multiple of 4 and at least 4
     * @param capacity the number of blocks
     * @throws IllegalArgumentException when the slab is too small for {@code capacity} blocks
     */
    public TaggedFreeList(MemorySegment links, long stride, int capacity) {
        if (capacity < 0 || capacity > FreeListDescriptor.MAX_CAPACITY || stride < FreeListDescriptor.LINK_SIZE
                || links.byteSize() < capacity * stride) {
            throw new IllegalArgumentException("slab of " + links.byteSize() + " bytes cannot hold " + capacity
                    + " blocks of stride " + stride);
        }
        this.links = links;
        this.stride = stride;
        this.capacity = capacity;
        HEAD.setVolatile(this, FreeListDescriptor.pack(0, END));
    }

    /**
     * Puts every block in the list, in index order: block 0 is popped first. Call once, before other threads use
     * the list.
     */
    public void linkAll() {
        for (int i = 0; i < capacity; i++) {
            link(i, i + 1 < capacity ? i + 1 : END);
        }
        HEAD.setVolatile(this, FreeListDescriptor.pack(0, capacity > 0 ? 0 : END));
    }

    /**
     * Takes the first free block.
     *
     * @return its index, or {@link FreeListDescriptor#END} when the list is empty
     * @throws FreeListCorruptException when the first free block's link is out of range while the head is unchanged
     *                                  (written to while free); the list is unchanged
     */
    public int pop() {
        final MemorySegment links = this.links;
        final long stride = this.stride;
        while (true) {
            final long head = (long) HEAD.getVolatile(this);
            final int first = FreeListDescriptor.index(head);
            if (first == END) {
                return END;
            }
            final int next = links.get(LINK, FreeListDescriptor.linkOffset(first, stride));
            if (next < END || next >= capacity) {
                if ((long) HEAD.getVolatile(this) == head) {
                    throw corrupt(first, next);
                }
                continue; // a stale read of a block popped and written meanwhile: the head has moved on
            }
            if (HEAD.compareAndSet(this, head, FreeListDescriptor.successor(head, next))) {
                return first;
            }
        }
    }

    /**
     * Gives a block back.
     *
     * @param index a block that is not in the list, {@code 0 <= index < capacity}
     */
    public void push(int index) {
        final MemorySegment links = this.links;
        final long offset = FreeListDescriptor.linkOffset(index, stride);
        long head;
        do {
            head = (long) HEAD.getVolatile(this);
            links.set(LINK, offset, FreeListDescriptor.index(head));
        } while (!HEAD.compareAndSet(this, head, FreeListDescriptor.successor(head, index)));
    }

    /**
     * Takes up to {@code count} free blocks with one successful CAS, writing their indices to {@code into} in list
     * order. The pool's one chain walk: lanes, slots, local caches and bulk takes all refill through it.
     *
     * @param into   where the indices go
     * @param offset the first slot of {@code into} to fill
     * @param count  how many blocks are wanted, {@code >= 1}
     * @return how many were taken, {@code <= count}; 0 when the list is empty. Slots of {@code into} past them are
     *         unchanged
     * @throws FreeListCorruptException when the list is found corrupt (a free block whose link is out of range while
     *                                  the head is unchanged): only after misuse the pool could not detect; the list
     *                                  and {@code into} are unchanged
     */
    public int popInto(int[] into, int offset, int count) {
        final long chain = popChain(count);
        final int taken = (int) (chain >>> 32);
        int current = (int) chain;
        for (int i = offset; i < offset + taken; i++) { // the chain is ours since the CAS: its links are stable
            into[i] = current;
            current = links.get(LINK, FreeListDescriptor.linkOffset(current, stride));
        }
        return taken;
    }

    /** Unlinks up to {@code count} blocks with one CAS: (length << 32 | first), length 0 when empty. */
    private long popChain(int count) {
        final MemorySegment links = this.links;
        final long stride = this.stride;
        final int capacity = this.capacity;
        while (true) {
            final long head = (long) HEAD.getVolatile(this);
            final int first = FreeListDescriptor.index(head);
            if (first == END) {
                return 0;
            }
            int taken = 0;
            int current = first;
            int next;
            boolean stale = false;
            while (true) {
                taken++;
                next = links.get(LINK, FreeListDescriptor.linkOffset(current, stride));
                if (next < END || next >= capacity) {
                    if ((long) HEAD.getVolatile(this) == head) {
                        throw corrupt(current, next);
                    }
                    stale = true; // the walk read user data: the head has moved on
                    break;
                }
                if (taken == count || next == END) {
                    break;
                }
                current = next;
            }
            if (!stale && HEAD.compareAndSet(this, head, FreeListDescriptor.successor(head, next))) {
                return ((long) taken << 32) | (first & 0xFFFF_FFFFL);
            }
        }
    }

    private static FreeListCorruptException corrupt(int block, int link) {
        return new FreeListCorruptException(block, "free-list corrupt: free block " + block + " links to " + link
                + ", outside the list (written to while free, or freed twice with double-free checking off?)");
    }

    /**
     * Gives back {@code count} blocks with one successful CAS; {@code indices[offset]} will be popped first.
     *
     * @param indices the blocks, none of them in the list, no index twice
     * @param offset  the first slot of {@code indices} to read
     * @param count   how many, {@code >= 0}
     */
    public void pushMany(int[] indices, int offset, int count) {
        if (count <= 0) {
            return;
        }
        for (int i = offset; i < offset + count - 1; i++) {
            link(indices[i], indices[i + 1]);
        }
        pushChain(indices[offset], indices[offset + count - 1]);
    }

    /**
     * Gives back a chain of blocks the caller has already linked among themselves with {@link #link}, from
     * {@code first} to {@code last}, with one successful CAS.
     *
     * @param first the block that will be popped first
     * @param last  the last block of the chain, whose link this method sets
     */
    public void pushChain(int first, int last) {
        final MemorySegment links = this.links;
        final long lastOffset = FreeListDescriptor.linkOffset(last, stride);
        long head;
        do {
            head = (long) HEAD.getVolatile(this);
            links.set(LINK, lastOffset, FreeListDescriptor.index(head));
        } while (!HEAD.compareAndSet(this, head, FreeListDescriptor.successor(head, first)));
    }

    /**
     * Writes block {@code index}'s link, for building a chain to give to {@link #pushChain}. The block must be the
     * caller's (not in the list).
     *
     * @param index the block
     * @param next  the block after it
     */
    public void link(int index, int next) {
        links.set(LINK, FreeListDescriptor.linkOffset(index, stride), next);
    }

    /**
     * The head word, for tests and diagnostics.
     *
     * @return the packed tag and first index
     */
    public long head() {
        return (long) HEAD.getVolatile(this);
    }

    /**
     * The free blocks in list order. Only meaningful while no other thread uses the list; stops after
     * {@code capacity + 1} entries so that a corrupted (cyclic) list shows up as one entry too many.
     *
     * @return the indices, first to last
     */
    public int[] snapshot() {
        int[] out = new int[capacity + 1];
        int n = 0;
        int current = FreeListDescriptor.index(head());
        while (current != END && n < out.length) {
            out[n++] = current;
            if (current < 0 || current >= capacity) {
                break;
            }
            current = links.get(LINK, FreeListDescriptor.linkOffset(current, stride));
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
