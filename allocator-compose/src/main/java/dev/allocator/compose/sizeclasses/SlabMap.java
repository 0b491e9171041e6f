package dev.allocator.compose.sizeclasses;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Finds the slab that holds an address in O(1), whatever the number of slabs: the address's page (the address
 * shifted right by a page shift, where a page is at least as large as a slab) indexes an open-addressing table of
 * slabs. {@link #find} is lock-free and allocates nothing; {@link #add} and {@link #remove} must be called under one
 * lock (the size class's).
 *
 * <p>Happens-before: adding a slab happens-before a {@link #find} that returns it (release store of the table slot,
 * acquire load in {@link #find}); so a thread that got a block of a slab through its class, which added the slab
 * first, finds it.
 */
final class SlabMap {

    /*
     * Maintainers' notes.
     *
     * Slabs are not aligned to their size (the backing hands out what it hands out), so a slab of at most 2^pageShift
     * bytes covers one or two pages; it is entered once under each. An entry is the slab itself: find probes linearly
     * from the page's home slot and returns the first slab that contains the address (the slot's page need not be
     * stored: the containment check is exact). A probe ends at an empty slot.
     *
     * remove writes REMOVED over the slab's entries, never null: a null would cut the probe chain of an entry placed
     * after it. REMOVED slots count towards the load; when used slots would pass half the table, add builds a new
     * table (twice as large when the live entries alone pass a quarter) with the live entries only, and publishes it
     * with a volatile store. A reader still on the old table finds every slab that was live when it read the table
     * field: the old table is never written again once replaced.
     *
     * Invariants (under the lock): every live slab is entered under each page it covers, in the current table, and
     * nowhere else live; used counts the non-null slots of the current table; used <= capacity / 2, so every probe
     * meets a null.
     */

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    /** What {@link #remove} leaves: skipped by {@link #find}, and it ends no probe. */
    private static final Object REMOVED = new Object();
    private static final int MIN_CAPACITY = 16;

    private final int pageShift;
    private volatile Object[] table = new Object[MIN_CAPACITY];
    /** Non-null slots of the current table; guarded by the lock. */
    private int used;
    /** Entries of live slabs; guarded by the lock. */
    private int live;

    /**
     * @param slabBytes the largest slab this map will hold, at least 1
     */
    SlabMap(long slabBytes) {
        this.pageShift = 64 - Long.numberOfLeadingZeros(Math.max(1, slabBytes - 1));
    }

    /** The slab whose memory holds {@code address}, or null when none here does. Lock-free; allocates nothing. */
    ClassSlab find(long address) {
        final Object[] slots = table;
        final int mask = slots.length - 1;
        int i = home(address >>> pageShift, mask);
        Object entry;
        while ((entry = SLOTS.getAcquire(slots, i)) != null) {
            if (entry != REMOVED && ((ClassSlab) entry).contains(address)) {
                return (ClassSlab) entry;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Enters {@code slab} under each page it covers. Under the lock. */
    void add(ClassSlab slab) {
        final long first = slab.start >>> pageShift;
        final long last = (slab.end - 1) >>> pageShift;
        final int entries = (int) (last - first + 1);
        if (used + entries > table.length / 2) {
            rebuild(live + entries);
        }
        final Object[] slots = table;
        for (long page = first; page <= last; page++) {
            put(slots, page, slab);
            used++;
            live++;
        }
    }

    /**
     * Removes {@code slab}'s entries: every one on the probe chain of each page it covers (a rebuilt table may hold
     * both entries of a two-page slab on one page's chain). Under the lock.
     */
    void remove(ClassSlab slab) {
        final Object[] slots = table;
        final int mask = slots.length - 1;
        for (long page = slab.start >>> pageShift; page <= (slab.end - 1) >>> pageShift; page++) {
            for (int i = home(page, mask); slots[i] != null; i = (i + 1) & mask) {
                if (slots[i] == slab) {
                    SLOTS.setRelease(slots, i, REMOVED);
                    live--;
                }
            }
        }
    }

    /** A new table with the live entries only, room for {@code needed} entries at a quarter load or less. */
    private void rebuild(int needed) {
        final Object[] old = table;
        int capacity = MIN_CAPACITY;
        while (capacity / 4 < needed) {
            capacity <<= 1;
        }
        final Object[] fresh = new Object[capacity];
        for (Object entry : old) {
            if (entry != null && entry != REMOVED) {
                final ClassSlab slab = (ClassSlab) entry;
                // a slab covering two pages has two entries here: enter it under the page of this one only
                put(fresh, nextPage(fresh, slab), slab);
            }
        }
        used = live;
        table = fresh; // volatile: publishes the filled table
    }

    /** The page of {@code slab} not yet entered in {@code slots}: its first, else its last. */
    private long nextPage(Object[] slots, ClassSlab slab) {
        final long first = slab.start >>> pageShift;
        return holds(slots, first, slab) ? (slab.end - 1) >>> pageShift : first;
    }

    private static boolean holds(Object[] slots, long page, ClassSlab slab) {
        final int mask = slots.length - 1;
        for (int i = home(page, mask); slots[i] != null; i = (i + 1) & mask) {
            if (slots[i] == slab) {
                return true;
            }
        }
        return false;
    }

    private static void put(Object[] slots, long page, ClassSlab slab) {
        final int mask = slots.length - 1;
        int i = home(page, mask);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        SLOTS.setRelease(slots, i, slab);
    }

    private static int home(long page, int mask) {
        return (int) ((page * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }
}
