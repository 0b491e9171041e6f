package dev.allocator.agrona;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Copies between a view's segment and any other Agrona buffer without handing either side's raw address to the other:
 * segment to segment with {@link MemorySegment#copy}, a heap-backed Agrona buffer through its array, and any other
 * buffer through its own {@code getLong}/{@code putLong} methods. Stateless.
 */
/*
 * Maintainers: the reason this exists is that Agrona's own putBytes(index, DirectBuffer, ...) copies from
 * src.addressOffset() with Unsafe, which would read a view's segment without its scope check. So a view never calls
 * the other buffer's putBytes/getBytes with itself as argument; it reads and writes element by element through the
 * other buffer's bounds-checked accessors when there is no segment or array to copy with. The caller checks the
 * view's bounds and this class the other buffer's before the first byte moves; a closed scope throws at the first
 * access of the segment, before anything was written. So a refused copy changes nothing.
 */
final class BufferCopy {

    private BufferCopy() {
    }

    /** Copies {@code length} bytes from {@code src} at {@code srcIndex} into the segment at {@code index} (checked). */
    static void copy(DirectBuffer src, int srcIndex, MemorySegment segment, int index, int length) {
        src.boundsCheck(srcIndex, length);
        if (src instanceof SegmentReads view) {
            MemorySegment.copy(view.segment, srcIndex, segment, index, length);
        } else if (src.byteArray() != null) {
            MemorySegment.copy(src.byteArray(), src.wrapAdjustment() + srcIndex, segment, JAVA_BYTE, index, length);
        } else {
            int i = 0;
            for (int end = length & ~7; i < end; i += 8) {
                segment.set(SegmentReads.LONG, index + i, src.getLong(srcIndex + i));
            }
            for (; i < length; i++) {
                segment.set(JAVA_BYTE, index + i, src.getByte(srcIndex + i));
            }
        }
    }

    /** Copies {@code length} bytes from the segment at {@code index} into {@code dst} at {@code dstIndex}. */
    static void copy(MemorySegment segment, int index, MutableDirectBuffer dst, int dstIndex, int length) {
        dst.boundsCheck(dstIndex, length);
        if (dst instanceof SegmentReads view) {
            MemorySegment.copy(segment, index, view.segment, dstIndex, length);
        } else if (dst.byteArray() != null) {
            MemorySegment.copy(segment, JAVA_BYTE, index, dst.byteArray(), dst.wrapAdjustment() + dstIndex, length);
        } else {
            int i = 0;
            for (int end = length & ~7; i < end; i += 8) {
                dst.putLong(dstIndex + i, segment.get(SegmentReads.LONG, index + i));
            }
            for (; i < length; i++) {
                dst.putByte(dstIndex + i, segment.get(JAVA_BYTE, index + i));
            }
        }
    }
}
