package dev.allocator.io;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.io.internal.BufferStates;
import dev.allocator.io.internal.MemoryLock;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.PoolStats;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

/**
 * A pool of aligned, optionally locked buffers for I/O, by index, that never hands out or takes back a buffer the
 * kernel still owns: a buffer given to an I/O operation is marked in flight, and until that operation is completed
 * it can be neither released nor handed out again.
 *
 * {@snippet :
 * try (IoBufferPool buffers = IoBufferPool.builder().bufferSize(64 * 1024).count(32).locked(true).build()) {
 *     int b = buffers.acquire();
 *     buffers.markInFlight(b);
 *     long n = pread(fd, buffers.buffer(b), 64 * 1024, offset);   // the kernel writes into the buffer
 *     buffers.completeInFlight(b);
 *     consume(buffers.buffer(b).asSlice(0, n));
 *     buffers.release(b);
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>States.</b> Each buffer is {@link BufferState#FREE}, {@link BufferState#ACQUIRED} or
 *       {@link BufferState#IN_FLIGHT}; {@link #acquire()} moves one from free to acquired, {@link #markInFlight} from
 *       acquired to in flight, {@link #completeInFlight} back, {@link #release} from acquired to free. A call on a
 *       buffer in any other state throws {@link IllegalStateException} naming the buffer and its state, and nothing
 *       changes; an index out of range throws {@link IllegalArgumentException}.</li>
 *   <li><b>Thread-safety.</b> Every method may be called from any thread. Each transition is one compare-and-set,
 *       so of two racing calls making the same transition of one buffer exactly one succeeds. Actions before a
 *       release <i>happen-before</i> those after the acquire that hands the buffer out next; an in-flight buffer's
 *       contents are ordered by the I/O call itself, not by this pool.</li>
 *   <li><b>Exhaustion.</b> With no free buffer, {@link #acquire()} throws {@link AllocationException} with reason
 *       {@code EXHAUSTED}, {@link #tryAcquire()} returns -1, {@link #acquire(Duration)} waits up to its timeout. No
 *       thread caches: every free buffer is available to every thread.</li>
 *   <li><b>Buffers.</b> {@link #buffer(int)} is the same segment object every time (nothing allocated), its
 *       address a multiple of the alignment (default the page size, as {@code O_DIRECT} needs), for an acquired or
 *       in-flight buffer only. With {@code locked(true)} the buffers are locked into RAM with {@code mlock} when
 *       the pool is built and unlocked when it closes; a lock the kernel refuses fails the build with
 *       {@link AllocationException} (reason {@code OUT_OF_NATIVE_MEMORY}) naming {@code RLIMIT_MEMLOCK} and its
 *       value, and gives the memory back.</li>
 *   <li><b>Close.</b> {@link #close()} refuses, changing nothing, while a buffer is in flight (the kernel may still
 *       write into it); otherwise it unlocks the buffers, closes the pool beneath (every buffer segment becomes
 *       inaccessible) and gives the memory back. Later calls throw {@link IllegalStateException}, except
 *       {@code close()}, {@link #stats()} and the getters.</li>
 * </ul>
 */
public final class IoBufferPool implements AutoCloseable {

    /*
     * Maintainers' notes: the buffers are a FixedBlockPool's blocks (cache(0), so that no buffer parks in a thread),
     * taken and given back through its public index API; BufferStates adds the state word per buffer. A buffer is
     * FREE exactly while the pool beneath may hand it out: its state leaves FREE right after the pool's take and
     * returns to FREE right before the pool's release, both on the holder's thread. Acquisitions and exhaustions
     * are the pool's own counters, so the hot path adds no shared counter.
     */

    private final FixedBlockPool pool;
    private final BlockIndexes blocks;
    private final BufferStates states;
    private final long lockBytes;
    private volatile boolean closed;

    IoBufferPool(FixedBlockPool pool, BufferStates states, long lockBytes) {
        this.pool = pool;
        this.blocks = pool.indexes();
        this.states = states;
        this.lockBytes = lockBytes;
    }

    /**
     * Starts building an I/O buffer pool.
     *
     * @return a builder; {@code bufferSize} and {@code count} must be set before {@link IoBufferPoolBuilder#build()}
     */
    public static IoBufferPoolBuilder builder() {
        return new IoBufferPoolBuilder();
    }

    /**
     * Takes a free buffer.
     *
     * @return its index, 0 to {@link #count()} - 1, now {@link BufferState#ACQUIRED}
     * @throws AllocationException   reason {@code EXHAUSTED} when every buffer is acquired or in flight
     * @throws IllegalStateException when the pool is closed
     */
    public int acquire() {
        final int index = tryAcquire();
        if (index < 0) {
            throw exhausted("");
        }
        return index;
    }

    /**
     * Takes a free buffer, or returns -1 when none is free.
     *
     * @return its index, or -1
     * @throws IllegalStateException when the pool is closed
     */
    public int tryAcquire() {
        Checks.requireOpen(closed, this);
        return taken(blocks.acquire());
    }

