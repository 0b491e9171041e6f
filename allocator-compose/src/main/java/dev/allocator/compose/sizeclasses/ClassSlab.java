package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Layout;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One slab of a {@link SizeClass}: its pool, the memory under it, the address range it covers, where it stands in its
 * class's {@link SlabSupply} and the layout each of its blocks was allocated with, so that a free with another layout
 * is refused before the pool is told.
 */
final class ClassSlab {

    /** The slab is its class's current slab: allocations take from it first. */
    static final int CURRENT = 0;
    /** An allocation found no free block in it: no list holds it; the next free that sees this state lists it. */
    static final int FULL = 1;
    /** It sits in its class's stack of slabs with free blocks (or is on its way there). */
    static final int LISTED = 2;
    /** Unlisted and closed (or being closed); terminal. */
    static final int RETIRED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ClassSlab.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final VarHandle LAYOUTS = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * Unused words before and after the blocks' words in {@link #layouts} (128 bytes each side): every access reads
     * the array's length from its header's line, and the slab's own fields sit on the line before it; with block 0's
     * word there, a thread working on block 0 would take that line from every other thread using the slab. The tail
     * does the same for the next object's header.
     */
    static final int PAD = 16;
    /** Blocks of this many bytes or more are read by a free before it changes anything: a page (see {@link #touch}). */
    static final long TOUCH_FROM = 4096;
    /** Blocks whose words {@link #at} spreads over the same eight cache lines. */
    private static final int GROUP = 64;

    /** The layout word of a free block (in its pool, or in a thread's {@link BlockStack}). */
    static final long FREE = 0;
    /** The bits of a {@link #encode}d layout that hold the size (a class block is at most 1 GiB). */
    private static final long SIZE_BITS = (1L << 56) - 1;
    /** The bit every {@link #encode}d layout has set, and {@link #FREE} has not. */
    private static final long TAKEN = 1L << 63;
    /** log2 of the alignment, after the shift by 56 (an alignment is a power of two below 2^63). */
    private static final long ALIGNMENT_LOG_MASK = 0x3F;
    /** {@code 2^33 / 3}, rounded up: {@code x / 3 == (x * THIRD) >>> 33} for every {@code 0 <= x < 2^32}. */
    private static final long THIRD = 0xAAAAAAABL;

    final FixedBlockPool pool;
    final BlockIndexes indexes;
    final SlabMemory memory;
    /** The pool's whole-block segments, by index (the same objects the pool hands out). */
    final MemorySegment[] blocks;
    /** The scope of every block's segment. */
    final MemorySegment.Scope scope;
    /** Every block, read-only, from the address of block 0: what {@link #touch} reads through; null unless it reads. */
    private final MemorySegment view;
    /** Whether {@link #touch} reads: blocks of {@link #TOUCH_FROM} bytes or more. */
    private final boolean touches;
    /** The first address of the slab's memory, and one past its last. */
    final long start;
    final long end;
    /** The address of block 0, and the block stride: {@code odd << shift}, {@code odd} 1 or 3. */
    private final long base;
    private final long stride;
    private final int shift;
    private final boolean third;
    /** How many blocks: kept here, beside base and stride, so that {@link #blockAt} reads one object only. */
    private final int capacity;
    /**
     * Per block (block i at {@link #at}(i)), {@link #FREE} or the {@link #encode}d layout of its allocation: written
     * by the thread that took the block (which owns it then), set back to {@link #FREE} by the free (a
     * compare-and-set with double-free checks on), which a second free of the same block then fails. The pads, and
     * the words past the last block in its group, stay {@link #FREE}.
     */
    final long[] layouts;
    /** One of {@link #CURRENT}, {@link #FULL}, {@link #LISTED}, {@link #RETIRED}: see {@link SlabSupply}. */
    private volatile int state = CURRENT;
    /** Where the slab sits in its class's list of all slabs; guarded by the class's lock. */
    int slot;

