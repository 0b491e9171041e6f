package dev.allocator.io;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index forms allocate nothing on the Java heap; a lease allocates at most its one handle. Measured with the
 * thread's allocated-bytes counter after a warm-up; JMH's {@code -prof gc} gives the per-operation figure
 * ({@code PacketBenchmark}).
 */
class PacketGarbageTest {

    static final int ROUNDS = 20_000;

    final PacketPool packets = PacketPool.builder().frameSize(2048).headroom(128).capacity(64).build();
    final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private long allocatedBy(Runnable work) {
        work.run();                                        // warm up: class loading, JIT, the thread's cache
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void shouldAllocateNothingOnTheHeapInTheIndexForms() {
        int[] batch = new int[16];
        long allocated = allocatedBy(() -> {
            for (int round = 0; round < ROUNDS; round++) {
                int n = packets.acquireIndices(batch);
                for (int i = 0; i < n; i++) {
                    packets.frame(batch[i]).set(JAVA_LONG, packets.headroom(), round);
                    packets.length(batch[i], 64);
                }
                for (int i = 0; i < n; i++) {
                    packets.release(batch[i]);
                }
            }
        });
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in " + ROUNDS * 16 + " packets");
        packets.close();
    }

    @Test
    void shouldAllocateAtMostOneSmallObjectPerLease() {
        long allocated = allocatedBy(() -> {
            for (int round = 0; round < ROUNDS; round++) {
                Packet packet = packets.acquire();
                packet.retain();
                packet.release();
                int index = packet.detach();
                packets.lease(index).close();
            }
        });
        long perLease = allocated / (2L * ROUNDS);
        assertTrue(perLease <= 24, "allocated " + perLease + " bytes per lease");
        packets.close();
    }
}
