package dev.allocator.netty;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * Copies between a segment and the JDK's byte holders ({@link ByteBuffer}, streams), with {@code ByteBuf}'s rules
 * for their positions: the copies {@link SegmentByteBuf} makes once its own checks passed. Stateless; thread-safe as
 * far as its arguments are.
 */
final class SegmentCopies {

    /** The most a stream copy holds on the heap at once. */
    private static final int STREAM_CHUNK = 8192;

    private SegmentCopies() {
    }

    /** Copies {@code dst.remaining()} bytes from {@code src} at {@code offset} into {@code dst}, moving its position. */
    static void toBuffer(MemorySegment src, long offset, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int length = dst.remaining();
        int position = dst.position();
        if (dst.hasArray()) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, dst.array(), dst.arrayOffset() + position, length);
        } else {
            MemorySegment.copy(src, offset, MemorySegment.ofBuffer(dst), 0, length);
        }
        dst.position(position + length);
    }

    /** Copies {@code src.remaining()} bytes from {@code src} into {@code dst} at {@code offset}, moving its position. */
    static void fromBuffer(ByteBuffer src, MemorySegment dst, long offset) {
        int length = src.remaining();
        int position = src.position();
        if (src.hasArray()) {
            MemorySegment.copy(src.array(), src.arrayOffset() + position, dst, ValueLayout.JAVA_BYTE, offset, length);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, dst, offset, length);
        }
        src.position(position + length);
    }

    /**
     * Copies {@code length} bytes from {@code src} at {@code offset} into {@code dst} at {@code dstIndex} (bounds
     * checked by the caller) through its memory: another {@link SegmentByteBuf}'s segment, its array, or its NIO
     * views. Returns {@code false}, having copied nothing, when {@code dst} shows none of them.
     */
    static boolean toByteBuf(MemorySegment src, long offset, ByteBuf dst, int dstIndex, int length) {
        if (dst instanceof SegmentByteBuf other) {
            MemorySegment.copy(src, offset, other.liveSegment(), dstIndex, length);
        } else if (dst.hasArray()) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, dst.array(), dst.arrayOffset() + dstIndex, length);
        } else if (dst.nioBufferCount() > 0) {
            for (ByteBuffer part : dst.nioBuffers(dstIndex, length)) {
                int bytes = part.remaining();
                toBuffer(src, offset, part);
                offset += bytes;
            }
        } else {
            return false;
        }
        return true;
    }

    /** The reverse of {@link #toByteBuf}: from {@code src} at {@code srcIndex} into {@code dst} at {@code offset}. */
    static boolean fromByteBuf(ByteBuf src, int srcIndex, int length, MemorySegment dst, long offset) {
        if (src instanceof SegmentByteBuf other) {
            MemorySegment.copy(other.liveSegment(), srcIndex, dst, offset, length);
        } else if (src.hasArray()) {
            MemorySegment.copy(src.array(), src.arrayOffset() + srcIndex, dst, ValueLayout.JAVA_BYTE, offset, length);
        } else if (src.nioBufferCount() > 0) {
            for (ByteBuffer part : src.nioBuffers(srcIndex, length)) {
                int bytes = part.remaining();
                fromBuffer(part, dst, offset);
                offset += bytes;
            }
        } else {
            return false;
        }
        return true;
    }

    /** Writes {@code length} bytes of {@code src} from {@code offset} to {@code out}, a chunk at a time. */
    static void toStream(MemorySegment src, long offset, int length, OutputStream out) throws IOException {
        byte[] chunk = new byte[Math.min(length, STREAM_CHUNK)];
        for (int done = 0; done < length; ) {
            int bytes = Math.min(chunk.length, length - done);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset + done, chunk, 0, bytes);
            out.write(chunk, 0, bytes);
            done += bytes;
        }
    }

    /** One {@code read} of up to {@code length} bytes into {@code dst} at {@code offset}: its count, or -1. */
    static int fromStream(InputStream in, MemorySegment dst, long offset, int length) throws IOException {
        byte[] chunk = new byte[length];
        int read = in.read(chunk);
        if (read > 0) {
            MemorySegment.copy(chunk, 0, dst, ValueLayout.JAVA_BYTE, offset, read);
        }
        return read;
    }
}