    ClassSlab(FixedBlockPool pool, SlabMemory memory) {
        this.pool = pool;
        this.indexes = pool.indexes();
        this.memory = memory;
        final int capacity = indexes.capacity();
        this.capacity = capacity;
        this.layouts = new long[words(capacity)];
        this.blocks = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            blocks[i] = indexes.segment(i);
        }
        this.scope = blocks[0].scope();
        this.base = blocks[0].address();
        this.stride = capacity > 1 ? blocks[1].address() - base : pool.blockSize();
        this.shift = Long.numberOfTrailingZeros(stride);
        this.third = (stride >>> shift) == 3;
        if ((stride >>> shift) != 1 && !third) {
            throw new IllegalArgumentException("a class block stride is a power of two or three times one: stride="
                    + stride);
        }
        this.touches = pool.blockSize() >= TOUCH_FROM;
        this.view = touches ? indexes.memory() : null;
        this.start = memory.raw().address();
        this.end = start + memory.raw().byteSize();
    }

    /**
     * Takes a block and records {@code word} as its layout word: the pool's own segment of the whole block (no new
     * object), or null when the slab has none free or was retired meanwhile (its closed pool throws).
     */
    MemorySegment take(long word) {
        final int index;
        try {
            index = indexes.acquire();
        } catch (IllegalStateException retired) {
            return null;
        }
        if (index < 0) {
            return null;
        }
        layouts[at(index)] = word;
        return blocks[index];
    }

    /** Records {@code word} as the layout word of block {@code index}, which the calling thread has just taken. */
    void hold(int index, long word) {
        layouts[at(index)] = word;
    }

    /** The layout word of block {@code index}: {@link #FREE}, or the {@link #encode}d layout it is held with. */
    long word(int index) {
        return layouts[at(index)];
    }

    /**
     * For a class of {@link #TOUCH_FROM} bytes or more, when block {@code index} (which starts at {@code address}) is
     * held with layout word {@code word}, reads its first byte and a field of its segment ({@link #blocks}) and
     * returns a value made of both, for the caller to store where no other thread writes (so that neither load is
     * dropped); 0 for smaller classes and for a block not held with {@code word} (a plain read: it only decides
     * whether to read, never whether a free passes).
     *
     * <p>The next allocation of the class on this thread takes the block back (a thread's stack is LIFO) and its
     * caller writes it; a block of a page or more is likely out of the cache and the TLB by the time it is freed
     * (nothing in a free touches its memory, unlike malloc's), and so is its segment. Read before the free's
     * compare-and-set, the two misses overlap each other and the rest of the free instead of following the
     * compare-and-set, which waits for every earlier load, or the allocation's store.
     *
     * <p>A block held is in use, so its slab is not retired and the read meets a live scope. Were a racing double
     * free of it to let the slab retire between the word's read and the block's, the read throws the closed scope's
     * {@link IllegalStateException}, the exception of a double free, and nothing has changed.
     */
    byte touch(int index, long address, long word) {
        if (!touches || layouts[at(index)] != word) {
            return 0;
        }
        return (byte) (view.get(ValueLayout.JAVA_BYTE, address - base) ^ blocks[index].byteSize());
    }

    /**
     * Takes up to {@code count} free blocks with one bulk take; their layout words stay {@link #FREE}.
     *
     * @return how many were taken into {@code into} from {@code offset}; 0 when none is free or the slab retired
     */
    int takeMany(int[] into, int offset, int count) {
        try {
            return indexes.acquire(into, offset, count);
        } catch (IllegalStateException retired) {
            return 0;
        }
    }

    /**
     * The block that starts at {@code address}, by arithmetic alone.
     *
     * @return its index, or -1 when no block of this slab starts there
     */
    int blockAt(long address) {
        final long offset = address - base;
        long index = offset >>> shift;
        if (third) {
            index = index * THIRD >>> 33;
        }
        return offset >= 0 && index < capacity && index * stride == offset ? (int) index : -1;
    }

    /**
     * Marks block {@code index} free when its layout word is {@code word}: a compare-and-set when {@code exact}
     * (two racing frees of one block: one wins), a plain read and write otherwise.
     *
     * @return whether it was allocated with that layout word (and is free now)
     */
    boolean free(int index, long word, boolean exact) {
        if (exact) {
            return LAYOUTS.compareAndSet(layouts, at(index), word, FREE);
        }
        final int at = at(index);
        if (layouts[at] != word) {
            return false;
        }
        layouts[at] = FREE;
        return true;
    }

    /**
     * Where block {@code index}'s layout word sits in {@link #layouts}: within each group of 64 blocks (eight lines of
     * words), block i's word is word {@code 9i mod 64}, so that neighbouring blocks, and blocks 8, 16 or 32 apart (the
     * ends of the runs that refills hand to different threads), have their words on different lines: two threads
     * working on such blocks do not take turns owning one line on every allocate and free. A pass over consecutive
     * blocks still uses each line eight times within 512 bytes, as dense words would.
     */
    static int at(int index) {
        return PAD + (index & -GROUP) + (index * 9 & (GROUP - 1));
    }

    /** The length of {@link #layouts} for {@code capacity} blocks: whole groups, and the pads on either side. */
    static int words(int capacity) {
        return (capacity + GROUP - 1) / GROUP * GROUP + 2 * PAD;
    }

    /** Whether {@code address} lies within the slab's memory. */
    boolean contains(long address) {
        return address >= start && address < end;
    }

    int state() {
        return state;
    }

    void state(int next) {
        state = next;
    }

    boolean changeState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /**
     * A layout of a class block as one word: the size in the low 56 bits, log2 of the alignment in bits 56-61, and
     * bit 63 set, so that no layout (a 0-byte one with alignment 1 included) encodes as {@link #FREE}.
     */
    static long encode(Layout layout) {
        return TAKEN | layout.size() | (long) Long.numberOfTrailingZeros(layout.alignment()) << 56;
    }

    /** The size of the layout a word from {@link #encode} stands for. */
    static long size(long word) {
        return word & SIZE_BITS;
    }

    /** The layout a word from {@link #encode} stands for. */
    static Layout decode(long word) {
        return Layout.of(word & SIZE_BITS, 1L << ((word >>> 56) & ALIGNMENT_LOG_MASK));
    }
}
