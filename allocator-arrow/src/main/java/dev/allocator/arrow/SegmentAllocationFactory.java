package dev.allocator.arrow;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.ReferenceManager;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The {@link AllocationManager.Factory} of {@link SegmentAllocationManager#factory}: allocates a segment per Arrow
 * allocation and wraps it. Thread-safe when the allocator is.
 */
final class SegmentAllocationFactory implements AllocationManager.Factory {

    private final Allocator allocator;
    private final long alignment;

    SegmentAllocationFactory(Allocator allocator, long alignment) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        Checks.requirePowerOfTwo(alignment, "alignment");
        Checks.requireInRange(alignment, SegmentAllocationManager.DEFAULT_ALIGNMENT, Long.MAX_VALUE, "alignment");
        this.alignment = alignment;
    }

    /**
     * Allocates {@code size} bytes for Arrow.
     *
     * @throws OutOfMemoryException when the allocator cannot satisfy the request (its {@link AllocationException} is
     *                              the cause); nothing was allocated
     */
    @Override
    public AllocationManager create(BufferAllocator accountingAllocator, long size) {
        Objects.requireNonNull(accountingAllocator, "accountingAllocator");
        final Layout layout = Layout.of(size, alignment);
        final MemorySegment segment;
        try {
            segment = allocator.allocate(layout);
        } catch (AllocationException refused) {
            throw new OutOfMemoryException("Unable to allocate buffer of size " + size + " from " + allocator + ": "
                    + refused.getMessage(), refused);
        }
        boolean built = false;
        try {
            SegmentAllocationManager manager = new SegmentAllocationManager(accountingAllocator, allocator, segment,
                    layout);
            built = true;
            return manager;
        } finally {
            if (!built) {
                allocator.deallocate(segment, layout);
            }
        }
    }

    @Override
    public ArrowBuf empty() {
        return Empty.BUFFER;
    }

    /**
     * The empty buffer, built on first use: creating an {@link ArrowBuf} initializes Arrow's allocator classes, which
     * may look up Arrow's default factory, which may be this one (see the tests), so not while a factory is created.
     */
    private static final class Empty {
        /** Its address: 8 bytes of global memory, never freed, never read or written. */
        static final ArrowBuf BUFFER = new ArrowBuf(ReferenceManager.NO_OP, null, 0,
                Arena.global().allocate(SegmentAllocationManager.DEFAULT_ALIGNMENT).address());
    }

    @Override
    public String toString() {
        return "SegmentAllocationManager.factory(" + allocator + ", alignment=" + alignment + ")";
    }
}
