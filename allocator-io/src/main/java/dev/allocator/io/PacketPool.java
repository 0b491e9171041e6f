package dev.allocator.io;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.io.internal.AtomicWords;
import dev.allocator.io.internal.RefCounts;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A pool of packet frames: fixed blocks of {@link #headroom()} plus {@link #frameSize()} bytes, each carrying its
 * payload length and a reference count, handed out as {@link Packet} leases or by index, and freed when the last
 * reference goes.
 *
 * {@snippet :
 * try (PacketPool packets = PacketPool.builder().frameSize(FrameSize.forMtu(1500, 0)).headroom(128)
 *         .capacity(4096).build()) {
 *     Packet packet = packets.acquire(payload);     // copied in, length = payload size, one reference
 *     ring.offer(packet.detach());                  // hand the reference over by index
 *     // ... on the worker:
 *     try (Packet received = packets.lease(ring.poll())) {
 *         process(received.data());
 *     }                                             // last reference: the frame goes back
 * }
 * }
 * Or from a spec: {@code (PacketPool) Allocators.open("packets(mtu=9000, headroom=128, capacity=8192) > system")}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Thread-safety.</b> Every method may be called from any thread; a frame may be released by a thread other
 *       than the one that took it. Actions of a thread before it releases a frame's last reference
 *       <i>happen-before</i> the actions of the thread that takes the frame next. Reference counts change by one
 *       compare-and-set each. Payloads and lengths are plain memory, ordered by whatever hands the packet on.</li>
 *   <li><b>Frames.</b> A frame's payload starts {@link #headroom()} bytes into its block; its length starts at
 *       {@link #frameSize()} ({@link #acquire()}, {@link #acquireIndices}) or the payload's size
 *       ({@link #acquire(MemorySegment)}).</li>
 *   <li><b>Exhaustion.</b> With no free frame, {@link #acquire()} throws {@link AllocationException} with reason
 *       {@code EXHAUSTED}, {@link #tryAcquire()} returns {@code null} and {@link #acquireIndices} returns fewer.
 *       Each platform thread may keep up to {@link PacketPoolBuilder#cache} free frames of its own (the pool's
 *       thread cache, as DPDK's per-lcore mempool cache): they count as available but other threads cannot take them
 *       until that thread calls the pool again or ends.</li>
 *   <li><b>Misuse.</b> An index out of range throws {@link IllegalArgumentException}; releasing or leasing a frame
 *       that is free, or releasing more often than retained, throws {@link IllegalStateException} naming the block
 *       and its count; a payload larger than a frame throws {@link IllegalArgumentException} naming both sizes. In
 *       every case nothing was taken or changed.</li>
 *   <li><b>An allocator too.</b> As an {@link Allocator} the pool hands out whole blocks ({@link #blockSize()}
 *       bytes, aligned to 64) exactly as {@link FixedBlockPool} does, sharing the frames with the packets; such
 *       blocks are not packets ({@link #lease} and {@link #release(int)} refuse them), and {@link #deallocate}
 *       refuses a packet's frame. {@link #stats()} counts both.</li>
 *   <li><b>Close.</b> {@link #close()} closes the pool beneath: every segment handed out becomes inaccessible, and
 *       the backing allocator is closed when the pool owns it (a pool from a spec does). Later calls throw
 *       {@link IllegalStateException}, except {@code close()}, {@link #owns}, {@link #stats()} and the getters.</li>
 * </ul>
 */
public final class PacketPool implements Allocator {

    /*
     * Maintainers' notes: the frames are a FixedBlockPool's blocks, taken and given back through its public index API
     * (BlockIndexes); this class adds a RefCounts word and a length per block. A frame is a packet exactly while its
     * count is > 0: RefCounts.take right after the pool hands the block out, the pool's release right after the
     * count's last decrement. Lengths are plain ints written and read by the frame's holders.
     */

    private final FixedBlockPool frames;
    private final BlockIndexes blocks;
    private final RefCounts refs;
    private final int[] lengths;
    private final int frameSize;
    private final int headroom;

    PacketPool(FixedBlockPool frames, int frameSize, int headroom) {
        this.frames = frames;
        this.blocks = frames.indexes();
        this.refs = new RefCounts(new AtomicWords(frames.capacity()));
        this.lengths = new int[frames.capacity()];
        this.frameSize = frameSize;
        this.headroom = headroom;
    }

    /**
     * Starts building a packet pool.
     *
     * @return a builder; {@code frameSize} and {@code capacity} must be set before {@link PacketPoolBuilder#build()}
     */
    public static PacketPoolBuilder builder() {
        return new PacketPoolBuilder();
    }

    /**
     * Takes a frame as a packet with one reference; its length is {@link #frameSize()}.
     *
     * @return the lease
     * @throws AllocationException   reason {@code EXHAUSTED} when no frame is free
     * @throws IllegalStateException when the pool is closed
     */
    public Packet acquire() {
        final Packet packet = tryAcquire();
        if (packet == null) {
            throw exhausted();
        }
        return packet;
    }

    /**
     * Takes a frame as {@link #acquire()} does, or returns {@code null} when none is free.
     *
     * @return the lease, or {@code null}
     * @throws IllegalStateException when the pool is closed
     */
    public Packet tryAcquire() {
        final int index = blocks.acquire();
        return index < 0 ? null : new Packet(this, index, take(index, frameSize));
    }

    /**
     * Takes a frame and copies {@code payload} into it; the packet's length is the payload's size.
     *
     * @param payload the bytes, at most {@link #frameSize()}
     * @return the lease
     * @throws IllegalArgumentException when the payload is larger than a frame (nothing was taken); the message names
     *                                  both sizes
     * @throws AllocationException      reason {@code EXHAUSTED} when no frame is free
     * @throws IllegalStateException    when the pool is closed, or the payload's scope is closed or confined to
     *                                  another thread (the frame went back)
     */
    public Packet acquire(MemorySegment payload) {
        final int size = (int) Checks.requireInRange(payload.byteSize(), 0, frameSize, "payload.byteSize()");
        final int index = blocks.acquire();
        if (index < 0) {
            throw exhausted();
        }
        final long generation = take(index, size);
        try {
            MemorySegment.copy(payload, 0, blocks.segment(index), headroom, size);
        } catch (RuntimeException e) {
            release(index);
            throw e;
        }
        return new Packet(this, index, generation);
    }

    /**
     * Takes up to {@code into.length} frames with one list operation, each with one reference and length
     * {@link #frameSize()}, writing their indices to {@code into}. Allocates nothing on the Java heap.
     *
     * @param into where the indices go
     * @return how many were taken; fewer when fewer are free; slots past them are unchanged
     * @throws IllegalStateException when the pool is closed
     */
    public int acquireIndices(int[] into) {
        final int n = blocks.acquire(Objects.requireNonNull(into, "into"), 0, into.length);
        for (int i = 0; i < n; i++) {
            take(into[i], frameSize);
        }
        return n;
    }

    /**
     * A handle on a frame handed over by index ({@link Packet#detach()}, {@link #acquireIndices}): it takes over the
     * reference the index stood for; the count does not change.
     *
     * @param index the frame
     * @return a new handle
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the frame is free; nothing changed
     */
    public Packet lease(int index) {
        final long word = refs.word(checkIndex(index));
        if (RefCounts.count(word) == 0) {
            throw refused(index, "leased");
        }
        return new Packet(this, index, RefCounts.generation(word));
    }

    /**
     * Drops one reference to frame {@code index}; the last one gives the frame back. Allocates nothing.
     *
     * @param index the frame
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the frame is free (released more often than retained); nothing changed
     */
    public void release(int index) {
        release(checkIndex(index), RefCounts.ANY);
    }

    /**
     * The whole block of frame {@code index}: {@link #headroom()} bytes, then the payload. The same object every
     * time, so the index forms allocate nothing; write the payload at offset {@link #headroom()}.
     *
     * @param index the frame
     * @return the block's segment, {@link #blockSize()} bytes
     * @throws IllegalArgumentException when {@code index} is out of range
     */
    public MemorySegment frame(int index) {
        return blocks.segment(checkIndex(index));
    }

    /**
     * The payload length of frame {@code index}, for the index forms.
     *
     * @param index the frame
     * @return the length
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the frame is free
     */
    public int length(int index) {
        requireLease(checkIndex(index), RefCounts.ANY);
        return lengths[index];
    }

    /**
     * Sets the payload length of frame {@code index}, for the index forms.
     *
     * @param index  the frame
     * @param length bytes, 0 to {@link #frameSize()}
     * @throws IllegalArgumentException when {@code index} or {@code length} is out of range
     * @throws IllegalStateException    when the frame is free
     */
    public void length(int index, int length) {
        requireLease(checkIndex(index), RefCounts.ANY);
        lengths[index] = (int) Checks.requireInRange(length, 0, frameSize, "length");
    }

    /**
     * Frames free, counted by the pool beneath: O(capacity), like {@link FixedBlockPool#poolStats()}.
     *
     * @return {@code capacity() - inUse()}
     */
    public int available() {
        return frames.poolStats().free();
    }

    /**
     * Frames out of the pool, packets and blocks from {@link #allocate}: O(capacity).
     *
     * @return how many
     */
    public int inUse() {
        return frames.poolStats().inUse();
    }

    /** @return the payload bytes of each frame */
    public int frameSize() {
        return frameSize;
    }

    /** @return the bytes before each payload */
    public int headroom() {
        return headroom;
    }

    /** @return the size of each block: headroom plus frame size, rounded up to 64 */
    public long blockSize() {
        return frames.blockSize();
    }

    /** @return the number of frames */
    public int capacity() {
        return frames.capacity();
    }

    // ---- the Allocator face: whole blocks, as the pool beneath hands them out ----

    /** {@inheritDoc} Hands out a whole block (not a packet) as {@link FixedBlockPool#allocate(Layout)} does. */
    @Override
    public MemorySegment allocate(Layout layout) {
        return frames.allocate(layout);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return frames.tryAllocate(layout);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException also when the segment is a packet's frame (release it through its lease)
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        final int index = blocks.blockAt(Objects.requireNonNull(segment, "segment").address());
        if (index >= 0 && frames.owns(segment) && RefCounts.count(refs.word(index)) > 0) {
            throw new IllegalStateException("a packet's frame must be released through its lease, not deallocated: "
                    + "block=" + index + ", refCount=" + RefCounts.count(refs.word(index)));
        }
        frames.deallocate(segment, layout);
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return frames.owns(segment);
    }

    /** {@inheritDoc} The pool's counters: packets and blocks alike, O(capacity). */
    @Override
    public AllocatorStats stats() {
        return frames.stats();
    }

    @Override
    public boolean addDependent(AutoCloseable dependent) {
        return frames.addDependent(dependent);
    }

    @Override
    public void removeDependent(AutoCloseable dependent) {
        frames.removeDependent(dependent);
    }

    @Override
    public void requireCloseable() {
        frames.requireCloseable();
    }

    /** Closes the pool beneath, as {@link FixedBlockPool#close()}; closing twice does nothing. */
    @Override
    public void close() {
        frames.close();
    }

    /** Returns text like {@code packets(2048 B frames, 128 B headroom, 4096 frames, over pool(...))}. */
    @Override
    public String toString() {
        return "packets(" + frameSize + " B frames, " + headroom + " B headroom, " + capacity() + " frames, over "
                + frames + ")";
    }

    // ---- for Packet ----

    void requireLease(int index, long generation) {
        if (refs.count(index, generation) == 0) {
            throw refused(index, "used");
        }
    }

    MemorySegment payload(int index) {
        return blocks.segment(index).asSlice(headroom, lengths[index]);
    }

    void retain(int index, long generation) {
        final long count = refs.retain(index, generation);
        if (count == RefCounts.REFUSED) {
            throw refused(index, "retained");
        }
        if (count == 0) {
            throw new IllegalStateException("a packet's reference count must stay below " + RefCounts.MAX
                    + ": block=" + index + ", refCount=" + RefCounts.MAX);
        }
    }

    boolean release(int index, long generation) {
        final long left = refs.release(index, generation);
        if (left == RefCounts.REFUSED) {
            throw refused(index, "released");
        }
        if (left == 0) {
            blocks.release(index);
            return true;
        }
        return false;
    }

    int refCount(int index, long generation) {
        return refs.count(index, generation);
    }

    // ---- helpers ----

    private long take(int index, int length) {
        lengths[index] = length;
        return refs.take(index);
    }

    private int checkIndex(int index) {
        return (int) Checks.requireInRange(index, 0, frames.capacity() - 1L, "index");
    }

    private IllegalStateException refused(int index, String verb) {
        return new IllegalStateException("a packet must hold a reference to be " + verb
                + " (released more often than retained, or its frame went back to the pool): block=" + index
                + ", refCount=" + RefCounts.count(refs.word(index)));
    }

    private AllocationException exhausted() {
        return new AllocationException(AllocationException.Reason.EXHAUSTED, Layout.of(frameSize),
                "no free frame in " + this + ": capacity=" + capacity());
    }

    @Override
    public void measures(java.util.function.Consumer<? super dev.allocator.api.Measure> sink) {
        frames.measures(sink);
    }
}
