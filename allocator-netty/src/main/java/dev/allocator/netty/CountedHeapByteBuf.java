package dev.allocator.netty;

import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * Netty's heap buffer, with its arrays counted in {@link SegmentByteBufAllocator#metric()}'s
 * {@code usedHeapMemory()}. Thread-safety is Netty's: one thread at a time.
 */
final class CountedHeapByteBuf extends UnpooledHeapByteBuf {

    CountedHeapByteBuf(SegmentByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
        super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected byte[] allocateArray(int initialCapacity) {
        byte[] array = super.allocateArray(initialCapacity);
        ((SegmentByteBufAllocator) alloc()).heapAllocated(array.length);   // alloc() is set before the first call
        return array;
    }

    @Override
    protected void freeArray(byte[] array) {
        super.freeArray(array);
        ((SegmentByteBufAllocator) alloc()).heapFreed(array.length);
    }
}