    /**
     * Takes a free buffer, waiting up to {@code timeout} for one to be released (spinning, then yielding, then
     * parking).
     *
     * @param timeout how long to wait at most; zero or negative means not at all
     * @return its index
     * @throws AllocationException   reason {@code EXHAUSTED} when none was released in time, or the thread was
     *                               interrupted (its interrupt status stays set)
     * @throws IllegalStateException when the pool is closed
     */
    public int acquire(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Checks.requireOpen(closed, this);
        final int index = taken(blocks.acquire(timeout));
        if (index < 0) {
            throw exhausted(Thread.currentThread().isInterrupted() ? " (interrupted while waiting)"
                    : " (waited " + timeout + ")");
        }
        return index;
    }

    /**
     * The memory of an acquired or in-flight buffer: {@link #bufferSize()} bytes, the same object every time.
     *
     * @param index the buffer
     * @return its segment
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the buffer is free, or the pool is closed
     */
    public MemorySegment buffer(int index) {
        checkIndex(index);
        Checks.requireOpen(closed, this);
        final int state = states.state(index);
        if (state == BufferStates.FREE) {
            throw wrongState(index, state, "acquired or in flight to be used");
        }
        return blocks.segment(index);
    }

    /**
     * Marks an acquired buffer as handed to the kernel: from now until {@link #completeInFlight} it can be neither
     * released nor handed out.
     *
     * @param index the buffer
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the buffer is not {@link BufferState#ACQUIRED} (free or in flight
     *                                  already), or the pool is closed; nothing changed
     */
    public void markInFlight(int index) {
        move(index, BufferStates.ACQUIRED, BufferStates.IN_FLIGHT, "acquired to be marked in flight");
    }

    /**
     * Marks an in-flight buffer as back from the kernel: acquired again, the caller's to read, reuse or release.
     *
     * @param index the buffer
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the buffer is not {@link BufferState#IN_FLIGHT}, or the pool is closed;
     *                                  nothing changed
     */
    public void completeInFlight(int index) {
        move(index, BufferStates.IN_FLIGHT, BufferStates.ACQUIRED, "in flight to be completed");
    }

    /**
     * Gives an acquired buffer back.
     *
     * @param index the buffer
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the buffer is not {@link BufferState#ACQUIRED} (free, or in flight: the
     *                                  kernel still owns it), or the pool is closed; nothing changed
     */
    public void release(int index) {
        move(index, BufferStates.ACQUIRED, BufferStates.FREE, "acquired, not free nor in flight, to be released");
        blocks.release(index);
    }

    /**
     * The state of a buffer, for checks and monitoring; it may change right after.
     *
     * @param index the buffer
     * @return its state
     * @throws IllegalArgumentException when {@code index} is out of range
     */
    public BufferState state(int index) {
        return BufferState.values()[states.state(checkIndex(index))];
    }

    /**
     * The pool's counters: O(count).
     *
     * @return a snapshot; works after close
     */
    public IoBufferStats stats() {
        final PoolStats stats = pool.poolStats();
        return new IoBufferStats(stats.allocations(), stats.exhaustions(), states.count(BufferStates.IN_FLIGHT),
                stats.free(), stats.bytesReserved());
    }

    /** @return the bytes of each buffer */
    public long bufferSize() {
        return pool.blockSize();
    }

    /** @return the alignment of every buffer's address */
    public long alignment() {
        return pool.alignment();
    }

    /** @return the number of buffers */
    public int count() {
        return pool.capacity();
    }

    /** @return whether the buffers are locked into RAM */
    public boolean locked() {
        return lockBytes > 0;
    }

    /**
     * Unlocks the buffers and gives them back; closing twice does nothing.
     *
     * @throws IllegalStateException when a buffer is in flight (nothing changed; complete it and close again), or
     *                               the pool beneath refuses to close (see {@link FixedBlockPool#close()})
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        final int inFlight = states.count(BufferStates.IN_FLIGHT);
        if (inFlight > 0) {
            throw new IllegalStateException("no buffer may be in flight when an I/O buffer pool closes: inFlight="
                    + inFlight);
        }
        pool.requireCloseable();
        if (lockBytes > 0) {
            MemoryLock.unlock(blocks.segment(0).address(), lockBytes);
        }
        pool.close();
        closed = true;
    }

    /** Returns text like {@code io-buffers(65536 B x 32, aligned 4096, locked)}. */
    @Override
    public String toString() {
        return "io-buffers(" + bufferSize() + " B x " + count() + ", aligned " + alignment()
                + (locked() ? ", locked)" : ")");
    }

    private int taken(int index) {
        if (index >= 0 && states.move(index, BufferStates.FREE, BufferStates.ACQUIRED) != BufferStates.FREE) {
            throw wrongState(index, states.state(index), "free when the pool hands it out");
        }
        return index;
    }

    private void move(int index, int from, int to, String requirement) {
        checkIndex(index);
        Checks.requireOpen(closed, this);
        final int seen = states.move(index, from, to);
        if (seen != from) {
            throw wrongState(index, seen, requirement);
        }
    }

    private int checkIndex(int index) {
        return (int) Checks.requireInRange(index, 0, pool.capacity() - 1L, "index");
    }

    private IllegalStateException wrongState(int index, int state, String requirement) {
        return new IllegalStateException("a buffer must be " + requirement + ": buffer=" + index + ", state="
                + BufferState.values()[state]);
    }

    private AllocationException exhausted(String detail) {
        return new AllocationException(AllocationException.Reason.EXHAUSTED, Layout.of(bufferSize(), alignment()),
                "no free buffer in " + this + ": count=" + count() + ", inFlight="
                        + states.count(BufferStates.IN_FLIGHT) + detail);
    }
}
