package dev.allocator.netty;

import dev.allocator.api.AllocatorStats;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the echo server of docs/netty.md ({@link EchoServer}) with a plain socket for a client. */
class EchoServerTest {

    @Test
    void shouldEchoWithEveryBufferFromTheBudgetAndGiveItAllBack() throws Exception {
        byte[] sent = new byte[64 * 1024];
        new Random(42).nextBytes(sent);
        byte[] received = new byte[sent.length];
        try (EchoServer server = new EchoServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            try (Socket client = new Socket(server.address().getAddress(), server.address().getPort())) {
                OutputStream out = client.getOutputStream();
                DataInputStream in = new DataInputStream(client.getInputStream());
                for (int round = 0; round < 20; round++) {
                    out.write(sent);
                    out.flush();
                    in.readFully(received);
                    assertArrayEquals(sent, received);
                }
            }
            AllocatorStats stats = awaitQuiet(server.buffers());
            assertTrue(stats.allocations() > 0, stats::toString);   // the reads came from the budget
            assertEquals(0, stats.liveAllocations(), stats::toString);
            assertEquals(0, stats.bytesInUse(), stats::toString);
        }
    }

    @Test
    void shouldShowTheSameCodeInTheGuide() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/allocator/netty/EchoServer.java"));
        String code = source.substring(source.indexOf("final class EchoServer implements AutoCloseable {"));
        assertTrue(Files.readString(Path.of("../docs/netty.md")).contains(code.strip()),
                "docs/netty.md must show EchoServer.java from its class declaration on");
    }

    /** The server releases the last read buffers on its event loop, just after the client saw the echo. */
    private static AllocatorStats awaitQuiet(SegmentByteBufAllocator buffers) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (buffers.allocator().stats().liveAllocations() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return buffers.allocator().stats();
    }
}
