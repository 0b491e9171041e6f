package dev.allocator.netty;

import dev.allocator.api.Layout;
import io.netty.util.internal.CleanableDirectBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The memory of a direct buffer: a segment from the allocator, the layout it was allocated with, and the
 * {@link ByteBuffer} view Netty reads and writes. {@link #clean()} gives the segment back; Netty calls it once for
 * each block it got from {@code UnpooledDirectByteBuf.allocateDirectBuffer(int)}, and {@link SegmentDirectByteBuf}
 * calls it for the block it was constructed over.
 *
 * <p>Not thread-safe: used by the one thread that holds its buffer, and cleaned by the thread of the last release.
 */
/*
 * Netty's extension point for the memory of an UnpooledDirectByteBuf is this interface from io.netty.util.internal
 * (exported by io.netty.common; Netty's own instrumented buffers implement it). It is why every Netty artifact is
 * pinned to one version in the root pom.
 */
final class SegmentBlock implements CleanableDirectBuffer {

    private final SegmentByteBufAllocator owner;
    private final MemorySegment segment;
    private final Layout layout;
    private final ByteBuffer buffer;

    SegmentBlock(SegmentByteBufAllocator owner, MemorySegment segment, Layout layout) {
        this.owner = owner;
        this.segment = segment;
        this.layout = layout;
        this.buffer = segment.asByteBuffer();   // big-endian, position 0, limit = capacity = layout.size()
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Gives the segment back to the allocator; called once. */
    @Override
    public void clean() {
        owner.give(segment, layout);
    }

    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    @Override
    public long memoryAddress() {
        return segment.address();
    }

    int capacity() {
        return (int) layout.size();
    }
}
