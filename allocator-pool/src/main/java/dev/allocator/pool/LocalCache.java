package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeListCorruptException;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import static dev.allocator.pool.internal.FreeListDescriptor.END;

/**
 * A cache of a {@link FixedBlockPool}'s free blocks owned by one thread, like DPDK's user-owned mempool cache: for an
 * event loop or a pipeline stage that owns its thread. A take or give that the cache can serve is a few plain loads
 * and stores: no thread lookup, no atomic instruction. The cache goes to the pool's shared list once per
 * {@code size / 2} blocks (one CAS), and to the pool's other tiers when the list is empty.
 *
 * {@snippet :
 * try (LocalCache frames = pool.localCache()) {             // on the event-loop thread
 *     MemorySegment frame = frames.allocate(Layout.of(2048, 64));
 *     frames.deallocate(frame, Layout.of(2048, 64));
 *     int id = frames.acquire();                              // or by index
 *     frames.release(id);
 * }                                                           // its blocks go back to the pool
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Confinement.</b> Every method but {@link #held()}, {@link #owns}, {@link #stats()} and
 *       {@link #toString()} must be called by the thread that created the cache; any other thread gets
 *       {@link WrongThreadException} and nothing changes. A block the cache handed out may be given back anywhere:
 *       to this cache, to the pool, to another thread's cache.</li>
 *   <li><b>Same checks as the pool</b> for requests (sizes, alignments), foreign segments, slices and wrong layouts,
 *       with the same exceptions and messages. A double free is caught when its two gives are ordered; the cache
 *       reads and writes the block's state word plainly (no atomic instruction), so two gives of one block racing
 *       on two threads, one of them through a cache, are not caught: give a block whose ownership is in doubt
 *       through the pool.</li>
 *   <li><b>Free blocks.</b> The blocks the cache holds (at most its size) count as free in the pool's stats, but
 *       only this cache hands them out: other threads may find the pool exhausted meanwhile, and the exhaustion
 *       message names them. {@link #close()} gives them back.</li>
 *   <li><b>Lifecycle.</b> Closing the pool invalidates the cache: every later call but {@link #close()} throws
 *       {@link IllegalStateException}. Closing the cache after the pool does nothing more. A thread that ends without
 *       closing its cache leaves its blocks parked until the pool closes.</li>
 *   <li><b>Happens-before.</b> As for the pool: whatever a thread did before it gave a block back happens-before
 *       whatever the thread that takes it next does.</li>
 * </ul>
 */
public final class LocalCache implements Allocator {

