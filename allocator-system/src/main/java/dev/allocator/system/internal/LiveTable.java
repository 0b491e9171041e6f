package dev.allocator.system.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The registry of live allocations of a system allocator: address to size, garbage-free. Addresses are non-zero and
 * unique among the entries (the C library never hands out one address twice while it is live); sizes are
 * non-negative.
 *
 * <p>Thread-safe: the table is split into stripes by a hash of the address, each guarded by a spin lock of its own,
 * so threads working on different addresses rarely meet. Every method is linearizable: {@link #add} and
 * {@link #remove} of one address happen in the order of their stripe's lock, and whatever a thread did before an
 * {@code add} or {@code remove} happens-before what a later {@code remove}, {@link #sizeOf} or {@link #removeAll} of
 * the same address does after it. Of several racing {@code remove}s of one entry exactly one removes it. No method
 * allocates on the Java heap except when a stripe's table grows or shrinks.
 *
 * <p>Not lock-free: a thread preempted while it holds a stripe's lock delays the others on that stripe (they spin,
 * then yield). Each lock is held for a few probes of a small array, never across a call out.
 */
public final class LiveTable {

    /*
     * Maintainers' notes.
     *
     * Layout. `words` holds one 128-byte record per stripe (16 longs, two cache lines, so neighbouring stripes never
     * share a line, nor does the adjacent-line prefetcher pair them), after one record of padding:
     *
     *   words: | pad (16) | stripe 0: LOCK COUNT ADDS REMOVES BYTES . . . (16) | stripe 1: ... | ... | pad (16) |
     *
     *   tables[s]: | address 0 | size 0 | address 1 | size 1 | ... |   capacity a power of two, address 0 = empty
     *
     * LOCK is 0 (free) or 1 (held), taken by CAS and given back with a release store; every other word of the record
     * and the stripe's table are read and written only under it, as plain fields.
     *
     * Hashing. h = address * 2^64/phi (Fibonacci hashing: the top bits of the product depend on every bit of the
     * address). The top `stripeBits` of h pick the stripe, the next log2(capacity) bits the home slot. Linear probing.
     *
     * Invariants, per stripe, while its lock is free:
     *  - every entry sits in a slot reachable from its home slot without crossing an empty slot (deletion shifts
     *    entries back, so there are no tombstones);
     *  - COUNT = entries in the table <= capacity / 2 (it doubles when an add would pass that; it halves when a remove
     *    leaves it under capacity / 8, never below the initial capacity);
     *  - ADDS - REMOVES = COUNT and BYTES = sum of the sizes in the table, so a stripe's figures read under its lock
     *    are consistent and never negative, and so is their sum over the stripes.
     *
     * Linearization points: the lock's CAS for every operation (a stripe's operations are totally ordered by it).
     */

    /** What {@link #remove} and {@link #sizeOf} return when no entry has the address. */
    public static final long ABSENT = -1;

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;
    private static final int RECORD = 16;
    private static final int LOCK = 0;
    private static final int COUNT = 1;
    private static final int ADDS = 2;
    private static final int REMOVES = 3;
    private static final int BYTES = 4;
    private static final int INITIAL_CAPACITY = 16;
    private static final int SPINS_BEFORE_YIELD = 64;

    private final int stripeBits;
    private final long[] words;
    private final long[][] tables;

    /** Gives back what {@link #removeAll} removes. */
    @FunctionalInterface
    public interface Release {
        /**
         * @param address the entry's address
         * @param size    the entry's size
         */
        void release(long address, long size);
    }

    /**
     * Creates a table with enough stripes for this machine's processors: 16 per processor, at least 64 (two threads
     * that each reuse one address meet on a stripe with odds 1 in 64), at most 1024.
     */
    public LiveTable() {
        this(Integer.numberOfTrailingZeros(Integer.highestOneBit(
                Math.clamp(16L * Runtime.getRuntime().availableProcessors(), 64, 1024))));
    }

    /**
     * Creates a table with {@code 2^stripeBits} stripes.
     *
     * @param stripeBits 0 (one stripe) to 16
     */
    public LiveTable(int stripeBits) {
        if (stripeBits < 0 || stripeBits > 16) {
            throw new IllegalArgumentException("stripeBits must be in [0, 16]: stripeBits=" + stripeBits);
        }
        this.stripeBits = stripeBits;
        int stripes = 1 << stripeBits;
        this.words = new long[(stripes + 2) * RECORD];
        this.tables = new long[stripes][];
        for (int s = 0; s < stripes; s++) {
            tables[s] = new long[2 * INITIAL_CAPACITY];
        }
    }

    /**
     * Records a live allocation.
     *
     * @param address non-zero, not in the table
     * @param size    non-negative
     */
    public void add(long address, long size) {
        final long h = address * GOLDEN;
        final int s = lockStripe(h);
        final int record = record(s);
        try {
            long[] table = tables[s];
            long count = words[record + COUNT] + 1;
            if (count > table.length >>> 2) {
                table = resize(s, table.length << 1);
            }
            put(table, h, address, size);
            words[record + COUNT] = count;
            words[record + ADDS]++;
            words[record + BYTES] += size;
        } finally {
            unlock(record);
        }
    }

    /**
     * Removes the entry at {@code address} if its size is {@code size}.
     *
     * @return {@code size} when it was removed; {@link #ABSENT} when there is no entry at {@code address}; else the
     *         entry's size (the entry stays)
     */
    public long remove(long address, long size) {
        final long h = address * GOLDEN;
        final int s = lockStripe(h);
        final int record = record(s);
        try {
            long[] table = tables[s];
            int slot = find(table, h, address);
            if (slot < 0) {
                return ABSENT;
            }
            long recorded = table[slot + 1];
            if (recorded != size) {
                return recorded;
            }
            delete(table, slot);
            long count = --words[record + COUNT];
            words[record + REMOVES]++;
            words[record + BYTES] -= size;
            if (count < table.length >>> 4 && table.length > 2 * INITIAL_CAPACITY) {
                resize(s, table.length >>> 1);
            }
            return size;
        } finally {
            unlock(record);
        }
    }

    /** @return the size of the entry at {@code address}, or {@link #ABSENT} */
    public long sizeOf(long address) {
        final long h = address * GOLDEN;
        final int s = lockStripe(h);
        final int record = record(s);
        try {
            long[] table = tables[s];
            int slot = find(table, h, address);
            return slot < 0 ? ABSENT : table[slot + 1];
        } finally {
            unlock(record);
        }
    }

    /**
     * Removes every entry, one stripe at a time, handing each to {@code release} under its stripe's lock (so a racing
     * {@link #remove} of it either came first, and {@code release} does not see it, or returns {@link #ABSENT}).
     * Entries added meanwhile to stripes already swept stay.
     */
    public void removeAll(Release release) {
        for (int s = 0; s < tables.length; s++) {
            final int record = record(s);
            lock(record);
            try {
                long[] table = tables[s];
                for (int slot = 0; slot < table.length; slot += 2) {
                    if (table[slot] != 0) {
                        release.release(table[slot], table[slot + 1]);
                        words[record + REMOVES]++;
                        words[record + BYTES] -= table[slot + 1];
                    }
                }
                words[record + COUNT] = 0;
                tables[s] = new long[2 * INITIAL_CAPACITY];
            } finally {
                unlock(record);
            }
        }
    }

    /**
     * Adds the counts, read stripe by stripe under each stripe's lock, to {@code into}: {@code into[0]} entries ever
     * added, {@code into[1]} entries ever removed, {@code into[2]} bytes in the table. Each stripe's figures are
     * consistent, so {@code into[0] - into[1]} and {@code into[2]} are never made negative.
     */
    public void addCountsTo(long[] into) {
        for (int s = 0; s < tables.length; s++) {
            final int record = record(s);
            lock(record);
            try {
                into[0] += words[record + ADDS];
                into[1] += words[record + REMOVES];
                into[2] += words[record + BYTES];
            } finally {
                unlock(record);
            }
        }
    }

    /** Takes the lock of the stripe of hash {@code h}; returns the stripe. */
    private int lockStripe(long h) {
        int s = stripeBits == 0 ? 0 : (int) (h >>> -stripeBits);
        lock(record(s));
        return s;
    }

    private static int record(int stripe) {
        return (stripe + 1) * RECORD;
    }

    /** The home slot (an even index into the table) of a hash: the bits just under the stripe bits. */
    private int home(long[] table, long h) {
        int slots = table.length >>> 1;
        return (int) ((h << stripeBits) >>> -Integer.numberOfTrailingZeros(slots)) << 1;
    }

    private int find(long[] table, long h, long address) {
        final int mask = table.length - 1;
        for (int slot = home(table, h); ; slot = (slot + 2) & mask) {
            long key = table[slot];
            if (key == address) {
                return slot;
            }
            if (key == 0) {
                return -1;
            }
        }
    }

    private void put(long[] table, long h, long address, long size) {
        final int mask = table.length - 1;
        int slot = home(table, h);
        while (table[slot] != 0) {
            slot = (slot + 2) & mask;
        }
        table[slot] = address;
        table[slot + 1] = size;
    }

    /** Empties {@code slot}, shifting back the entries of its cluster that would no longer be found. */
    private void delete(long[] table, int slot) {
        final int mask = table.length - 1;
        int hole = slot;
        for (int next = (hole + 2) & mask; table[next] != 0; next = (next + 2) & mask) {
            int home = home(table, table[next] * GOLDEN);
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                table[hole] = table[next];
                table[hole + 1] = table[next + 1];
                hole = next;
            }
        }
        table[hole] = 0;
        table[hole + 1] = 0;
    }

    /** Moves stripe {@code s}'s entries into a table of {@code length} longs; under the stripe's lock. */
    private long[] resize(int s, int length) {
        long[] old = tables[s];
        long[] table = new long[length];
        for (int slot = 0; slot < old.length; slot += 2) {
            if (old[slot] != 0) {
                put(table, old[slot] * GOLDEN, old[slot], old[slot + 1]);
            }
        }
        tables[s] = table;
        return table;
    }

    private void lock(int record) {
        if (!WORDS.compareAndSet(words, record + LOCK, 0L, 1L)) {
            contend(record);
        }
    }

    private void contend(int record) {
        for (int spins = 0; ; spins++) {
            if ((long) WORDS.getOpaque(words, record + LOCK) == 0L
                    && WORDS.compareAndSet(words, record + LOCK, 0L, 1L)) {
                return;
            }
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void unlock(int record) {
        WORDS.setRelease(words, record + LOCK, 0L);
    }

    @Override
    public String toString() {
        long[] counts = new long[3];
        addCountsTo(counts);
        return "LiveTable[" + tables.length + " stripes, " + (counts[0] - counts[1]) + " entries, " + counts[2]
                + " bytes, capacities " + Arrays.toString(Arrays.stream(tables).mapToInt(t -> t.length / 2).toArray())
                + "]";
    }
}
