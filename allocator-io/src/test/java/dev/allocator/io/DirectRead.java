package dev.allocator.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The worked example of docs/io.md: a file read with {@code O_DIRECT} through FFM ({@code open}, {@code pread},
 * {@code close}) into pooled, page-aligned I/O buffers, each marked in flight while the kernel writes into it.
 * {@code O_DIRECT} bypasses the page cache, so the buffer's address, the read size and the file offset must be
 * multiples of the device's logical block size: page-aligned buffers of a multiple of the page size satisfy it.
 * {@link DirectReadTest} runs it.
 */
final class DirectRead {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle PREAD = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("pread"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** {@code O_DIRECT}: 040000 on x86-64, 0200000 on AArch64. */
    static final int O_DIRECT = System.getProperty("os.arch").equals("aarch64") ? 0x1_0000 : 0x4000;
    static final int O_RDONLY = 0;
    static final int EINVAL = 22;

    /** Thrown when the file system refuses {@code O_DIRECT} (tmpfs does, with {@code EINVAL}). */
    static final class DirectIoRefused extends RuntimeException {
        DirectIoRefused(Path file, int errno) {
            super("open(O_DIRECT) must be accepted by the file system: file=" + file + ", errno=" + errno);
        }
    }

    private DirectRead() {
    }

    /**
     * Reads {@code file} with {@code O_DIRECT}, one pooled buffer per read, and returns the CRC-32C of its bytes.
     *
     * @param file    the file
     * @param buffers page-aligned buffers whose size is a multiple of the file system's block size
     * @return the checksum
     * @throws DirectIoRefused when the file system refuses {@code O_DIRECT}
     */
    static long crc32c(Path file, IoBufferPool buffers) throws Throwable {
        CRC32C crc = new CRC32C();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom(file.toString()), O_RDONLY | O_DIRECT, 0);
            if (fd < 0) {
                int error = (int) ERRNO.get(errno, 0L);
                if (error == EINVAL) {
                    throw new DirectIoRefused(file, error);
                }
                throw new IllegalStateException("open must succeed: file=" + file + ", errno=" + error);
            }
            try {
                long offset = 0;
                while (true) {
                    int b = buffers.acquire();                   // a buffer of our own
                    MemorySegment buffer = buffers.buffer(b);
                    buffers.markInFlight(b);                      // the kernel's until the read returns
                    long n = (long) PREAD.invokeExact(errno, fd, buffer, buffers.bufferSize(), offset);
                    buffers.completeInFlight(b);                  // ours again
                    if (n < 0) {
                        buffers.release(b);
                        throw new IllegalStateException("pread must succeed: offset=" + offset + ", errno="
                                + (int) ERRNO.get(errno, 0L));
                    }
                    crc.update(buffer.asSlice(0, n).asByteBuffer());
                    buffers.release(b);                           // back to the pool
                    if (n < buffers.bufferSize()) {
                        return crc.getValue();                    // end of file
                    }
                    offset += n;
                }
            } finally {
                int closed = (int) CLOSE.invokeExact(fd);
                assert closed == 0;
            }
        }
    }
}
