package dev.allocator.ring;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;

import static dev.allocator.ring.SpscIndexRingTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MPMC ring's open-batch protocol: reserve/put/submit and peek/get/release, per thread. */
class MpmcIndexRingBatchTest {

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment region = arena.allocate(MpmcIndexRing.byteSize(4), 128);
    private final MpmcIndexRing ring = MpmcIndexRing.create(region, 4);

    @Test
    void shouldPublishReservedSlotsOnlyOnSubmit() {
        assertEquals(3, ring.reserve(3));
        ring.put(0, 7);
        ring.put(2, 9);
        ring.put(1, 8);
        assertEquals(-1, ring.poll());
        assertEquals(0, ring.size());
        ring.submit(3);
        assertEquals(3, ring.size());
        assertEquals(1, ring.reserve(4));
        ring.put(0, 10);
        ring.submit(1);
        assertEquals(0, ring.reserve(1));
        for (int expected = 7; expected <= 10; expected++) {
            assertEquals(expected, ring.poll());
        }
    }

    @Test
    void shouldGiveBackTheUnsubmittedEndOfTheLastClaim() {
        assertEquals(4, ring.reserve(4));
        ring.put(0, 1);
        ring.submit(1);
        assertEquals(3, ring.reserve(4));
        ring.submit(0);
        assertEquals(1, ring.size());
        assertEquals(3, ring.offer(new int[] {2, 3, 4}, 0, 3));
        assertEquals(4, ring.peek(4));
        assertEquals(1, ring.get(0));
        assertEquals(4, ring.get(3));
        ring.release(2);
        assertEquals(2, ring.size());
        assertEquals(3, ring.poll());
        assertEquals(4, ring.poll());
        assertEquals(-1, ring.poll());
    }

    @Test
    void shouldRefuseGivingBackWhenAnotherThreadClaimedAfterAndStayOpen() throws InterruptedException {
        assertEquals(2, ring.reserve(2));
        ring.put(0, 1);
        CountDownLatch reservedAfter = new CountDownLatch(1);
        Thread other = Thread.ofPlatform().start(() -> {
            assertEquals(1, ring.reserve(1));
            ring.put(0, 3);
            reservedAfter.countDown();
            ring.submit(1);
        });
        reservedAfter.await();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ring.submit(1));
        assertEquals("only the last claim can give slots back; another thread claimed after this batch, so submit"
                + " all 2 of it: n=1", refused.getMessage());
        ring.put(1, 2);
        ring.submit(2);
        other.join();
        assertEquals(1, ring.poll());
        assertEquals(2, ring.poll());
        assertEquals(3, ring.poll());
    }

    @Test
    void shouldRejectSecondBatchAndSameSideOperationsWhileOneIsOpen() {
        ring.offer(5);
        assertEquals(2, ring.reserve(2));
        assertEquals("cannot reserve while 2 slots are reserved by this thread: submit them first",
                assertThrows(IllegalStateException.class, () -> ring.reserve(1)).getMessage());
        assertThrows(IllegalStateException.class, () -> ring.offer(1));
        assertThrows(IllegalStateException.class, () -> ring.offer(new int[] {1}, 0, 1));
        assertEquals(1, ring.peek(1));
        assertEquals("cannot poll while 1 slots are peeked by this thread: release them first",
                assertThrows(IllegalStateException.class, () -> ring.poll()).getMessage());
        assertThrows(IllegalStateException.class, () -> ring.poll(new int[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> ring.peek(1));
        ring.release(1);
        ring.put(0, 6);
        ring.put(1, 7);
        ring.submit(2);
        assertEquals(6, ring.poll());
        assertEquals(7, ring.poll());
        assertTrue(ring.offer(8));
    }

    @Test
    void shouldRejectBadBatchArgumentsAndMoveNothing() {
        ring.offer(5);
        assertMessage("n must be between 1 and 4: n=0", () -> ring.reserve(0));
        assertMessage("n must be between 1 and 4: n=5", () -> ring.peek(5));
        assertMessage("i must be between 0 and -1: i=0", () -> ring.put(0, 1));
        assertMessage("i must be between 0 and -1: i=0", () -> ring.get(0));
        assertEquals(2, ring.reserve(2));
        assertMessage("i must be between 0 and 1: i=2", () -> ring.put(2, 1));
        assertMessage("value must be >= 0: value=-1", () -> ring.put(0, -1));
        assertMessage("n must be between 0 and 2: n=3", () -> ring.submit(3));
        ring.put(0, 6);
        ring.put(1, 7);
        ring.submit(2);
        assertEquals(1, ring.peek(1));
        assertMessage("n must be between 0 and 1: n=-1", () -> ring.release(-1));
        ring.release(1);
        assertEquals(2, ring.size());
    }
}
