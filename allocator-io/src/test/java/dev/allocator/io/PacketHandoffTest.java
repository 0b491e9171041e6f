package dev.allocator.io;

import java.util.concurrent.ArrayBlockingQueue;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Millions of packets ({@code io.handoff.packets}, 2 million by default, 50 million under {@code -Pstress}) through a
 * three-thread pipeline by index: a receiver fills frames (by lease and by index, alternately) and hands the indices
 * to a worker; the worker checks each payload and forwards the index, for every third packet keeping a second
 * reference that it drops while the sender may be dropping the other; the sender checks the payload again and
 * releases. Every payload is checked word by word at both stages, in order, and at the end no frame is in use.
 */
class PacketHandoffTest {

    static final long PACKETS = Long.getLong("io.handoff.packets", 2_000_000L);
    static final int FRAME = 256;
    static final int QUEUE = 1024;

    final PacketPool packets = PacketPool.builder().frameSize(FRAME).headroom(64).capacity(4096).build();
    final ArrayBlockingQueue<Integer> toWorker = new ArrayBlockingQueue<>(QUEUE);
    final ArrayBlockingQueue<Integer> toSender = new ArrayBlockingQueue<>(QUEUE);
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    static int lengthOf(long seq) {
        return 8 * (1 + (int) (seq % (FRAME / 8)));
    }

    static long word(long seq, int i) {
        return seq * 0x9E37_79B9_7F4A_7C15L + i;
    }

    private void fill(MemorySegment payload, long seq) {
        for (int i = 0; i < payload.byteSize() / 8; i++) {
            payload.setAtIndex(JAVA_LONG, i, word(seq, i));
        }
    }

    private void check(int index, long seq, String stage) {
        int length = packets.length(index);
        if (length != lengthOf(seq)) {
            throw new AssertionError(stage + ": packet " + seq + " in frame " + index + " has length " + length);
        }
        MemorySegment frame = packets.frame(index);
        for (int i = 0; i < length / 8; i++) {
            long found = frame.get(JAVA_LONG, packets.headroom() + 8L * i);
            if (found != word(seq, i)) {
                throw new AssertionError(stage + ": packet " + seq + " in frame " + index + " word " + i + " is "
                        + Long.toHexString(found) + ", not " + Long.toHexString(word(seq, i)));
            }
        }
    }

    private void offer(ArrayBlockingQueue<Integer> queue, int index) {
        while (!queue.offer(index)) {
            idle();
        }
    }

    private int poll(ArrayBlockingQueue<Integer> queue) {
        Integer index;
        while ((index = queue.poll()) == null) {
            idle();
        }
        return index;
    }

    /** Waits a little, or gives up when another stage failed. */
    private void idle() {
        if (failure.get() != null) {
            throw new IllegalStateException("another stage failed");
        }
        Thread.yield();
    }

    private void receive() {
        int[] one = new int[1];
        for (long seq = 0; seq < PACKETS; seq++) {
            int index;
            if ((seq & 1) == 0) {
                Packet packet;
                while ((packet = packets.tryAcquire()) == null) {
                    idle();
                }
                packet.length(lengthOf(seq));
                fill(packet.data(), seq);
                index = packet.detach();
            } else {
                while (packets.acquireIndices(one) == 0) {
                    idle();
                }
                index = one[0];
                packets.length(index, lengthOf(seq));
                fill(packets.frame(index).asSlice(packets.headroom(), lengthOf(seq)), seq);
            }
            offer(toWorker, index);
        }
    }

    private void work() {
        for (long seq = 0; seq < PACKETS; seq++) {
            int index = poll(toWorker);
            check(index, seq, "worker");
            if (seq % 3 == 0) {
                Packet lease = packets.lease(index).retain();
                offer(toSender, index);                    // the second reference travels on
                lease.release();                           // races with the sender's release
            } else {
                offer(toSender, index);
            }
        }
    }

    private void send() {
        for (long seq = 0; seq < PACKETS; seq++) {
            int index = poll(toSender);
            check(index, seq, "sender");                   // its own reference keeps the frame
            if ((seq & 2) == 0) {
                packets.release(index);
            } else {
                packets.lease(index).close();
            }
        }
    }

    @Test
    void shouldHandMillionsOfPacketsBetweenThreadsByIndexWithEveryPayloadIntact() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable stage : List.<Runnable>of(this::receive, this::work, this::send)) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    stage.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a stage failed", failure.get());
        }
        assertEquals(0, packets.inUse());
        assertEquals(PACKETS, packets.stats().allocations());
        assertEquals(PACKETS, packets.stats().deallocations());
        packets.close();
    }
}
