package dev.allocator.arrow;

import dev.allocator.api.Allocator;
import dev.allocator.api.Layout;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.BufferAllocator;

import java.lang.foreign.MemorySegment;

/**
 * An Arrow {@link AllocationManager} whose memory is a segment from an {@link Allocator}: Arrow's buffers over a pool,
 * size classes, a budget, or any other allocator of this project.
 *
 * {@snippet :
 * try (Allocator memory = Allocators.open("budget(limit=256MiB) > sizeclasses > system");
 *      BufferAllocator arrow = new RootAllocator(RootAllocator.configBuilder()
 *              .allocationManagerFactory(SegmentAllocationManager.factory(memory))
 *              .build())) {
 *     try (ArrowBuf buf = arrow.buffer(4096)) {
 *         buf.setLong(0, 42);
 *     }
 * }
 * }
 *
 * <h2>What Arrow gets</h2>
 * <ul>
 *   <li>Each Arrow allocation (already rounded by Arrow's rounding policy) is one {@link Allocator#allocate(Layout)} of
 *       exactly that many bytes, aligned to {@link #DEFAULT_ALIGNMENT} (8 bytes, what Arrow's value buffers need) or to
 *       the alignment given to {@link #factory(Allocator, long)}, say 64 for Arrow's recommended SIMD-friendly
 *       alignment. The address may be aligned further when the allocator beneath gives more.</li>
 *   <li>The memory goes back to the allocator ({@link Allocator#deallocate}) when Arrow releases the last reference to
 *       it, on whichever thread does so: the allocator must be thread-safe if buffers are released on other threads
 *       than they were allocated on (every allocator of this project is, except a confined arena).</li>
 *   <li>Empty buffers (size 0, which Arrow asks {@link AllocationManager.Factory#empty()} for) take nothing from the
 *       allocator: they share one 8-byte aligned, never-freed address.</li>
 *   <li>Arrow's accounting holds on top of the allocator's: a root or child allocator's limit refuses before the
 *       allocator is asked. A request the allocator cannot satisfy (its {@link dev.allocator.api.AllocationException},
 *       a budget's or an exhausted pool's refusal) is thrown to Arrow code as Arrow's
 *       {@link org.apache.arrow.memory.OutOfMemoryException} with the allocator's exception as its cause; Arrow gives
 *       its reservation back, so both sides' counts are as before.</li>
 * </ul>
 *
 * <p>Arrow reads and writes buffers through their raw addresses, not through the segment: the segment scoping of this
 * project's allocators (use after free throws) does not cover Arrow code, which Arrow's reference counts guard
 * instead. Close Arrow's {@code RootAllocator} (which reports buffers still held) before the allocator beneath it.
 *
 * <p>Thread-safety: instances are created and released by Arrow under its own reference counting; the factory is
 * thread-safe when the allocator is. The allocator's deallocation of a block <i>happens-before</i> a later allocation
 * that returns the same memory, as the allocator's contract says.
 */
public final class SegmentAllocationManager extends AllocationManager {

    /*
     * Maintainers' notes.
     *
     * The segment is allocated by the factory before this object is constructed (a constructor cannot catch a failure
     * of its super constructor), and given back by the factory if construction fails; release0 is called by Arrow
     * exactly once, when the owning ledger's count reaches zero. getSize() is the requested size, so Arrow's
     * accounting and the allocator's bytesInUse agree byte for byte.
     */

    /** The alignment {@link #factory(Allocator)} asks the allocator for: 8 bytes. */
    public static final long DEFAULT_ALIGNMENT = 8;

    private final Allocator allocator;
    private final MemorySegment segment;
    private final Layout layout;
    private final long address;

    SegmentAllocationManager(BufferAllocator accountingAllocator, Allocator allocator, MemorySegment segment,
                             Layout layout) {
        super(accountingAllocator);
        this.allocator = allocator;
        this.segment = segment;
        this.layout = layout;
        this.address = segment.address();
    }

    /**
     * A factory whose managers take memory from {@code allocator}, aligned to {@link #DEFAULT_ALIGNMENT}, for
     * {@code RootAllocator.configBuilder().allocationManagerFactory(...)}.
     *
     * @param allocator where Arrow's memory comes from; it stays the caller's to close, after Arrow's root allocator
     * @return the factory
     * @throws NullPointerException when {@code allocator} is null
     */
    public static AllocationManager.Factory factory(Allocator allocator) {
        return new SegmentAllocationFactory(allocator, DEFAULT_ALIGNMENT);
    }

    /**
     * A factory whose managers take memory from {@code allocator} aligned to {@code alignment}, e.g. 64 for Arrow's
     * recommended alignment (the allocator beneath must support it: a pool's blocks must be aligned that much).
     *
     * @param allocator where Arrow's memory comes from; it stays the caller's to close, after Arrow's root allocator
     * @param alignment the alignment of every buffer, a power of two, at least 8
     * @return the factory
     * @throws IllegalArgumentException when {@code alignment} is not a power of two or is less than 8
     * @throws NullPointerException     when {@code allocator} is null
     */
    public static AllocationManager.Factory factory(Allocator allocator, long alignment) {
        return new SegmentAllocationFactory(allocator, alignment);
    }

    /**
     * The size Arrow asked for, which Arrow's accounting charges.
     *
     * @return the buffer's size in bytes
     */
    @Override
    public long getSize() {
        return layout.size();
    }

    @Override
    protected long memoryAddress() {
        return address;
    }

    /** Gives the segment back to the allocator; Arrow calls this once, when the last reference is released. */
    @Override
    protected void release0() {
        allocator.deallocate(segment, layout);
    }

    @Override
    public String toString() {
        return "SegmentAllocationManager(" + layout + " at " + dev.allocator.api.Checks.hex(address) + " from "
                + allocator + ")";
    }
}
