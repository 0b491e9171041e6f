package dev.allocator.pool.internal;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * The default tier: per-thread caches of free block indices ("lanes") in front of a {@link TaggedFreeList}: a
 * platform thread that owns its lane takes and gives back blocks with plain loads and stores, touching the list's
 * shared head once per batch of {@code size / 2} blocks. Virtual threads, and a platform thread whose lane another
 * live thread holds, get {@code null} from {@link #mine()} and go through the {@link SlotTier} behind the lanes.
 *
 * <p>Thread-safety: every method may be called by any thread. {@link #take}, {@link #give} and {@link #flushAll}
 * must be given only a lane that {@link #mine()} returned to the calling thread. Nothing blocks.
 *
 * <p>What a user sees, and the pool documents: up to {@code size} free blocks per live platform thread may be parked
 * in that thread's lane. They count as free; they go back to the list when the thread ends (the next thread to want
 * the lane, or a thread that runs short, adopts them), when the owner next calls the pool after a thread ran short
 * ({@link #takeSlow}), when the owner calls {@link #releaseMine}, or when any thread calls {@link #trim} after the
 * owner ended. A block parked in a live thread that never calls the pool again stays there until close.
 */
public final class LaneTier implements FreeBlockTier {

    /*
     * Maintainers' notes.
     *
     * A lane is found by the calling thread's id: lanes[threadId & mask], its home lane. Thread ids are handed out in
     * sequence, so the threads of one pool (or one benchmark) mostly land in different lanes. When the home lane is
     * held by another live thread, the thread binds the next free one of its PROBES candidates (home, home + 1, ...);
     * it never holds two, because it looks for a lane it holds among all candidates before it binds. The fast path is
     * one array load and one plain compare of the home lane's owner with Thread.currentThread(); a thread living in a
     * second-choice lane pays a short scan of volatile reads.
     *
     * Ownership. A lane's owner field holds null, a thread T, or Revoked(T); it moves only in these ways:
     *   null -> T            T binds a free lane (its home lane), by CAS.
     *   T -> Revoked(T)      another thread, short of blocks, asks T to give its blocks back, by CAS.
     *   Revoked(T) -> null   T notices on its next call (its fast-path check fails), empties the lane, then unbinds
     *                        it (release store); that call goes through the shared caches, so a block it takes
     *                        now is one any thread can reach, and its next call binds a lane again.
     *   D or Revoked(D) -> T T adopts the lane of a dead thread D, after D.isAlive() returned false, by CAS.
     *   T -> null            T unbinds its own lane (releaseMine, release store), or T adopted a foreign lane only
     *                        to empty it.
     * Only T touches count and items while the owner names T (as T or Revoked(T)) and T is alive; a revoker changes
     * the owner word only. T's fast path is therefore one plain load of owner compared with Thread.currentThread():
     * if it sees T, the lane is T's (no other thread can have changed T into something that lets it in), and if the
     * JIT hoists that load out of a caller's loop the only effect is that T notices a revocation later. Other threads
     * read the count plain, as a racy hint (for messages and revocation); an int read never tears.
     *
     * Happens-before. A dead owner's writes to count and items happen-before the adopter's reads: JLS 17.4.4, the
     * final action of a thread synchronizes-with another thread's detection (isAlive() == false) of its end. An owner
     * that unbinds does so with a release store; the next binder's CAS reads it with acquire semantics.
     *
     * Revocation. A thread that finds the list empty replaces the owner T of every live lane that holds blocks with
     * Revoked(T). T's next call fails the fast-path check, pushes all its blocks to the list with one CAS, unbinds
     * the lane and serves that call from the shared caches (had it kept the lane, its refill would have taken the
     * same blocks straight back). A revocation waits only on an owner that never calls again; that is the documented
     * cost.
     *
     * Linearization points: a lane-local take or give is linearized at the owner's count store (no other thread
     * takes from the lane); refills and flushes at the list CAS, as in TaggedFreeList.
     */

    /** How many lanes, from its home lane on, a thread may bind: a second and third choice when ids collide. */
    static final int PROBES = 3;

    private final TaggedFreeList list;
    /** Behind the lanes: virtual threads, threads without a lane, and a thread whose lane and the list ran dry. */
    private final SlotTier slots;
    private final Lane[] lanes;
    private final int mask;
    private final int size;
    private final int refill;
    private final int flush;

    /**
     * Creates {@code count} lanes of {@code size} blocks each over {@code list}, with {@code slots} behind them.
     *
     * @throws IllegalArgumentException if {@code size < 1} or {@code count} is not a positive power of 2
     */
    public LaneTier(TaggedFreeList list, SlotTier slots, int size, int count) {
        if (size < 1 || count < 1 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("lanes need size >= 1 and a power-of-2 lane count: size=" + size
                    + ", count=" + count);
        }
        this.list = list;
        this.slots = slots;
        this.size = size;
        this.refill = Math.max(1, size / 2);
        this.flush = Math.max(1, size / 2);
        this.lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane(size);
        }
        this.mask = count - 1;
    }

    /** The default lane count: four per processor, at least 8, a power of 2. */
    public static int defaultCount() {
        final int wanted = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    /**
     * Blocks per lane: {@code cache}, but no more than a quarter of the pool spread over all lanes, so parked blocks
     * never hold more than a quarter of the pool; 0 (no lanes: use a {@link SlotTier}) when that leaves fewer than 2.
     *
     * @param cache    the pool's cache option
     * @param capacity the pool's blocks
     * @param lanes    the lane count
     * @return the lane size, or 0
     */
    public static int laneSize(int cache, int capacity, int lanes) {
        final int size = Math.min(cache, capacity / (4 * lanes));
        return size >= 2 ? size : 0;
    }

    /** @return the number of lanes */
    public int count() {
        return lanes.length;
    }

    @Override
    public int cacheSize() {
        return slots.cacheSize();
    }

    /**
     * The caller's lane, then the slots, then dead threads' lanes and revocation. A thread whose lane and the list
     * are empty goes straight to the slots' double collect: its home slot would refill from the same empty list.
     */
    @Override
    public int take() {
        final Lane lane = mine();
        int index;
        if (lane != null) {
            index = take(lane);
            if (index != END) {
                return index;
            }
            index = slots.takeSlow();
        } else {
            index = slots.take();
        }
        return index != END ? index : takeSlow();
    }

    @Override
    public void give(int index) {
        final Lane lane = mine();
        if (lane != null) {
            give(lane, index);
        } else {
            slots.give(index);
        }
    }

    /**
     * The calling thread's lane, bound to it on first use; {@code null} for a virtual thread, when another live
     * thread holds the lane, or when this call honoured a revocation (it gave the lane's blocks back and let it go).
     */
    public Lane mine() {
        final Thread thread = Thread.currentThread();
        final int home = (int) thread.threadId();
        final Lane lane = lanes[home & mask];
        return lane.ownerPlain() == thread ? lane : find(thread, home);
    }

    /** The caller's lane among its {@link #PROBES} candidates, bound now if need be; null when it cannot have one. */
    private Lane find(Thread thread, int home) {
        if (thread.isVirtual()) {
            return null;
        }
        final Lane[] lanes = this.lanes;
        for (int probe = 0; probe < PROBES; probe++) { // a lane the caller holds, or was asked to give back
            final Lane lane = lanes[(home + probe) & mask];
            final Object owner = lane.ownerVolatile();
            if (owner == thread) {
                return lane;
            }
            if (owner instanceof Lane.Revoked revoked && revoked.thread() == thread) {
                // asked to give back: the owner word still names us, so no other thread touches the lane
                flushAll(lane);
                lane.unbindRelease();
                return null; // this call uses the shared caches (whose blocks any thread can reach); the next binds
            }
        }
        for (int probe = 0; probe < PROBES; probe++) { // none: bind a free lane, or adopt a dead thread's
            final Lane lane = lanes[(home + probe) & mask];
            final Object owner = lane.ownerVolatile();
            if (owner == null) {
                if (lane.casOwner(null, thread)) {
                    return lane;
                }
            } else if (!Lane.holder(owner).isAlive() && lane.casOwner(owner, thread)) {
                return lane;
            }
        }
        return null;
    }

    /** Pops a block from the caller's own lane, refilling it from the list; END when both are empty. */
    public int take(Lane lane) {
        final int count = lane.countPlain();
        if (count > 0) {
            lane.countPlain(count - 1);
            return lane.items[Lane.PAD + count - 1];
        }
        return refill(lane);
    }

    /**
     * Refills an empty lane with one popInto CAS and returns one of the blocks; END when the list is empty. Kept out
     * of take() so that the common path compiles small: callers that inline the whole allocation (and so let the JIT
     * remove a slice object) are refused when a callee's compiled code is big.
     */
    private int refill(Lane lane) {
        final int taken = list.popInto(lane.items, Lane.PAD, refill);
        if (taken == 0) {
            return END;
        }
        final int[] items = lane.items;
        final int first = items[Lane.PAD]; // hand out the list's first: the high-water mark stays exact alone
        items[Lane.PAD] = items[Lane.PAD + taken - 1];
        lane.countPlain(taken - 1);
        return first;
    }

    /** Pushes a block on the caller's own lane; when it is full, first gives its oldest half to the list. */
    public void give(Lane lane, int index) {
        int count = lane.countPlain();
        if (count == size) {
            count = flushOldest(lane, count, flush);
        }
        lane.items[Lane.PAD + count] = index;
        lane.countPlain(count + 1);
    }

    /** Pushes the oldest {@code n} blocks of an owned lane to the list with one CAS; returns the new count. */
    private int flushOldest(Lane lane, int count, int n) {
        final int[] items = lane.items;
        final int base = Lane.PAD;
        list.pushMany(items, base, n);
        System.arraycopy(items, base + n, items, base, count - n);
        lane.countPlain(count - n);
        return count - n;
    }

    /** Gives every block of an owned lane to the list; returns how many. */
    public int flushAll(Lane lane) {
        final int count = lane.countPlain();
        if (count > 0) {
            flushOldest(lane, count, count);
        }
        return count;
    }

    /**
     * The calling thread gives its lane's blocks back and unbinds it; returns how many blocks went back (0 when it
     * holds no lane).
     */
    @Override
    public int releaseMine() {
        final Thread thread = Thread.currentThread();
        final int home = (int) thread.threadId();
        for (int probe = 0; probe < PROBES; probe++) {
            final Lane lane = lanes[(home + probe) & mask];
            if (Lane.holder(lane.ownerVolatile()) == thread) {
                final int moved = flushAll(lane);
                lane.unbindRelease();
                return moved;
            }
        }
        return 0;
    }

    /**
     * For a thread that ran short: empties the lanes of dead threads into the list (returning one of their blocks,
     * or END), and when there were none asks every live owner holding blocks to give them back on its next call.
     */
    public int takeSlow() {
        final Thread me = Thread.currentThread();
        int found = END;
        for (final Lane lane : lanes) {
            final Object owner = lane.ownerVolatile();
            final Thread holder = Lane.holder(owner);
            if (holder == null || holder == me) {
                continue;
            }
            if (!holder.isAlive()) {
                if (lane.casOwner(owner, me)) {
                    if (found == END && lane.countPlain() > 0) {
                        found = take(lane);
                    }
                    flushAll(lane);
                    lane.unbindRelease();
                }
            } else if (found == END && owner == holder && lane.countPlain() > 0) {
                lane.casOwner(owner, new Lane.Revoked(holder));
            }
        }
        return found;
    }

    /**
     * Gives back what can be given back now: the slots, the caller's own lane and the lanes of dead threads; live
     * owners are asked to give theirs back on their next call. Returns the number of blocks moved to the list.
     */
    @Override
    public int trim() {
        final Thread me = Thread.currentThread();
        int moved = slots.trim();
        for (final Lane lane : lanes) {
            final Object owner = lane.ownerVolatile();
            final Thread holder = Lane.holder(owner);
            if (holder == me) {
                if (owner == me || lane.casOwner(owner, me)) {
                    moved += flushAll(lane);
                }
            } else if (holder != null) {
                if (!holder.isAlive()) {
                    if (lane.casOwner(owner, me)) {
                        moved += flushAll(lane);
                        lane.unbindRelease();
                    }
                } else if (owner == holder && lane.countPlain() > 0) {
                    lane.casOwner(owner, new Lane.Revoked(holder));
                }
            }
        }
        return moved;
    }

    /** Free blocks parked in the lanes of live threads other than the caller: a hint, for messages. */
    @Override
    public int parkedElsewhere() {
        final Thread me = Thread.currentThread();
        int parked = 0;
        for (final Lane lane : lanes) {
            final Thread holder = Lane.holder(lane.ownerVolatile());
            if (holder != null && holder != me && holder.isAlive()) {
                parked += lane.countPlain();
            }
        }
        return parked;
    }

    /** The blocks in all lanes, then in the slots, for tests; exact only while no thread uses the pool. */
    @Override
    public int[] snapshot() {
        final int[] inSlots = slots.snapshot();
        int total = inSlots.length;
        for (final Lane lane : lanes) {
            total += lane.countPlain();
        }
        final int[] out = new int[total];
        System.arraycopy(inSlots, 0, out, 0, inSlots.length);
        int n = inSlots.length;
        for (final Lane lane : lanes) {
            final int count = Math.min(lane.countPlain(), total - n);
            System.arraycopy(lane.items, Lane.PAD, out, n, count);
            n += count;
        }
        return out;
    }
}
