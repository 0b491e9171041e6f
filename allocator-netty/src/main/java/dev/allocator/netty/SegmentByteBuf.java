package dev.allocator.netty;

import dev.allocator.api.Layout;
import io.netty.buffer.AbstractReferenceCountedByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.util.Recycler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
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
final class SegmentByteBuf extends AbstractReferenceCountedByteBuf {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int STREAM_CHUNK = 8192;

    private final Recycler.Handle<SegmentByteBuf> handle;
    private SegmentByteBufAllocator owner;
    private MemorySegment segment;
    private Layout layout;
    private int capacity;
    private ByteBuffer view;
    private MemorySegment viewOf;

    SegmentByteBuf(Recycler.Handle<SegmentByteBuf> handle) {
        super(0);
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

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return segment.address();
    }

    // ---- primitives: AbstractByteBuf checked the index and that the buffer is live ----

    @Override
    protected byte _getByte(int index) {
        return segment.get(ValueLayout.JAVA_BYTE, index);
    }

    @Override
    protected short _getShort(int index) {
        return segment.get(SHORT, index);
    }

    @Override
    protected short _getShortLE(int index) {
        return segment.get(SHORT_LE, index);
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return (_getByte(index) & 0xff) << 16 | (_getByte(index + 1) & 0xff) << 8 | _getByte(index + 2) & 0xff;
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return _getByte(index) & 0xff | (_getByte(index + 1) & 0xff) << 8 | (_getByte(index + 2) & 0xff) << 16;
    }

    @Override
    protected int _getInt(int index) {
        return segment.get(INT, index);
    }

    @Override
    protected int _getIntLE(int index) {
        return segment.get(INT_LE, index);
    }

    @Override
    protected long _getLong(int index) {
        return segment.get(LONG, index);
    }

    @Override
    protected long _getLongLE(int index) {
        return segment.get(LONG_LE, index);
    }

    @Override
    protected void _setByte(int index, int value) {
        segment.set(ValueLayout.JAVA_BYTE, index, (byte) value);
    }

    @Override
    protected void _setShort(int index, int value) {
        segment.set(SHORT, index, (short) value);
    }

    @Override
    protected void _setShortLE(int index, int value) {
        segment.set(SHORT_LE, index, (short) value);
    }

    @Override
    protected void _setMedium(int index, int value) {
        _setByte(index, value >>> 16);
        _setByte(index + 1, value >>> 8);
        _setByte(index + 2, value);
    }

    @Override
    protected void _setMediumLE(int index, int value) {
        _setByte(index, value);
        _setByte(index + 1, value >>> 8);
        _setByte(index + 2, value >>> 16);
    }

    @Override
    protected void _setInt(int index, int value) {
        segment.set(INT, index, value);
    }

    @Override
    protected void _setIntLE(int index, int value) {
        segment.set(INT_LE, index, value);
    }

    @Override
    protected void _setLong(int index, long value) {
        segment.set(LONG, index, value);
    }

    @Override
    protected void _setLongLE(int index, long value) {
        segment.set(LONG_LE, index, value);
    }

    // ---- bulk transfers ----

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.capacity());
        if (dst instanceof SegmentByteBuf other) {
            other.ensureAccessible();
            MemorySegment.copy(segment, index, other.segment, dstIndex, length);
        } else if (dst.hasArray()) {
            getBytes(index, dst.array(), dst.arrayOffset() + dstIndex, length);
        } else if (dst.nioBufferCount() > 0) {
            for (ByteBuffer part : dst.nioBuffers(dstIndex, length)) {
                int bytes = part.remaining();
                getBytes(index, part);
                index += bytes;
            }
        } else {
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
        int length = dst.remaining();
        checkIndex(index, length);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int position = dst.position();
        if (dst.hasArray()) {
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, index, dst.array(), dst.arrayOffset() + position,
                    length);
        } else {
            MemorySegment.copy(segment, index, MemorySegment.ofBuffer(dst), 0, length);
        }
        dst.position(position + length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        byte[] chunk = new byte[Math.min(length, STREAM_CHUNK)];
        for (int done = 0; done < length; ) {
            int bytes = Math.min(chunk.length, length - done);
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, index + done, chunk, 0, bytes);
            out.write(chunk, 0, bytes);
            done += bytes;
        }
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
        if (src instanceof SegmentByteBuf other) {
            other.ensureAccessible();
            MemorySegment.copy(other.segment, srcIndex, segment, index, length);
        } else if (src.hasArray()) {
            setBytes(index, src.array(), src.arrayOffset() + srcIndex, length);
        } else if (src.nioBufferCount() > 0) {
            for (ByteBuffer part : src.nioBuffers(srcIndex, length)) {
                int bytes = part.remaining();
                setBytes(index, part);
                index += bytes;
            }
        } else {
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
        int length = src.remaining();
        checkIndex(index, length);
        int position = src.position();
        if (src.hasArray()) {
            MemorySegment.copy(src.array(), src.arrayOffset() + position, segment, ValueLayout.JAVA_BYTE, index,
                    length);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, segment, index, length);
        }
        src.position(position + length);
        return this;
    }

    @Override
    public int setBytes(int index, InputStream in, int length) throws IOException {
        checkIndex(index, length);
        byte[] chunk = new byte[length];
        int read = in.read(chunk);
        if (read > 0) {
            MemorySegment.copy(chunk, 0, segment, ValueLayout.JAVA_BYTE, index, read);
        }
        return read;
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
