package dev.allocator.io;

import java.lang.foreign.MemorySegment;

/**
 * A lease on one frame of a {@link PacketPool}: a handle on a reference-counted block that carries its payload length.
 * The frame goes back to the pool when its last reference is released, by a handle or by index.
 *
 * {@snippet :
 * try (Packet packet = packets.acquire(payload)) {     // one reference, payload copied in
 *     Packet copy = packet.retain();                  // two references, one handle
 *     worker.submit(() -> { try (copy) { send(copy.data()); } });
 * }                                                   // the last of the two releases frees the frame
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>References.</b> {@link #retain()} adds a reference and returns this handle; {@link #release()} (and
 *       {@link #close()}) drops one and returns {@code true} when it was the last, the frame then being back in the
 *       pool. Counts are exact under any number of threads retaining and releasing at once (one compare-and-set per
 *       call). Actions of a thread before it releases a reference <i>happen-before</i> the actions of the thread
 *       whose release frees the frame, and those before the pool hands the frame out again.</li>
 *   <li><b>Misuse.</b> Releasing more often than retained, or using the handle after its frame went back, throws
 *       {@link IllegalStateException} naming the block and its reference count, and nothing changes: each frame
 *       has a generation that changes when it goes back, and a handle of an earlier generation is refused even when
 *       the frame has been handed out again (a handle that outlives 2^32 lives of its frame is not caught).</li>
 *   <li><b>Hand-off by index.</b> {@link #detach()} turns the handle's reference into the frame's index for a ring or
 *       a queue, and ends the handle: its later calls throw, except {@link #close()}, which then does nothing, so a
 *       try-with-resources block may hand the index on. The receiver takes the reference with
 *       {@link PacketPool#lease(int)} or drops it with {@link PacketPool#release(int)}.</li>
 *   <li><b>Thread-safety.</b> {@link #retain()}, {@link #release()}, {@link #refCount()} and {@link #close()} may be
 *       called from any thread. The length and the payload are plain memory: the thread that writes them hands the
 *       packet on through something that orders memory (a queue, a ring with release/acquire), as for any buffer.
 *       {@link #detach()} ends the handle for every thread: call it only on a handle no other thread uses.</li>
 *   <li><b>Cost.</b> A handle is one small object (a pool reference and two ints); {@link #data()} makes one slice
 *       object each call. The index forms of {@link PacketPool} make none.</li>
 * </ul>
 */
public final class Packet implements AutoCloseable {

    /*
     * Maintainers' notes: the handle holds the block's index and the generation it was leased at (the high half of
     * the block's word in RefCounts). detach() stores ~index (negative) so that later calls can still name the block.
     * The handle is not reused across leases: a reused handle would let a stale holder act on the next lease.
     */

    private final PacketPool pool;
    private final int generation;
    private int index;

    Packet(PacketPool pool, int index, long generation) {
        this.pool = pool;
        this.index = index;
        this.generation = (int) generation;
    }

    private long generation() {
        return Integer.toUnsignedLong(generation);
    }

    private int live() {
        if (index < 0) {
            throw new IllegalStateException(
                    "a packet must not be used after detach(): block=" + ~index + ", detached=true");
        }
        return index;
    }

    /**
     * The frame's index in the pool.
     *
     * @return the index, 0 to capacity - 1
     * @throws IllegalStateException when the handle was detached
     */
    public int index() {
        return live();
    }

    /**
     * The payload: the {@link #length()} bytes of the frame after the pool's headroom.
     *
     * @return a new slice over the frame; it becomes inaccessible when the pool closes
     * @throws IllegalStateException when the frame went back to the pool or the handle was detached
     */
    public MemorySegment data() {
        final int i = live();
        pool.requireLease(i, generation());
        return pool.payload(i);
    }

    /**
     * The payload's length in bytes: the frame size after {@link PacketPool#acquire()}, the payload's size after
     * {@link PacketPool#acquire(MemorySegment)}, or what {@link #length(int)} set last.
     *
     * @return the length
     * @throws IllegalStateException when the frame went back to the pool or the handle was detached
     */
    public int length() {
        final int i = live();
        pool.requireLease(i, generation());
        return pool.length(i);
    }

    /**
     * Sets the payload's length, say after a receive wrote fewer bytes than the frame holds.
     *
     * @param length bytes, 0 to {@link PacketPool#frameSize()}
     * @throws IllegalArgumentException when {@code length} is out of range; the message names it and the bound
     * @throws IllegalStateException    when the frame went back to the pool or the handle was detached
     */
    public void length(int length) {
        final int i = live();
        pool.requireLease(i, generation());
        pool.length(i, length);
    }

    /**
     * Adds a reference to the frame.
     *
     * @return this handle
     * @throws IllegalStateException when the frame went back to the pool, the handle was detached, or the count is
     *                               at {@code Integer.MAX_VALUE}; nothing changed
     */
    public Packet retain() {
        pool.retain(live(), generation());
        return this;
    }

    /**
     * Drops a reference to the frame; the last one gives the frame back to the pool.
     *
     * @return {@code true} when this was the last reference and the frame went back
     * @throws IllegalStateException when the frame already went back (released more often than retained) or the
     *                               handle was detached; nothing changed
     */
    public boolean release() {
        return pool.release(live(), generation());
    }

    /**
     * The frame's reference count as this handle sees it.
     *
     * @return the count, 0 once the frame went back to the pool (whatever has become of it since)
     * @throws IllegalStateException when the handle was detached
     */
    public int refCount() {
        return pool.refCount(live(), generation());
    }

    /**
     * Hands this handle's reference over as the frame's index, without freeing, and ends the handle.
     *
     * @return the frame's index, for {@link PacketPool#lease(int)} or {@link PacketPool#release(int)}
     * @throws IllegalStateException when the frame went back to the pool or the handle was already detached
     */
    public int detach() {
        final int i = live();
        pool.requireLease(i, generation());
        index = ~i;
        return i;
    }

    /**
     * Releases like {@link #release()}; after {@link #detach()} it does nothing.
     *
     * @throws IllegalStateException as {@link #release()}
     */
    @Override
    public void close() {
        if (index >= 0) {
            release();
        }
    }

    /** Returns text like {@code packet(block=5, length=1500, refCount=1)}, or {@code packet(block=5, detached)}. */
    @Override
    public String toString() {
        if (index < 0) {
            return "packet(block=" + ~index + ", detached)";
        }
        final int count = pool.refCount(index, generation());
        return "packet(block=" + index + ", length=" + (count > 0 ? pool.length(index) : 0) + ", refCount=" + count
                + ")";
    }
}
