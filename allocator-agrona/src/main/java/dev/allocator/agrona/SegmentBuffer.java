package dev.allocator.agrona;

import dev.allocator.api.Checks;
import org.agrona.DirectBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * An Agrona {@link org.agrona.MutableDirectBuffer} over a {@link MemorySegment}: a flyweight that Aeron and SBE code
 * re-wraps per pooled block, each access checked against the segment's bounds and scope.
 *
 * {@snippet :
 * SegmentBuffer view = new SegmentBuffer();                  // one per thread, reused
 * int id = blocks.acquire();                                 // a pool's BlockIndexes
 * view.wrap(blocks.segment(id));                             // the pool's prebuilt segment: nothing allocated
 * view.putLong(0, 42L, ByteOrder.LITTLE_ENDIAN);
 * blocks.release(id);
 * }
 *
 * <p><b>Garbage.</b> {@link #wrap(MemorySegment)} stores the segment it is given and allocates nothing; a pool's
 * {@code BlockIndexes.segment(index)} and {@code allocate} return the same segment object for a block every time, so
 * wrapping block after block makes no garbage. The other {@code wrap} forms make a slice or a segment over an array
 * or {@link ByteBuffer} (a small object each); the getters and putters allocate nothing but the {@code String}s the
 * string getters return.
 *
 * <p><b>Lifetime.</b> The view reads and writes only through its segment, so it has the segment's lifetime rules
 * and no others: while the allocator is open every access works (a view of a freed pool block reads and writes that
 * block, which stays mapped and may belong to its next owner: free the block only when done with the view); once the
 * allocator is closed (the pool's slab unmapped) every access throws {@link IllegalStateException}, never a JVM crash.
 * Nothing needs to guard the view: the segment's scope does. The one exception is {@link #addressOffset()}: Agrona
 * code that copies from this view by raw address ({@code UnsafeBuffer.putBytes(index, view, ...)}, an Aeron
 * {@code Publication.offer(view, ...)}) reads without that check. {@link #addressOffset()} refuses a closed scope, but
 * the owner of the allocator must not close it while such a copy runs. See {@code docs/agrona.md}.
 *
 * <p><b>Differences from {@code UnsafeBuffer}.</b> Bounds are always checked (Agrona's
 * {@code agrona.disable.bounds.checks} does not apply); a write to a read-only segment throws
 * {@link IllegalArgumentException} (the JDK's "Attempt to write a read-only segment"); {@code equals} holds between
 * {@code SegmentBuffer}s only, as Agrona's {@code equals} holds between buffers of one class. {@code hashCode} and {@code compareTo} agree with Agrona's.
 *
 * <p><b>Thread safety.</b> None, as Agrona's buffers: one thread uses a view at a time. The view adds no
 * happens-before edge: hand a block to another thread through the allocator or a queue, as the segment.
 */
/*
 * Maintainers: why not Agrona's own classes. UnsafeBuffer (and AbstractMutableDirectBuffer, which every accessor of
 * it lives in) reads through jdk.internal.misc.Unsafe at addressOffset + index: a raw address cannot see that the
 * segment's scope ended, so after close it reads unmapped memory (SIGSEGV), and it needs --add-exports at run time.
 * Guarding it (checking the scope before each call) leaves a window between check and access in which another thread
 * can close the allocator. So this class implements the interface over MemorySegment accessors instead, whose scope
 * check is atomic with the access (shared scopes close with a handshake). Invariants are in SegmentReads.
 */
public final class SegmentBuffer extends SegmentTextWrites implements org.agrona.MutableDirectBuffer {

    /** A view of nothing (capacity 0) until wrapped. */
    public SegmentBuffer() {
    }

    /**
     * A view of {@code segment}, as {@link #wrap(MemorySegment)}.
     *
     * @param segment the memory
     */
    public SegmentBuffer(MemorySegment segment) {
        wrap(segment);
    }

    /**
     * Views {@code segment}, all of it, allocating nothing.
     *
     * @param segment native or heap memory ({@code byte[]}-backed), at most {@link Integer#MAX_VALUE} bytes
     * @throws NullPointerException     when {@code segment} is null
     * @throws IllegalArgumentException when the segment is larger than {@link Integer#MAX_VALUE} bytes, or a heap
     *                                  segment over an array other than {@code byte[]}
     * @throws IllegalStateException    when the segment's scope has ended (its allocator was closed)
     */
    public void wrap(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        int size = (int) Checks.requireInRange(segment.byteSize(), 0, Integer.MAX_VALUE, "segment.byteSize()");
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the segment's scope must be alive (its allocator was closed): segment="
                    + segment);
        }
        byte[] base = null;
        int adjustment = 0;
        if (!segment.isNative()) {
            Object heapBase = segment.heapBase().orElse(null);
            if (heapBase != null && !(heapBase instanceof byte[])) {
                throw new IllegalArgumentException("a heap segment must be backed by a byte[]: heapBase="
                        + heapBase.getClass().getSimpleName());
            }
            base = (byte[]) heapBase;
            adjustment = (int) segment.address();
        }
        set(segment, size, base, null, adjustment);
    }

    /**
     * Views {@code length} bytes of {@code segment} from {@code offset} (a slice: one small object).
     *
     * @param segment the memory
     * @param offset  where the view starts, {@code 0 <= offset <= segment.byteSize()}
     * @param length  its capacity, {@code 0 <= length <= segment.byteSize() - offset}
     * @throws IllegalArgumentException as {@link #wrap(MemorySegment)}, or when {@code offset} or {@code length} does
     *                                  not lie within the segment
     * @throws IllegalStateException    when the segment's scope has ended
     */
    public void wrap(MemorySegment segment, long offset, int length) {
        long size = Objects.requireNonNull(segment, "segment").byteSize();
        Checks.requireInRange(offset, 0, size, "offset");
        Checks.requireInRange(length, 0, size - offset, "length");
        wrap(segment.asSlice(offset, length));
    }

    /** {@inheritDoc} The array is viewed through a heap segment (one small object). */
    @Override
    public void wrap(byte[] buffer) {
        wrap(buffer, 0, buffer.length);
    }

    /** {@inheritDoc} @throws IllegalArgumentException when {@code offset} or {@code length} is outside the array */
    @Override
    public void wrap(byte[] buffer, int offset, int length) {
        wrap(MemorySegment.ofArray(buffer), offset, length);
    }

    /** {@inheritDoc} All of the buffer's capacity, whatever its position and limit, as Agrona's buffers. */
    @Override
    public void wrap(ByteBuffer buffer) {
        wrap(buffer, 0, buffer.capacity());
    }

    /** {@inheritDoc} @throws IllegalArgumentException when {@code offset} or {@code length} is outside the buffer */
    @Override
    public void wrap(ByteBuffer buffer, int offset, int length) {
        wrap(MemorySegment.ofBuffer(buffer.duplicate().clear()), offset, length);
        this.buffer = buffer;
        if (buffer.isDirect()) {
            wrapAdjustment = offset;
        }
    }

    /** {@inheritDoc} Another {@code SegmentBuffer} shares its segment (and so its scope checks). */
    @Override
    public void wrap(DirectBuffer buffer) {
        wrap(buffer, 0, buffer.capacity());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Another {@code SegmentBuffer}: a slice of its segment. A buffer over an array or a {@link ByteBuffer}: a
     * segment over it. Any other buffer (raw memory): as {@link #wrap(long, int)}.
     *
     * @throws IllegalArgumentException when {@code offset} or {@code length} is outside {@code buffer}
     */
    @Override
    public void wrap(DirectBuffer buffer, int offset, int length) {
        Checks.requireInRange(offset, 0, buffer.capacity(), "offset");
        Checks.requireInRange(length, 0, buffer.capacity() - offset, "length");
        if (buffer instanceof SegmentReads view) {
            MemorySegment source = view.segment;
            ByteBuffer viewed = view.buffer;
            int adjustment = view.wrapAdjustment;
            wrap(source, offset, length);
            this.buffer = viewed;
            wrapAdjustment = adjustment + offset;
        } else if (buffer.byteArray() != null) {
            wrap(buffer.byteArray(), buffer.wrapAdjustment() + offset, length);
        } else if (buffer.byteBuffer() != null) {
            wrap(buffer.byteBuffer(), buffer.wrapAdjustment() + offset, length);
        } else {
            wrap(buffer.addressOffset() + offset, length);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Outside the project's safety promise, as {@link MemorySegment#reinterpret(long)}, which it calls (a
     * restricted method: {@code --enable-native-access=dev.allocator.agrona}): the view can see neither the memory's
     * size nor its lifetime. Prefer {@link #wrap(MemorySegment)}.
     *
     * @throws IllegalArgumentException when {@code length} is negative
     */
    @Override
    public void wrap(long address, int length) {
        Checks.requireNonNegative(length, "length");
        wrap(MemorySegment.ofAddress(address).reinterpret(length));
    }

    private void set(MemorySegment segment, int size, byte[] base, ByteBuffer viewed, int adjustment) {
        this.segment = segment;
        this.capacity = size;
        this.array = base;
        this.buffer = viewed;
        this.wrapAdjustment = adjustment;
    }

    /** @return {@code false}: a view's capacity is its segment's */
    @Override
    public boolean isExpandable() {
        return false;
    }

    @Override
    public void setMemory(int index, int length, byte value) {
        boundsCheck(index, length);
        segment.asSlice(index, length).fill(value);
    }

    @Override
    public void putLong(int index, long value, ByteOrder order) {
        if (order == NATIVE) {
            segment.set(LONG, index, value);
        } else {
            segment.set(LONG_SWAPPED, index, value);
        }
    }

    @Override
    public void putLong(int index, long value) {
        segment.set(LONG, index, value);
    }

    @Override
    public void putInt(int index, int value, ByteOrder order) {
        if (order == NATIVE) {
            segment.set(INT, index, value);
        } else {
            segment.set(INT_SWAPPED, index, value);
        }
    }

    @Override
    public void putInt(int index, int value) {
        segment.set(INT, index, value);
    }

    @Override
    public void putDouble(int index, double value, ByteOrder order) {
        if (order == NATIVE) {
            segment.set(DOUBLE, index, value);
        } else {
            segment.set(DOUBLE_SWAPPED, index, value);
        }
    }

    @Override
    public void putDouble(int index, double value) {
        segment.set(DOUBLE, index, value);
    }

    @Override
    public void putFloat(int index, float value, ByteOrder order) {
        if (order == NATIVE) {
            segment.set(FLOAT, index, value);
        } else {
            segment.set(FLOAT_SWAPPED, index, value);
        }
    }

    @Override
    public void putFloat(int index, float value) {
        segment.set(FLOAT, index, value);
    }

    @Override
    public void putShort(int index, short value, ByteOrder order) {
        if (order == NATIVE) {
            segment.set(SHORT, index, value);
        } else {
            segment.set(SHORT_SWAPPED, index, value);
        }
    }

    @Override
    public void putShort(int index, short value) {
        segment.set(SHORT, index, value);
    }

    @Override
    public void putChar(int index, char value, ByteOrder order) {
        if (order == NATIVE) {
            segment.set(CHAR, index, value);
        } else {
            segment.set(CHAR_SWAPPED, index, value);
        }
    }

    @Override
    public void putChar(int index, char value) {
        segment.set(CHAR, index, value);
    }

    @Override
    public void putByte(int index, byte value) {
        segment.set(JAVA_BYTE, index, value);
    }

    @Override
    public void putBytes(int index, byte[] src) {
        putBytes(index, src, 0, src.length);
    }

    @Override
    public void putBytes(int index, byte[] src, int offset, int length) {
        MemorySegment.copy(src, offset, segment, JAVA_BYTE, index, length);
    }

    @Override
    public void putBytes(int index, ByteBuffer srcBuffer, int length) {
        int srcIndex = srcBuffer.position();
        putBytes(index, srcBuffer, srcIndex, length);
        srcBuffer.position(srcIndex + length);
    }

    @Override
    public void putBytes(int index, ByteBuffer srcBuffer, int srcIndex, int length) {
        boundsCheck(index, length);
        segment.asByteBuffer().put(index, srcBuffer, srcIndex, length);
    }

    /** {@inheritDoc} Never hands this view's address to {@code srcBuffer}. */
    @Override
    public void putBytes(int index, DirectBuffer srcBuffer, int srcIndex, int length) {
        boundsCheck(index, length);
        BufferCopy.copy(srcBuffer, srcIndex, segment, index, length);
    }
}
