package dev.allocator.netty;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Netty {@link io.netty.buffer.ByteBufAllocator} whose direct buffers take their memory from an {@link Allocator}
 * and give it back on their last {@link ByteBuf#release()}: Netty code gets the project's pools, size classes,
 * budgets and checked mode without changing its buffer code.
 *
 * {@snippet :
 * try (SegmentByteBufAllocator buffers = new SegmentByteBufAllocator("budget(limit=64MiB) > sizeclasses")) {
 *     new ServerBootstrap()
 *             .group(boss, workers)
 *             .channel(NioServerSocketChannel.class)
 *             .option(ChannelOption.ALLOCATOR, buffers)
 *             .childOption(ChannelOption.ALLOCATOR, buffers)
 *             .childHandler(new EchoHandler());
 *     // ... serve; shut the event loops down before the allocator closes ...
 * }
 * }
 *
 * <h2>Buffers</h2>
 * <ul>
 *   <li><b>Direct buffers</b> ({@code directBuffer}, {@code ioBuffer}, and {@code buffer} when direct is preferred,
 *       the default) are this package's buffers over a segment of exactly their capacity from the allocator,
 *       aligned to {@link #alignment()} ({@link #DEFAULT_ALIGNMENT}, 16 bytes, unless given), read and written
 *       through the FFM API. A capacity change (an explicit {@code capacity(int)}, or a write past the end) takes a
 *       new segment from the same allocator, copies, and gives the old one back; if the allocator refuses, the buffer
 *       is unchanged. {@code hasMemoryAddress()} is {@code true} and {@code memoryAddress()} is the segment's
 *       address. {@code nioBuffer}s are views of the segment, made on demand.</li>
 *   <li><b>No garbage per buffer</b>: like Netty's pooled and adaptive buffers, the buffer objects are recycled
 *       with Netty's {@code Recycler} (per event loop thread; a per-thread stack on other platform threads), and reuse their
 *       layout and {@code ByteBuffer} view when they get the same size or block again. What remains per buffer is
 *       what the allocator makes (a pool or size class returns a new {@code MemorySegment} slice). As with Netty's
 *       recycled buffers, a reference kept after the last {@code release()} may later see another buffer: do not
 *       keep one.</li>
 *   <li><b>Heap buffers</b> stay Netty's ({@code UnpooledHeapByteBuf} over a {@code byte[]}), counted in
 *       {@link ByteBufAllocatorMetric#usedHeapMemory()}.</li>
 *   <li><b>Leak detection</b> is Netty's: every buffer, direct or heap, is wrapped for Netty's leak detector as
 *       Netty's own allocators do, so {@code -Dio.netty.leakDetection.level=paranoid} reports a buffer collected unreleased. Its
 *       segment stays in use in the allocator's stats until the allocator closes.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li>A negative capacity, an initial capacity above the maximum, or a capacity change past the maximum throws
 *       Netty's {@link IllegalArgumentException}, before the allocator is asked.</li>
 *   <li>A request the allocator cannot satisfy (a budget's limit, an exhausted pool without fallback, native memory)
 *       throws the allocator's {@link AllocationException} unchanged, with its {@link AllocationException#reason()},
 *       rather than Netty's {@link OutOfMemoryError}: a refusal by a budget is an expected, recoverable event, and
 *       Netty's channels hand a {@link RuntimeException} to {@code exceptionCaught} like any other. Nothing is then
 *       held: the allocator's counts and {@link ByteBufAllocatorMetric#usedDirectMemory()} are as before.</li>
 *   <li>After {@link #close()}, a direct buffer request throws {@link IllegalStateException}.</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * Thread-safe when its allocator is, and the allocator must be: Netty releases buffers on whatever thread holds the
 * last reference (another event loop, a worker). The allocator must also hand out segments that any thread may
 * touch (not a confined arena). Actions before a buffer's last {@code release()} happen-before actions after a later
 * allocation that reuses its memory, as far as the allocator guarantees it (every thread-safe allocator of this
 * project does). Each buffer follows Netty's rules: one thread at a time.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the allocator when this object opened it (the spec constructor); otherwise the caller
 * keeps and closes its own allocator, and {@code close()} only stops new direct buffers. Close after the event loops
 * have terminated. A buffer released after its allocator was closed by {@code close()} gives nothing back (the
 * allocator gave everything back when it closed), and touching one throws {@link IllegalStateException} for every
 * allocator of this project.
 */
/*
 * Maintainers. One direct buffer = one SegmentByteBuf (a recycled object) holding one segment at a time, taken
 * with take() and given back with give(). Invariants:
 *  - usedDirect is the sum of the sizes of the segments taken and not yet given back: take() adds after the
 *    allocator succeeded, give() subtracts after it accepted the segment (or, once an owned allocator is closed,
 *    without asking it). Netty's tests require exact equality with the buffers' capacities when quiet.
 *  - A segment is given back exactly once: by SegmentByteBuf.capacity(int) for the one it replaces, by
 *    SegmentByteBuf.deallocate() (run once, on the last release) for the one it holds.
 * The counters are LongAdders: written on every allocation and release from every event loop, read only by a
 * metrics poll, so striping keeps event loops off one shared cache line; they are not synchronisers.
 */
public final class SegmentByteBufAllocator extends AbstractByteBufAllocator
        implements ByteBufAllocatorMetricProvider, AutoCloseable {

    /**
     * The alignment of direct buffers unless another is given: 16 bytes, what {@code malloc} (and so
     * {@link java.nio.ByteBuffer#allocateDirect(int)}, Netty's unpooled buffers) guarantees on 64-bit platforms,
     * enough for any Java primitive and 128-bit vectors, and free for the size classes and pools (their blocks are
     * at least this aligned). Ask for 64 (a cache line) or 4096 (a page, for {@code O_DIRECT}) with
     * {@link #SegmentByteBufAllocator(Allocator, boolean, long)}.
     */
    public static final long DEFAULT_ALIGNMENT = 16;

    private final Allocator allocator;
    private final boolean ownsAllocator;
    private final long alignment;
    private final LongAdder usedDirect = new LongAdder();
    private final LongAdder usedHeap = new LongAdder();
    private final ByteBufAllocatorMetric metric = new Metric();
    private volatile boolean closed;

    /**
     * An adapter over {@code allocator}, preferring direct buffers, aligned to {@link #DEFAULT_ALIGNMENT}. The
     * caller keeps {@code allocator} open while buffers from it live, and closes it.
     *
     * @param allocator a thread-safe allocator whose segments any thread may touch
     * @throws NullPointerException when {@code allocator} is null
     */
    public SegmentByteBufAllocator(Allocator allocator) {
        this(allocator, true, DEFAULT_ALIGNMENT);
    }

    /**
     * An adapter over {@code allocator}. The caller keeps {@code allocator} open while buffers from it live, and
     * closes it.
     *
     * @param allocator    a thread-safe allocator whose segments any thread may touch
     * @param preferDirect whether {@code buffer()} returns direct buffers (else heap buffers; {@code ioBuffer()} is
     *                     always direct)
     * @param alignment    the alignment of every direct buffer's memory, a power of two
     * @throws NullPointerException     when {@code allocator} is null
     * @throws IllegalArgumentException when {@code alignment} is not a power of two
     */
    public SegmentByteBufAllocator(Allocator allocator, boolean preferDirect, long alignment) {
        this(Objects.requireNonNull(allocator, "allocator"), false, preferDirect,
                Checks.requirePowerOfTwo(alignment, "alignment"));
    }

    /**
     * An adapter over an allocator opened from {@code spec} with {@link Allocators#open(String)}, which this object
     * owns: {@link #close()} closes it. Prefers direct buffers, aligned to {@link #DEFAULT_ALIGNMENT}.
     *
     * @param spec an allocator spec, such as {@code "budget(limit=64MiB) > sizeclasses"}
     * @throws dev.allocator.api.SpecException when the spec is malformed or names an unknown provider or option
     * @throws NullPointerException            when {@code spec} is null
     */
    public SegmentByteBufAllocator(String spec) {
        this(Allocators.open(Objects.requireNonNull(spec, "spec")), true, true, DEFAULT_ALIGNMENT);
    }

    private SegmentByteBufAllocator(Allocator allocator, boolean ownsAllocator, boolean preferDirect, long alignment) {
        super(preferDirect);
        this.allocator = allocator;
        this.ownsAllocator = ownsAllocator;
        this.alignment = alignment;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        Checks.requireOpen(closed, this);
        return toLeakAwareBuffer(SegmentByteBuf.allocate(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return toLeakAwareBuffer(new CountedHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    /**
     * Returns {@code true}: direct buffers come from an allocator built to make them cheap, and are freed
     * deterministically on release, so Netty may prefer them for I/O.
     *
     * @return {@code true}
     */
    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    /**
     * The memory in use: {@code usedDirectMemory()} is the sum of the capacities of the live direct buffers (what
     * they hold from the allocator), {@code usedHeapMemory()} that of the live heap buffers.
     *
     * @return the metric, the same object on every call
     */
    @Override
    public ByteBufAllocatorMetric metric() {
        return metric;
    }

    /**
     * The allocator direct buffers come from.
     *
     * @return the allocator given or opened at construction
     */
    public Allocator allocator() {
        return allocator;
    }

    /**
     * The alignment of every direct buffer's memory.
     *
     * @return a power of two
     */
    public long alignment() {
        return alignment;
    }

    /**
     * Stops new direct buffers, and closes the allocator when this object opened it from a spec. Closing twice
     * does nothing.
     *
     * @throws WrongThreadException when the owned allocator may not be closed from this thread (nothing changes)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (ownsAllocator) {
            allocator.requireCloseable();
        }
        closed = true;
        if (ownsAllocator) {
            allocator.close();
        }
    }

    /**
     * The layout of a block of {@code capacity} bytes: {@code reusable} when it is that layout (a recycled buffer's
     * last one), else a new one.
     */
    Layout layout(int capacity, Layout reusable) {
        return reusable != null && reusable.size() == capacity && reusable.alignment() == alignment
                ? reusable : Layout.of(capacity, alignment);
    }

    /**
     * Takes a block for a direct buffer.
     *
     * @throws AllocationException when the allocator cannot satisfy the request; nothing is then held
     */
    MemorySegment take(Layout layout) {
        MemorySegment segment = allocator.allocate(layout);
        usedDirect.add(layout.size());
        return segment;
    }

    /** Gives a block back; once an owned allocator is closed, its memory went back with it. */
    void give(MemorySegment segment, Layout layout) {
        if (!(ownsAllocator && closed)) {
            allocator.deallocate(segment, layout);
        }
        usedDirect.add(-layout.size());
    }

    void heapAllocated(int bytes) {
        usedHeap.add(bytes);
    }

    void heapFreed(int bytes) {
        usedHeap.add(-bytes);
    }

    /**
     * Returns {@code "SegmentByteBufAllocator(<allocator>, alignment=16, direct in use=..., heap in use=...)"}.
     */
    @Override
    public String toString() {
        return "SegmentByteBufAllocator(" + allocator + ", alignment=" + alignment + ", direct in use="
                + usedDirect.sum() + " B, heap in use=" + usedHeap.sum() + " B" + (closed ? ", closed)" : ")");
    }

    /** The metric view of the two counters. */
    private final class Metric implements ByteBufAllocatorMetric {
        @Override
        public long usedHeapMemory() {
            return usedHeap.sum();
        }

        @Override
        public long usedDirectMemory() {
            return usedDirect.sum();
        }

        @Override
        public String toString() {
            return "usedDirectMemory=" + usedDirectMemory() + ", usedHeapMemory=" + usedHeapMemory();
        }
    }
}
