package dev.allocator.netty;

import dev.allocator.api.Layout;
import io.netty.buffer.ByteBuf;
import io.netty.util.Recycler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * A Netty direct buffer over one segment from a {@link SegmentByteBufAllocator}'s allocator: reads and writes go to
 * the segment through the FFM API, capacity changes take a new segment from the same allocator, and the last release
 * gives the segment back and returns this object to {@link SegmentByteBufRecycler} for the next buffer.
 *
 * <p>Not thread-safe (Netty's rule for buffers): one thread at a time; the last release may happen on any thread.
 * Actions before the last release happen-before the next use of this object (the recycler's queue hands it over).
 */
/*
 * Maintainers. Fields are one buffer's life: set by init() after the allocator gave a segment, cleared by
 * deallocate() after the segment went back. Invariants, while refCnt > 0:
 *  - segment is the block held, of exactly capacity bytes, allocated with layout (kept across lives: the next buffer
 *    of the same size reuses it instead of making a new Layout).
 *  - view, when not null, is a ByteBuffer over exactly viewOf's memory; it is reused while viewOf is the same memory
 *    in the same scope as segment (an allocator that hands back the same block gets the same view, so socket reads
 *    and writes through internalNioBuffer make no garbage), and made again on demand otherwise.
 *  - usedDirect of the owner counts capacity: take() and give() go through the owner.
 * Safety: every content access goes through AbstractByteBuf's checks (ensureAccessible: refCnt > 0), then through
 * the segment, whose own bounds and scope checks throw IllegalStateException once the allocator closed its memory.
 * owner stays set after release (Netty's ensureWritable asks alloc() before it checks the reference count), so a
 * recycled object keeps its last allocator reachable until its next life. After release, segment is null: with -Dio.netty.buffer.checkAccessible=false a stale access throws
 * NullPointerException instead of touching memory given back. memoryAddress() users (Unsafe, native transports) are
 * guarded only by the reference they hold and by closing the allocator after the event loops (class javadoc).
 */
final class SegmentByteBuf extends SegmentAccessByteBuf {

    private final Recycler.Handle<SegmentByteBuf> handle;
    private SegmentByteBufAllocator owner;
    private Layout layout;
    private int capacity;
    private ByteBuffer view;
    private MemorySegment viewOf;

    SegmentByteBuf(Recycler.Handle<SegmentByteBuf> handle) {
        this.handle = handle;
    }

    /**
     * A buffer over a new block of {@code initialCapacity} bytes; the capacities were checked by Netty.
     *
     * @throws dev.allocator.api.AllocationException when the allocator refuses; nothing is then held
     */
    static SegmentByteBuf allocate(SegmentByteBufAllocator owner, int initialCapacity, int maxCapacity) {
        SegmentByteBuf buffer = SegmentByteBufRecycler.take();
        Layout wanted = owner.layout(initialCapacity, buffer.layout);
        MemorySegment taken;
        try {
            taken = owner.take(wanted);
        } catch (RuntimeException | Error e) {
            buffer.handle.recycle(buffer);
            throw e;
        }
        buffer.owner = owner;
        buffer.hold(taken, wanted);
        buffer.maxCapacity(maxCapacity);
        buffer.resetRefCnt();
        buffer.clear().markReaderIndex().markWriterIndex();
        return buffer;
    }

    private void hold(MemorySegment taken, Layout with) {
        segment = taken;
        layout = with;
        capacity = (int) with.size();
        MemorySegment old = viewOf;
        if (old != null && (old.address() != taken.address() || old.byteSize() != taken.byteSize()
                || !old.scope().equals(taken.scope()))) {
            view = null;
            viewOf = null;
        }
    }

    @Override
    protected void deallocate() {
        MemorySegment held = segment;
        segment = null;
        try {
            owner.give(held, layout);
        } finally {
            handle.recycle(this);
        }
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        checkNewCapacity(newCapacity);
        if (newCapacity == capacity) {
            return this;
        }
        Layout wanted = owner.layout(newCapacity, null);
        MemorySegment taken = owner.take(wanted);           // may throw: nothing has changed yet
        MemorySegment old = segment;
        Layout oldLayout = layout;
        MemorySegment.copy(old, 0, taken, 0, Math.min(capacity, newCapacity));
        trimIndicesToCapacity(newCapacity);
        hold(taken, wanted);
        owner.give(old, oldLayout);
        return this;
    }

    @Override
    public SegmentByteBufAllocator alloc() {
        return owner;
    }

    @Override
    @Deprecated
    public ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public ByteBuf unwrap() {
        return null;
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    @Override
    public boolean isContiguous() {
        return true;
    }

    @Override
    public boolean hasArray() {
        return false;
    }

    @Override
    public byte[] array() {
        throw new UnsupportedOperationException("direct buffer");
    }

    @Override
    public int arrayOffset() {
        throw new UnsupportedOperationException("direct buffer");
    }

    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    /** The segment, for a copy from or to another of these buffers: the caller checked the bounds. */
    MemorySegment liveSegment() {
        ensureAccessible();
        return segment;
    }

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return segment.address();
    }

    // ---- bulk transfers ----

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.capacity());
        if (!SegmentCopies.toByteBuf(segment, index, dst, dstIndex, length)) {
            dst.setBytes(dstIndex, this, index, length);
        }
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        checkIndex(index, dst.remaining());
        SegmentCopies.toBuffer(segment, index, dst);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        SegmentCopies.toStream(segment, index, length, out);
        return this;
    }

    /** Writes through a new view: {@code getBytes} may run on several threads at once (over duplicates). */
    @Override
    public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        checkIndex(index, length);
        return length == 0 ? 0 : out.write(nioBuffer(index, length));
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        checkIndex(index, length);
        return length == 0 ? 0 : out.write(nioBuffer(index, length), position);
    }

    /** Writes through the internal view: reading moves this buffer's index, so one thread owns it. */
    @Override
    public int readBytes(GatheringByteChannel out, int length) throws IOException {
        checkReadableBytes(length);
        int written = length == 0 ? 0 : out.write(internalNioBuffer(readerIndex(), length));
        readerIndex(readerIndex() + written);
        return written;
    }

    @Override
    public int readBytes(FileChannel out, long position, int length) throws IOException {
        checkReadableBytes(length);
        int written = length == 0 ? 0 : out.write(internalNioBuffer(readerIndex(), length), position);
        readerIndex(readerIndex() + written);
        return written;
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        checkSrcIndex(index, length, srcIndex, src.capacity());
        if (!SegmentCopies.fromByteBuf(src, srcIndex, length, segment, index)) {
            src.getBytes(srcIndex, this, index, length);
        }
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        checkSrcIndex(index, length, srcIndex, src.length);
        MemorySegment.copy(src, srcIndex, segment, ValueLayout.JAVA_BYTE, index, length);
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
        checkIndex(index, src.remaining());
        SegmentCopies.fromBuffer(src, segment, index);
        return this;
    }

    @Override
    public int setBytes(int index, InputStream in, int length) throws IOException {
        checkIndex(index, length);
        return SegmentCopies.fromStream(in, segment, index, length);
    }

    @Override
    public int setBytes(int index, ScatteringByteChannel in, int length) throws IOException {
        checkIndex(index, length);
        try {
            return in.read(internalNioBuffer(index, length));
        } catch (ClosedChannelException ignored) {
            return -1;
        }
    }

    @Override
    public int setBytes(int index, FileChannel in, long position, int length) throws IOException {
        checkIndex(index, length);
        try {
            return in.read(internalNioBuffer(index, length), position);
        } catch (ClosedChannelException ignored) {
            return -1;
        }
    }

    @Override
    public ByteBuf copy(int index, int length) {
        checkIndex(index, length);
        ByteBuf copy = alloc().directBuffer(length, maxCapacity());
        return copy.writeBytes(this, index, length);
    }

    // ---- NIO views, made on demand ----

    @Override
    public int nioBufferCount() {
        return 1;
    }

    @Override
    public ByteBuffer nioBuffer(int index, int length) {
        checkIndex(index, length);
        return view().slice(index, length);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int length) {
        return new ByteBuffer[] {nioBuffer(index, length)};
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int length) {
        checkIndex(index, length);
        return view().clear().position(index).limit(index + length);
    }

    /** The whole segment as a big-endian ByteBuffer, made once per block. */
    private ByteBuffer view() {
        ByteBuffer made = view;
        if (made == null) {
            made = segment.asByteBuffer();
            view = made;
            viewOf = segment;
        }
        return made;
    }
}
