package dev.allocator.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.internal.CleanableDirectBuffer;

/**
 * A Netty direct buffer over a {@link SegmentBlock}: Netty's {@link UnpooledDirectByteBuf} reads and writes the
 * block's {@link java.nio.ByteBuffer}; capacity changes take a new block from the same allocator; the last release
 * gives the current block back.
 *
 * <p>Not thread-safe (Netty's rule for buffers): one thread at a time; the last release may happen on any thread.
 */
/*
 * Maintainers. UnpooledDirectByteBuf gives two hooks: the protected constructor over a ByteBuffer (which it never
 * frees: "doNotFree") and allocateDirectBuffer(int), whose CleanableDirectBuffer it frees through clean() when it is
 * replaced or the buffer is deallocated. So:
 *  - first  = the block the buffer was constructed over, until it is given back (here: after the first capacity
 *             change, or in deallocate()); Netty frees every later block itself.
 *  - current = the block Netty now reads and writes (memoryAddress comes from it).
 *  - capacity(int) takes the new block BEFORE calling Netty's capacity(int), which trims the indices before it
 *    allocates: a refused allocation then leaves the buffer as it was. allocateDirectBuffer hands that block over.
 * Invariant: every block taken is given back exactly once, and never while Netty can still read it.
 */
final class SegmentDirectByteBuf extends UnpooledDirectByteBuf {

    private SegmentBlock current;
    private SegmentBlock first;
    private SegmentBlock next;

    private SegmentDirectByteBuf(SegmentByteBufAllocator alloc, SegmentBlock block, int maxCapacity) {
        super(alloc, block.buffer(), maxCapacity);   // sets the writer index to the capacity
        this.current = block;
        this.first = block;
        setIndex(0, 0);
    }

    /**
     * A buffer over a new block of {@code initialCapacity} bytes; the capacities were checked by Netty.
     *
     * @throws dev.allocator.api.AllocationException when the allocator refuses; nothing is then held
     */
    static SegmentDirectByteBuf allocate(SegmentByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
        SegmentBlock block = alloc.take(initialCapacity);
        try {
            return new SegmentDirectByteBuf(alloc, block, maxCapacity);
        } catch (RuntimeException | Error e) {
            block.clean();
            throw e;
        }
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        checkNewCapacity(newCapacity);
        if (newCapacity == capacity()) {
            return this;
        }
        SegmentBlock taken = alloc().take(newCapacity);   // may throw: nothing has changed yet
        next = taken;
        try {
            super.capacity(newCapacity);                 // copies, then frees the old block unless it is the first
        } finally {
            if (next != null) {                          // Netty did not take it (it threw first): give it back
                next = null;
                taken.clean();
            }
        }
        current = taken;
        SegmentBlock constructedOver = first;
        if (constructedOver != null) {
            first = null;
            constructedOver.clean();
        }
        return this;
    }

    @Override
    protected CleanableDirectBuffer allocateDirectBuffer(int capacity) {
        SegmentBlock taken = next;
        if (taken == null || taken.capacity() != capacity) {
            throw new IllegalStateException("Netty asked for a block outside capacity(int): capacity=" + capacity);
        }
        next = null;
        return taken;
    }

    @Override
    protected void deallocate() {
        super.deallocate();                              // gives back the current block when Netty made it
        SegmentBlock constructedOver = first;
        if (constructedOver != null) {
            first = null;
            constructedOver.clean();
        }
    }

    @Override
    public SegmentByteBufAllocator alloc() {
        return (SegmentByteBufAllocator) super.alloc();
    }

    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return current.memoryAddress();
    }
}
