package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A lock-free pool of {@code capacity} equal blocks carved from one slab of a backing allocator: allocation and
 * deallocation from any thread in a few nanoseconds, without locks, system calls or garbage.
 *
 * {@snippet :
 * try (FixedBlockPool frames = FixedBlockPool.builder().block(Layout.of(2048, 64)).capacity(4096).build()) {
 *     MemorySegment frame = frames.allocate(Layout.of(2048, 64));
 *     // ... fill it, hand it to another thread, which frees it ...
 *     frames.deallocate(frame, Layout.of(2048, 64));
 *
 *     int id = frames.indexes().acquire();          // or pass blocks around by number
 *     frames.indexes().segment(id).set(ValueLayout.JAVA_INT, 0, 42);
 *     frames.indexes().release(id);
 * }
 * }
 * Or from a spec: {@code (FixedBlockPool) Allocators.open("pool(blockSize=2KiB, capacity=4096) > system")}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Thread-safety.</b> Every method may be called from any thread, and a block may be freed by a thread other
 *       than the one that took it. Actions of a thread before it frees a block (by any method of this class or of
 *       {@link BlockIndexes}) <i>happen-before</i> the actions of the thread that takes that block next, after the
 *       call that takes it returns. No method takes a lock or makes a system call; none but {@link #close()} blocks,
 *       and the timed forms wait at most their timeout.</li>
 *   <li><b>Requests.</b> A request fits when {@code layout.size() <= blockSize()} and
 *       {@code layout.alignment() <= alignment()}; the segment returned is exactly {@code layout.size()} bytes at the
 *       start of a block. A request of the full block size returns a segment made when the pool was built, so it
 *       allocates nothing on the Java heap; a smaller one allocates one slice object. A request that does not fit
 *       throws {@link AllocationException} with reason {@code TOO_LARGE} or {@code UNSUPPORTED_ALIGNMENT}, and
 *       {@link #tryAllocate} returns {@code null}.</li>
 *   <li><b>Exhaustion.</b> With no free block, {@link #tryAllocate} returns {@code null} and {@link #allocate(Layout)}
 *       throws {@link AllocationException} with reason {@code EXHAUSTED}; {@link #allocate(Layout, Duration)} waits
 *       up to a timeout for a block (spinning, then yielding, then parking).</li>
 *   <li><b>Misuse.</b> Giving back a segment this pool did not hand out, a slice that does not start at a block, or
 *       a segment with a layout other than the one it was allocated with throws {@link IllegalArgumentException};
 *       giving back a block that is already free throws {@link IllegalStateException}: the layout must be exactly
 *       the one the block was allocated with (size, and alignment), and a slice, a whole block for a smaller
 *       allocation or another alignment is refused. The message names the block's index and address and both
 *       layouts, and nothing changes: counts and free-list stay as they were. Of two frees of one block, ordered or
 *       racing on two threads, exactly one succeeds (one compare-and-set of the block's state word per free); with
 *       double-free checking off ({@link PoolBuilder#checkDoubleFree}) racing frees are not caught. Like any
 *       state-based check it cannot see a stale segment whose block has since been handed out again, and a free
 *       racing with the very take that hands the same block out (which a correct program cannot issue, since it
 *       does not hold the block yet) may be reported as a double free.</li>
 *   <li><b>Corrupt free-list.</b> A free block's first 4 bytes hold the pool's link. A write into a freed block
 *       (through a stale segment or a raw address) can corrupt it; the pool checks every link it follows (in range)
 *       and every block it hands out (its state must be free), so a corrupt link is reported as an
 *       {@link IllegalStateException} naming the block, never an {@code IndexOutOfBoundsException} and never a
 *       live block handed out again. From then on every allocation throws {@code IllegalStateException}; frees,
 *       stats and {@link #close()} still work. Close the pool.</li>
 *   <li><b>Thread caches.</b> Unless built with {@code cache(0)}, each platform thread keeps up to {@code cache}
 *       free blocks of its own and takes and frees without atomic instructions (see {@link PoolBuilder#cache}).
 *       Cached blocks count as free; blocks parked in a live thread that does not call the pool are not available to
 *       other threads until it does, ends, or calls {@link #releaseThreadCache()}, so {@code tryAllocate} may then
 *       return {@code null} and say how many are parked. On that path a double free is caught when the two frees are
 *       ordered or race. Which free block a take returns is unspecified. A thread that owns its work (an event
 *       loop) can hold a {@link #localCache()} instead: no thread lookup and no atomic instruction.</li>
 *   <li><b>Wipe.</b> See {@link Wipe}; {@link #deallocateAndWipe} zeroes one block whatever the policy.</li>
 *   <li><b>Close.</b> {@link #close()} invalidates every segment the pool handed out (touching one then throws
 *       {@link IllegalStateException}), zeroes the slab when the policy says so, gives the slab back to the backing
 *       allocator, and closes that allocator when the pool owns it (pools built from a spec do). A pool over a
 *       backing it does not own is registered with it ({@link Allocator#addDependent}) and closed by it first;
 *       likewise the pool closes the allocators registered with it (an arena built over its blocks) before
 *       anything else, and throws, changing nothing, when one does not close.
 *       A close from a thread that cannot give the slab back (the backing's memory is confined to another thread)
 *       throws {@link WrongThreadException} and changes nothing. Later calls throw
 *       {@code IllegalStateException}, except {@link #close()}, {@link #owns}, {@link #stats()},
 *       {@link #poolStats()}, {@link #toString()} and the getters.</li>
 * </ul>
 */
public final class FixedBlockPool implements Allocator {

    /*
     * Maintainers' notes: this class is the Allocator face of PoolCore, which holds the state, the algorithm and its
     * invariants (read PoolCore, then internal.TaggedFreeList). Keep the methods here one-line delegations so that
     * they inline.
     */

    private final PoolCore core;
    private final Dependents dependents = new Dependents();
    private final BlockIndexes indexes;

    FixedBlockPool(PoolCore core) {
        this.core = core;
        this.indexes = new BlockIndexes(core);
    }

    /**
     * Starts building a pool.
     *
     * @return a builder; {@code blockSize} (or {@code block}) and {@code capacity} must be set before
     *         {@link PoolBuilder#build()}
     */
    public static PoolBuilder builder() {
        return new PoolBuilder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException   reason {@code EXHAUSTED} when every block is in use, {@code TOO_LARGE} or
     *                               {@code UNSUPPORTED_ALIGNMENT} when the layout does not fit a block
     * @throws IllegalStateException when the pool is closed or its free-list was found corrupt
     */
    @Override
    public MemorySegment allocate(Layout layout) {
        final MemorySegment segment = core.tryAllocate(layout);
        if (segment == null) {
            throw PoolErrors.fitFailure(layout, core, "");
        }
        return segment;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the pool is closed or its free-list was found corrupt
     */
    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return core.tryAllocate(layout);
    }

    /**
     * Allocates like {@link #allocate(Layout)}, but when no block is free waits up to {@code timeout} for one:
     * spinning, then yielding, then parking up to a millisecond at a time. For producer/consumer pipelines where the
     * consumer frees what the producer allocates: every block freed while this call waits, by any thread
     * (thread caches included), is available to it; blocks parked in a live thread's cache before the wait began
     * come back as for {@link #tryAllocate} (that thread's next call).
     *
     * @param layout  the size and alignment
     * @param timeout how long to wait at most; zero or negative means not at all
     * @return the segment, never null
     * @throws AllocationException   reason {@code EXHAUSTED} when no block was freed in time or the thread was
     *                               interrupted (its interrupt status stays set); {@code TOO_LARGE} or
     *                               {@code UNSUPPORTED_ALIGNMENT} when the layout does not fit a block
     * @throws IllegalStateException when the pool is closed, before or during the wait, or its free-list was found
     *                               corrupt
     */
    public MemorySegment allocate(Layout layout, Duration timeout) {
        return BoundedWait.allocate(core, layout, timeout);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Under {@link Wipe#FREE} and {@link Wipe#ALWAYS} every block handed out is zero already, so this skips the
     * fill.
     *
     * @throws IllegalStateException when the pool is closed
     */
    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        final MemorySegment segment = allocate(layout);
        return core.wipeOnFree ? segment : segment.fill((byte) 0);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the segment is not from this pool, does not start at a block, or its size
     *                                  or {@code layout} does not match the allocation
     * @throws IllegalStateException    when the block is already free (with double-free checking on) or the pool is
     *                                  closed
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        core.give.deallocate(segment, layout, false);
    }

    /**
     * Deallocates like {@link #deallocate}, zeroing the whole block first whatever the {@link Wipe} policy.
     *
     * @param segment the segment, as this pool returned it
     * @param layout  the layout it was allocated with
     * @throws IllegalArgumentException as {@link #deallocate}
     * @throws IllegalStateException    as {@link #deallocate}
     */
    public void deallocateAndWipe(MemorySegment segment, Layout layout) {
        core.give.deallocate(segment, layout, true);
    }

    /**
     * Takes up to {@code count} free blocks with one list operation, writing their whole-block segments to
     * {@code into}. Give them back with {@link #deallocate(MemorySegment[], int, int)}, or one by one with
     * {@code deallocate(segment, Layout.of(blockSize()))}.
     *
     * @param into   where the segments go
     * @param offset the first slot to fill
     * @param count  how many blocks are wanted
     * @return how many were taken, fewer than {@code count} when fewer are free; slots past them are unchanged
     * @throws IllegalArgumentException when {@code offset} and {@code count} do not lie within {@code into}
     * @throws IllegalStateException    when the pool is closed
     */
    public int allocate(MemorySegment[] into, int offset, int count) {
        return core.bulk.takeMany(null, into, offset, count);
    }

    /**
     * Gives back {@code count} whole-block segments with one list operation: all of them, or, when one cannot be
     * given back, none.
     *
     * @param segments the segments, each a whole block of this pool
     * @param offset   the first slot to read
     * @param count    how many
     * @throws IllegalArgumentException when {@code offset} and {@code count} do not lie within {@code segments}, or a
     *                                  segment is not this pool's, not a block start or not a whole block
     * @throws IllegalStateException    when a block is already free or listed twice (with double-free checking on),
     *                                  or the pool is closed
     */
    public void deallocate(MemorySegment[] segments, int offset, int count) {
        core.bulk.giveMany(null, segments, offset, count);
    }

    /**
     * {@inheritDoc}
     *
     * <p>True for the segments this pool hands out and slices of them, live or freed, also after close.
     */
    @Override
    public boolean owns(MemorySegment segment) {
        return core.owns(segment);
    }

    /**
     * The index API over this pool's blocks, for code that passes buffers around by number.
     *
     * @return the index view; the same object every time
     */
    public BlockIndexes indexes() {
        return indexes;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Adds up per-block counters: O(capacity), about a millisecond per million blocks.
     */
    @Override
    public AllocatorStats stats() {
        return core.stats().toAllocatorStats();
    }

    /**
     * The pool's counters, with the figures {@link AllocatorStats} lacks (free, in use, high-water, exhaustions).
     *
     * @return a snapshot, O(capacity) like {@link #stats()}; works after close
     */
    public PoolStats poolStats() {
        return core.stats();
    }

    /**
     * Invalidates every segment handed out, zeroes the slab when the {@link Wipe} policy says so, gives the slab back
     * and closes the backing allocator when the pool owns it. Closing twice does nothing.
     *
     * @throws IllegalStateException when another thread is passing one of the pool's segments to a native call right
     *                               now (the JDK refuses to close the pool's arena then); nothing has changed and
     *                               {@code close()} may be called again
     * @throws WrongThreadException  when the backing's memory is confined to another thread, which alone can take
     *                               the slab back; nothing has changed, close the pool from that thread
     * @throws IllegalStateException also when an allocator registered with {@link #addDependent} does not close;
     *                               nothing else has changed then
     */
    @Override
    public void close() {
        core.requireCloseable();
        dependents.closeAll(this);
        core.close(this);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The pool closes {@code dependent} first when it closes.
     *
     * @return {@code true}
     */
    @Override
    public boolean addDependent(AutoCloseable dependent) {
        dependents.add(dependent);
        return true;
    }

    @Override
    public void removeDependent(AutoCloseable dependent) {
        dependents.remove(dependent);
    }

    /**
     * {@inheritDoc}
     *
     * @throws WrongThreadException when the backing's memory is confined to another thread, or the backing says so
     */
    @Override
    public void requireCloseable() {
        core.requireCloseable();
    }

    /** @return the size of each block in bytes */
    public long blockSize() {
        return core.blockSize;
    }

    /** @return the alignment of every block in bytes */
    public long alignment() {
        return core.alignment;
    }

    /** @return the number of blocks */
    public int capacity() {
        return core.capacity;
    }

    /** @return the distance between blocks in the slab: the block size padded to the alignment, at least 8 */
    public long stride() {
        return core.slab.stride;
    }

    /** @return the wipe policy */
    public Wipe wipe() {
        return core.wipe;
    }

    /**
     * Gives the cached blocks that can be given back now to the shared free-list: the calling thread's own cache,
     * the caches of threads that have ended, and the shared per-call caches (waiting for one another thread is using
     * for the length of its call). Live threads' own caches are asked to give theirs back on their next call. Call it
     * to make cached blocks available to {@link #allocate(MemorySegment[], int, int) bulk} callers, or before
     * inspecting the pool. Blocks freed meanwhile may be cached again.
     *
     * @return how many blocks went back; 0 when caching is off ({@link PoolBuilder#cache})
     * @throws IllegalStateException when the pool is closed
     */
    public int trim() {
        return core.trim();
    }

    /**
     * The calling thread gives the free blocks in its own cache back to the shared free-list and lets the cache go:
     * for a thread that is done with the pool for a while but stays alive (a pooled worker going idle). Its next call
     * takes a cache again.
     *
     * @return how many blocks went back; 0 when the thread holds no cache or caching is off
     * @throws IllegalStateException when the pool is closed
     */
    public int releaseThreadCache() {
        return core.releaseThreadCache();
    }

    /** @return blocks per thread cache; 0 when caching is off */
    public int cache() {
        return core.tier.cacheSize();
    }

    /**
     * A cache of this pool's blocks confined to the calling thread, for a thread that owns its work (an event loop,
     * a pipeline stage): its takes and gives are plain loads and stores with no thread lookup, and it goes to the
     * pool's shared list once per {@code cache / 2} blocks. Close it when the thread is done with it.
     *
     * @return a new local cache of {@link #cache()} blocks (or {@link PoolBuilder#DEFAULT_CACHE} when the pool's
     *         caching is off), owned by the calling thread
     * @throws IllegalStateException when the pool is closed
     */
    public LocalCache localCache() {
        return new LocalCache(core, cache() > 0 ? cache() : PoolBuilder.DEFAULT_CACHE);
    }

    /** @return whether double frees are detected */
    public boolean checksDoubleFree() {
        return core.checkDoubleFree;
    }

    /** For tests in this package. */
    PoolCore core() {
        return core;
    }

    /** Returns text like {@code pool(64 B x 4096, 17 in use, high-water 312, 0 exhausted)}. */
    @Override
    public String toString() {
        return core.toString();
    }

    @Override
    public void measures(java.util.function.Consumer<? super dev.allocator.api.Measure> sink) {
        PoolMeasures.list(this, sink);
    }
}
