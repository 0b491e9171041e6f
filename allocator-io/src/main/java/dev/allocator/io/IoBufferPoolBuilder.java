package dev.allocator.io;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.io.internal.AtomicWords;
import dev.allocator.io.internal.BufferStates;
import dev.allocator.io.internal.MemoryLock;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.PoolBuilder;

import java.util.Objects;

/**
 * Builds an {@link IoBufferPool}. Not thread-safe; one builder may build several pools, each with buffers of its own.
 *
 * {@snippet :
 * IoBufferPool buffers = IoBufferPool.builder()
 *         .bufferSize(128 * 1024)   // a multiple of the page size keeps locked pages to the buffers alone
 *         .count(64)
 *         .locked(true)             // mlock: no page faults in the I/O path; counts against RLIMIT_MEMLOCK
 *         .build();
 * }
 */
public final class IoBufferPoolBuilder {

    /** The largest number of buffers. */
    public static final int MAX_COUNT = 1 << 20;

    private long bufferSize = -1;
    private int count = -1;
    private long alignment = -1;
    private boolean locked;
    private Allocator backing;

    IoBufferPoolBuilder() {
    }

    /**
     * The size of each buffer (required).
     *
     * @param bufferSize bytes, {@code > 0}
     * @return this builder
     * @throws IllegalArgumentException when {@code bufferSize <= 0}
     */
    public IoBufferPoolBuilder bufferSize(long bufferSize) {
        this.bufferSize = Checks.requirePositive(bufferSize, "bufferSize");
        return this;
    }

    /**
     * The number of buffers (required).
     *
     * @param count 1 to {@value #MAX_COUNT}
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public IoBufferPoolBuilder count(int count) {
        this.count = (int) Checks.requireInRange(count, 1, MAX_COUNT, "count");
        return this;
    }

    /**
     * The alignment of every buffer's address; default the page size ({@code getpagesize()}), what {@code O_DIRECT}
     * and registered io_uring buffers want.
     *
     * @param alignment bytes, a power of two
     * @return this builder
     * @throws IllegalArgumentException when {@code alignment} is not a power of two
     */
    public IoBufferPoolBuilder alignment(long alignment) {
        this.alignment = Checks.requirePowerOfTwo(alignment, "alignment");
        return this;
    }

    /**
     * Whether to lock the buffers into RAM ({@code mlock}) when the pool is built; default {@code false}. Locked
     * bytes count against the process's {@code RLIMIT_MEMLOCK} (often 8 MiB for an unprivileged process, see
     * {@code ulimit -l}), whole pages at a time.
     *
     * @param locked {@code true} to lock
     * @return this builder
     */
    public IoBufferPoolBuilder locked(boolean locked) {
        this.locked = locked;
        return this;
    }

    /**
     * The allocator the buffers come from; default {@link dev.allocator.api.Allocators#system()}. The pool does not
     * close it; it registers with it ({@link Allocator#addDependent}), so closing it first closes the pool.
     *
     * @param backing the allocator
     * @return this builder
     */
    public IoBufferPoolBuilder backing(Allocator backing) {
        this.backing = Objects.requireNonNull(backing, "backing");
        return this;
    }

    /**
     * Takes the buffers from the backing allocator, locks them when asked, and builds the pool. If this throws, the
     * backing is as it was: the memory has been given back.
     *
     * @return the pool
     * @throws IllegalStateException when {@code bufferSize} or {@code count} was not set
     * @throws IllegalArgumentException when {@code bufferSize * count} overflows
     * @throws AllocationException   when the backing cannot provide the buffers (its reason), or, with reason
     *                               {@code OUT_OF_NATIVE_MEMORY}, when the kernel refuses the lock; the message names
     *                               {@code RLIMIT_MEMLOCK}, its value and the errno
     */
    public IoBufferPool build() {
        if (bufferSize < 0 || count < 0) {
            throw new IllegalStateException("an I/O buffer pool needs bufferSize and count: bufferSize="
                    + (bufferSize < 0 ? "unset" : bufferSize) + ", count=" + (count < 0 ? "unset" : count));
        }
        final long align = alignment > 0 ? alignment : MemoryLock.pageSize();
        Checks.multiplyExact(Checks.alignUp(bufferSize, align), count, "bufferSize * count");
        final PoolBuilder builder = FixedBlockPool.builder().blockSize(bufferSize).alignment(align).capacity(count)
                .cache(0);
        if (backing != null) {
            builder.backing(backing, false);
        }
        final FixedBlockPool pool = builder.build();
        final long lockBytes = locked ? lock(pool) : 0;
        return new IoBufferPool(pool, new BufferStates(new AtomicWords(count)), lockBytes);
    }

    /** Locks the buffers' span, or closes the pool and throws. */
    private long lock(FixedBlockPool pool) {
        final long start = pool.indexes().segment(0).address();
        final long bytes = pool.indexes().segment(count - 1).address() + bufferSize - start;
        final int errno = MemoryLock.lock(start, bytes);
        if (errno == 0) {
            return bytes;
        }
        pool.close();
        final long[] limit = MemoryLock.memlockLimit();
        throw new AllocationException(AllocationException.Reason.OUT_OF_NATIVE_MEMORY,
                Layout.of(bytes, pool.alignment()),
                "locked buffers must fit RLIMIT_MEMLOCK (with what the process has locked already): bytes=" + bytes
                        + ", RLIMIT_MEMLOCK=" + MemoryLock.describe(limit[0]) + " (hard "
                        + MemoryLock.describe(limit[1]) + "), errno=" + errno + " (" + errnoName(errno) + ")");
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            default -> "see errno(3)";
        };
    }
}
