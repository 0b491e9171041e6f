package dev.allocator.ring;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.allocator.ring.SpscIndexRingTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MPMC ring on one thread, plus a many-thread run (singles, arrays and open batches on both sides) that checks
 * every value comes out exactly once.
 */
class MpmcIndexRingTest {

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment region = arena.allocate(MpmcIndexRing.byteSize(4), 128);
    private final MpmcIndexRing ring = MpmcIndexRing.create(region, 4);

    @Test
    void shouldHandValuesOverInOrderAndRefuseWhenFull() {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 4; i++) {
                assertTrue(ring.offer(round + i));
            }
            assertFalse(ring.offer(1));
            assertEquals(4, ring.size());
            for (int i = 0; i < 4; i++) {
                assertEquals(round + i, ring.poll());
            }
            assertEquals(-1, ring.poll());
        }
    }

    @Test
    void shouldMoveBatchesUpToTheRoomThereIs() {
        assertEquals(3, ring.offer(new int[] {1, 2, 3}, 0, 3));
        assertEquals(1, ring.offer(new int[] {4, 5}, 0, 2));
        assertEquals(0, ring.offer(new int[] {6}, 0, 1));
        int[] into = new int[5];
        assertEquals(4, ring.poll(into, 1, 4));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, into);
        assertEquals(0, ring.poll(into, 0, 5));
    }

    @Test
    void shouldRejectBadArgumentsAndMoveNothing() {
        ring.offer(5);
        assertMessage("value must be >= 0: value=-1", () -> ring.offer(-1));
        assertMessage("values must be >= 0: values[0]=-2", () -> ring.offer(new int[] {-2, 1}, 0, 2));
        assertMessage("offset must be between 0 and 1: offset=-1", () -> ring.offer(new int[1], -1, 1));
        assertMessage("count must be between 0 and 0: count=1", () -> ring.poll(new int[1], 1, 1));
        assertMessage("capacity must be a power of 2: capacity=6", () -> MpmcIndexRing.create(region, 6));
        assertMessage("capacity must be a power of 2: capacity=-4", () -> MpmcIndexRing.byteSize(-4));
        assertMessage("region must hold a multi-producer index ring (kind 2): kind=1",
                () -> MpmcIndexRing.attach(SpscRegion.create(arena)));
        assertThrows(NullPointerException.class, () -> ring.offer(null, 0, 0));
        assertThrows(NullPointerException.class, () -> MpmcIndexRing.attach(null));
        assertEquals(1, ring.size());
        assertEquals(5, MpmcIndexRing.attach(region).poll());
    }

    @Test
    void shouldTakeEveryValueExactlyOnceAcrossThreads() throws InterruptedException {
        MpmcIndexRing shared = MpmcIndexRing.create(arena.allocate(MpmcIndexRing.byteSize(64), 128), 64);
        int perProducer = 50_000;
        int producers = 2;
        java.util.concurrent.atomic.AtomicIntegerArray seen = new java.util.concurrent.atomic.AtomicIntegerArray(
                producers * perProducer);
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads[p] = Thread.ofPlatform().start(() -> {
                int[] batch = new int[3];
                for (int v = 0; v < perProducer; ) {
                    int n = Math.min(3, perProducer - v);
                    for (int i = 0; i < n; i++) {
                        batch[i] = base + v + i;
                    }
                    int moved = switch (v % 3) {
                        case 0 -> shared.offer(batch, 0, n);
                        case 1 -> shared.offer(batch[0]) ? 1 : 0;
                        default -> reserveAndSubmit(shared, batch, n);
                    };
                    v += moved;
                    if (moved == 0) {
                        Thread.yield();
                    }
                }
            });
        }
        for (int c = producers; c < threads.length; c++) {
            threads[c] = Thread.ofPlatform().start(() -> {
                int[] into = new int[2];
                for (int round = 0; taken.get() < producers * perProducer; round++) {
                    int n = (round & 1) == 0 ? shared.poll(into, 0, 2) : peekAndRelease(shared, into);
                    for (int i = 0; i < n; i++) {
                        seen.incrementAndGet(into[i]);
                    }
                    taken.addAndGet(n);
                    if (n == 0) {
                        Thread.yield();
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "value " + i);
        }
        assertEquals(0, shared.size());
    }

    private static int reserveAndSubmit(MpmcIndexRing ring, int[] values, int count) {
        int n = ring.reserve(count);
        for (int i = 0; i < n; i++) {
            ring.put(i, values[i]);
        }
        ring.submit(n);
        return n;
    }

    private static int peekAndRelease(MpmcIndexRing ring, int[] into) {
        int n = ring.peek(into.length);
        for (int i = 0; i < n; i++) {
            into[i] = ring.get(i);
        }
        ring.release(n);
        return n;
    }

    /** An SPSC ring region, to attach to as the wrong kind. */
    private static final class SpscRegion {
        static MemorySegment create(Arena arena) {
            MemorySegment region = arena.allocate(SpscIndexRing.byteSize(4), 128);
            SpscIndexRing.create(region, 4);
            return region;
        }
    }
}
