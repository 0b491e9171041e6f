package dev.allocator.io;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The packet pipeline of docs/io.md: a receiver copies each arriving frame into a lease and hands its index to a
 * worker thread through a queue; the worker leases the index, processes the payload and releases it, which gives the
 * frame back. {@link PacketPipelineTest} runs it.
 */
final class PacketPipeline {

    private static final int STOP = -1;

    private PacketPipeline() {
    }

    /**
     * Sends {@code count} frames through the pipeline and returns the sum of their first bytes, as the worker saw it.
     *
     * @param packets the pool
     * @param frames  the frames that "arrive", used round-robin
     * @param count   how many to receive
     */
    static long run(PacketPool packets, MemorySegment[] frames, int count) throws InterruptedException {
        BlockingQueue<Integer> ring = new ArrayBlockingQueue<>(256);  // a real pipeline uses an int ring
        long[] sum = new long[1];
        Thread worker = Thread.ofPlatform().name("worker").start(() -> {
            try {
                for (int index = ring.take(); index != STOP; index = ring.take()) {
                    try (Packet packet = packets.lease(index)) {      // takes over the index's reference
                        sum[0] += packet.data().get(JAVA_BYTE, 0);
                    }                                                 // last reference: the frame goes back
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < count; i++) {
            Packet packet = packets.acquire(frames[i % frames.length]);   // receive: copy in, length set
            ring.put(packet.detach());                                    // hand the reference over by index
        }
        ring.put(STOP);
        worker.join();
        return sum[0];
    }
}
