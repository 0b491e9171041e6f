package dev.allocator.io;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the {@code O_DIRECT} example of docs/io.md ({@link DirectRead}) over a file in the build directory. */
class DirectReadTest {

    @Test
    void shouldReadAFileWithODirectIntoPooledAlignedBuffers() throws Throwable {
        Path dir = Files.createDirectories(Path.of("target", "direct-read"));
        Path file = dir.resolve("data.bin");
        byte[] bytes = new byte[(1 << 20) + 1000];            // not a multiple of the block size: a short last read
        new Random(42).nextBytes(bytes);
        Files.write(file, bytes);
        CRC32C expected = new CRC32C();
        expected.update(bytes);
        try (IoBufferPool buffers = IoBufferPool.builder().bufferSize(64 * 1024).count(4).build()) {
            long crc;
            try {
                crc = DirectRead.crc32c(file, buffers);
            } catch (DirectRead.DirectIoRefused refused) {
                Assumptions.abort("the file system of " + dir.toAbsolutePath() + " refuses O_DIRECT (tmpfs does): "
                        + refused.getMessage());
                return;
            }
            assertEquals(expected.getValue(), crc);
            IoBufferStats stats = buffers.stats();
            assertEquals(17, stats.acquisitions());            // 16 full reads and the short one
            assertEquals(0, stats.inFlight());
            assertEquals(4, stats.available());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