    /*
     * Maintainers' notes.
     *
     * State: items[0 .. count) are free blocks (state word FREE), a stack; only the owner reads or writes items and
     * count, except held(), which reads count with an opaque read (a hint, exact once the owner is quiet) for stats
     * messages. Invariant: every block in items is in no list and no other cache (I1 of PoolCore), and the high-water
     * mark has seen its index (a refill raises the mark for its whole batch; a give came from a taken block), so a
     * take from the stack is a plain pop and a plain claim (PoolCore.claimCached, no mark), and a give a plain read
     * of the state word (its layout part must be the holder's) and a plain store of FREE. Refill: one popInto of
     * size / 2 from the list (its CAS is the linearization point); when the list is empty, one block from the pool's
     * tier. Flush: the oldest size / 2 with one pushMany.
     *
     * Close (owner only): closed := true, count := 0 (opaque), leave the pool's registry, then push the blocks to
     * the list unless the pool is closed. A pool close racing with it may close the slab under the push: the push
     * throws IllegalStateException (the slab's scope is closed) and the blocks went away with the slab. Either way
     * no block stays counted as held: that is what LocalCacheCloseRaceTest (jcstress) checks.
     */

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(LocalCache.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PoolCore core;
    private final Slab slab;
    private final BlockStates states;
    private final PoolGive give;
    private final Thread owner;
    private final int[] items;
    private final int batch;
    private final long blockSize;
    private final long alignment;
    private final boolean wipeOnFree;
    private int count;
    private boolean closed;

    LocalCache(PoolCore core, int size) {
        core.requireUsable();
        this.core = core;
        this.slab = core.slab;
        this.states = core.states;
        this.owner = Thread.currentThread();
        this.items = new int[size];
        this.batch = Math.max(1, size / 2);
        this.blockSize = core.blockSize;
        this.alignment = core.alignment;
        this.wipeOnFree = core.wipeOnFree;
        this.give = core.give;
        core.localCaches.add(this);
    }

    private void requireOwned() {
        if (Thread.currentThread() != owner) {
            Checks.requireOwner(owner, this);
        }
        if (closed) {
            Checks.requireOpen(true, this);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException   reason {@code EXHAUSTED} when no block is free, {@code TOO_LARGE} or
     *                               {@code UNSUPPORTED_ALIGNMENT} when the layout does not fit a block
     * @throws IllegalStateException when this cache or the pool is closed, or the pool's free-list was found corrupt
     * @throws WrongThreadException  when called from a thread other than the owner
     */
    @Override
    public MemorySegment allocate(Layout layout) {
        final MemorySegment segment = tryAllocate(layout);
        if (segment == null) {
            throw PoolErrors.fitFailure(layout, core, "");
        }
        return segment;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when this cache or the pool is closed, or the pool's free-list was found corrupt
     * @throws WrongThreadException  when called from a thread other than the owner
     */
    @Override
    public MemorySegment tryAllocate(Layout layout) {
        Objects.requireNonNull(layout, "layout");
        requireOwned();
        core.requireUsable();
        final long size = layout.size();
        if (size > blockSize || layout.alignment() > alignment) {
            core.countMisfit();
            return null;
        }
        final int index = take(BlockStates.allocated(size, layout.alignment()));
        return index == END ? null : slab.segment(index, size);
    }

    /**
     * Takes a whole block by index, as {@link BlockIndexes#acquire()}.
     *
     * @return its index, or {@code -1} when no block is free
     * @throws IllegalStateException when this cache or the pool is closed
     * @throws WrongThreadException  when called from a thread other than the owner
     */
    public int acquire() {
        requireOwned();
        core.requireUsable();
        return take(core.wholeBlock);
    }

    private int take(long word) {
        final int n = count;
        if (n > 0) {
            count = n - 1;
            final int index = items[n - 1];
            core.claimCached(index, word); // the refill that brought it raised the high-water mark
            return index;
        }
        final int index = refill();
        if (index == END) {
            core.countExhaustion();
            return END;
        }
        core.claim(index, word);
        return index;
    }

    /** One popInto from the list, or, when it is empty, one block from the pool's tier; END when none is free. */
    private int refill() {
        final int taken;
        try {
            taken = core.freeList.popInto(items, 0, batch);
        } catch (FreeListCorruptException e) {
            throw core.poison(PoolErrors.corrupt(e, slab.address(e.block()), core));
        }
        if (taken == 0) {
            return core.pop();
        }
        final int first = items[0]; // hand out the list's first, as the lanes do
        items[0] = items[taken - 1];
        count = taken - 1;
        int deepest = 0;
        for (int i = 0; i < taken - 1; i++) {
            deepest = Math.max(deepest, items[i]);
        }
        core.noteTaken(deepest); // for every block now in the stack: hits skip the mark
        return first;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the segment is not from the pool, does not start at a block, or its size
     *                                  or {@code layout} does not match the allocation
     * @throws IllegalStateException    when the block is already free, or this cache or the pool is closed
     * @throws WrongThreadException     when called from a thread other than the owner
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        requireOwned();
        core.requireOpen();
        final long size = layout.size();
        final int index = slab.blockAt(segment.address());
        if (index >= 0 && segment.scope() == slab.scope && segment.byteSize() == size && size <= blockSize
                && tryGive(index, BlockStates.allocated(size, layout.alignment()))) {
            return;
        }
        give.deallocate(segment, layout, false); // names the fault, or gives a block of another shape
    }

    /**
     * Gives block {@code index} back, as {@link BlockIndexes#release(int)}.
     *
     * @param index the block
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the block is already free, or this cache or the pool is closed
     * @throws WrongThreadException     when called from a thread other than the owner
     */
    public void release(int index) {
        requireOwned();
        core.requireOpen();
        if (index < 0 || index >= core.capacity || !tryGive(index, core.wholeBlock)) {
            give.release(index); // names the fault, or gives a block taken for fewer bytes
        }
    }

    /** Gives the block back into this cache when its state word is exactly {@code expected} (plain). */
    private boolean tryGive(int index, long expected) {
        if (!states.giveIfHeldAs(index, expected)) {
            return false;
        }
        if (wipeOnFree) {
            slab.zero(index);
        }
        if (give.waiting()) {
            core.freeList.push(index); // a timed allocate is waiting: it looks in the list
            return true;
        }
        int n = count;
        if (n == items.length) {
            core.freeList.pushMany(items, 0, batch);
            n -= batch;
            System.arraycopy(items, batch, items, 0, n);
        }
        items[n] = index;
        count = n + 1;
        return true;
    }

    /**
     * How many free blocks this cache holds; any thread may ask (a hint while the owner works).
     *
     * @return the count, 0 once closed
     */
    public int held() {
        return (int) COUNT.getOpaque(this);
    }

    /**
     * Gives the blocks back to the pool and lets the cache go. Closing twice, or after the pool, does nothing more.
     *
     * @throws WrongThreadException when called from a thread other than the owner
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            Checks.requireOwner(owner, this);
        }
        if (closed) {
            return;
        }
        closed = true;
        final int n = count;
        COUNT.setOpaque(this, 0);
        core.localCaches.remove(this);
        if (n > 0 && !core.isClosed()) {
            try {
                core.freeList.pushMany(items, 0, n);
            } catch (IllegalStateException slabGone) {
                // the pool closed meanwhile: the blocks went away with its slab
            }
        }
    }

    /** True for the pool's segments, as {@link FixedBlockPool#owns}. */
    @Override
    public boolean owns(MemorySegment segment) {
        return core.owns(segment);
    }

    /** The pool's stats, in which the blocks this cache holds count as free. */
    @Override
    public AllocatorStats stats() {
        return core.stats().toAllocatorStats();
    }

    /** Returns text like {@code local cache of pool(64 B x 4096), 12 held, owner 'loop-1'}. */
    @Override
    public String toString() {
        return "local cache of " + core.describe() + ", " + held() + " held, owner '" + owner.getName() + "'"
                + (closed ? ", closed" : "");
    }
}
