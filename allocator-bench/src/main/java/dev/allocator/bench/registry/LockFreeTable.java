package dev.allocator.bench.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * The lock-free registry design that {@link RegistryBenchmark} measures against the system allocator's striped
 * {@code LiveTable}: address and size packed into one {@code long} per slot, claimed and removed by CAS, so racing
 * removes of one entry have exactly one winner and no thread ever waits for another.
 *
 * <p>Thread-safe and lock-free. Only for addresses aligned to 16 below 2^48 and sizes below 2^20 (what a small
 * {@code malloc} block is; anything else would need a second map). Counts, to offer the same statistics as the
 * striped table, are {@link LongAdder}s.
 */
public final class LockFreeTable {

    /*
     * Maintainers' notes.
     *
     * Slot word: (address >>> 4) << 20 | size; 0 = empty (never live: address 0 is not an allocation), -1 = removed
     * (a tombstone: its address part is above 2^48). A slot goes empty -> live -> removed -> live -> removed...,
     * never back to empty, so a lookup may stop at the first empty slot: an entry is always placed in the first free
     * slot of its probe window, and what lay before it then was live and can only have become a tombstone since.
     *
     * Growth without migration: `levels` is a copy-on-write array of tables, each twice the size of the one before.
     * An add that finds no free slot within PROBES slots of its home in the newest table appends a new level (CAS on
     * `levels`) and retries there. Entries never move, so a lookup checks every level, newest first; old levels are
     * kept (tombstones are reused by later adds).
     *
     * Linearization points: the CAS that claims a slot (add) and the CAS live -> removed (remove).
     */

    /** What {@link #remove} returns when no entry has the address. */
    public static final long ABSENT = -1;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle LEVELS;
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;
    private static final long REMOVED = -1;
    private static final int SIZE_BITS = 20;
    private static final int PROBES = 32;

    static {
        try {
            LEVELS = MethodHandles.lookup().findVarHandle(LockFreeTable.class, "levels", long[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long[][] levels = {new long[1 << 12]};
    private final LongAdder adds = new LongAdder();
    private final LongAdder removes = new LongAdder();
    private final LongAdder bytesAdded = new LongAdder();
    private final LongAdder bytesRemoved = new LongAdder();

    /** Records a live allocation: {@code address} 16-aligned below 2^48, not in the table; {@code size < 2^20}. */
    public void add(long address, long size) {
        final long word = (address >>> 4) << SIZE_BITS | size;
        adds.increment();
        bytesAdded.add(size);
        for (;;) {
            long[][] seen = levels;
            long[] table = seen[seen.length - 1];
            int mask = table.length - 1;
            int slot = home(address, table);
            for (int probe = 0; probe < PROBES; probe++, slot = (slot + 1) & mask) {
                long old = (long) SLOTS.getAcquire(table, slot);
                if ((old == 0 || old == REMOVED) && SLOTS.compareAndSet(table, slot, old, word)) {
                    return;
                }
            }
            long[][] grown = Arrays.copyOf(seen, seen.length + 1);
            grown[seen.length] = new long[table.length << 1];
            LEVELS.compareAndSet(this, seen, grown);
        }
    }

    /**
     * Removes the entry at {@code address} if its size is {@code size}.
     *
     * @return {@code size} when removed, {@link #ABSENT} when there is none, else the entry's size (it stays)
     */
    public long remove(long address, long size) {
        final long[][] seen = levels;
        for (int level = seen.length - 1; level >= 0; level--) {
            long[] table = seen[level];
            int mask = table.length - 1;
            int slot = home(address, table);
            for (int probe = 0; probe < PROBES; probe++, slot = (slot + 1) & mask) {
                long word = (long) SLOTS.getAcquire(table, slot);
                if (word == 0) {
                    break;
                }
                if (word != REMOVED && (word >>> SIZE_BITS) << 4 == address) {
                    long recorded = word & ((1L << SIZE_BITS) - 1);
                    if (recorded != size) {
                        return recorded;
                    }
                    if (!SLOTS.compareAndSet(table, slot, word, REMOVED)) {
                        return ABSENT;  // only a remove changes a live word: another one won
                    }
                    removes.increment();
                    bytesRemoved.add(size);
                    return size;
                }
            }
        }
        return ABSENT;
    }

    /** @return live entries: removes read before adds, so never negative */
    public long live() {
        long removed = removes.sum();
        return adds.sum() - removed;
    }

    private static int home(long address, long[] table) {
        return (int) ((address * GOLDEN) >>> -Integer.numberOfTrailingZeros(table.length));
    }
}
