package dev.allocator.ring;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SPSC ring on one thread: FIFO, bounds, batches, attach checks and every bad argument. */
class SpscIndexRingTest {

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment region = arena.allocate(SpscIndexRing.byteSize(4), 128);
    private final SpscIndexRing ring = SpscIndexRing.create(region, 4);

    @Test
    void shouldHandValuesOverInOrderAcrossWrapAround() {
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 3; i++) {
                assertTrue(ring.offer(round * 10 + i));
            }
            assertEquals(3, ring.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(round * 10 + i, ring.poll());
            }
        }
        assertEquals(-1, ring.poll());
        assertEquals(0, ring.size());
    }

    @Test
    void shouldRefuseOfferWhenFull() {
        for (int i = 0; i < 4; i++) {
            assertTrue(ring.offer(i));
        }
        assertFalse(ring.offer(9));
        assertEquals(4, ring.size());
        assertEquals(0, ring.poll());
        assertTrue(ring.offer(9));
    }

    @Test
    void shouldMoveBatchesUpToTheRoomThereIs() {
        assertEquals(3, ring.offer(new int[] {7, 1, 2, 3}, 1, 3));
        assertEquals(1, ring.offer(new int[] {4, 5}, 0, 2));
        int[] into = new int[6];
        assertEquals(4, ring.poll(into, 1, 5));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 0}, into);
        assertEquals(0, ring.poll(into, 0, 6));
    }

    @Test
    void shouldPublishOnlyWhatIsSubmittedAndFreeOnlyWhatIsReleased() {
        assertEquals(4, ring.reserve(4));
        for (int i = 0; i < 4; i++) {
            ring.put(i, 100 + i);
        }
        assertEquals(0, ring.size());
        ring.submit(3);
        assertEquals(3, ring.size());
        assertEquals(3, ring.peek(4));
        assertEquals(100, ring.get(0));
        assertEquals(102, ring.get(2));
        ring.release(2);
        assertEquals(1, ring.size());
        assertEquals(102, ring.poll());
        assertEquals(0, ring.reserve(1) - 1);
    }

    @Test
    void shouldReturnZeroFromReserveAndPeekWithoutOpeningABatch() {
        assertEquals(0, ring.peek(2));
        assertEquals(-1, ring.poll());
        ring.offer(new int[] {1, 2, 3, 4}, 0, 4);
        assertEquals(0, ring.reserve(1));
        assertFalse(ring.offer(5));
    }

    @Test
    void shouldRejectSingleOperationsWhileABatchIsOpen() {
        ring.reserve(2);
        IllegalStateException offer = assertThrows(IllegalStateException.class, () -> ring.offer(1));
        assertEquals("cannot offer while 2 slots are reserved: submit them first", offer.getMessage());
        assertThrows(IllegalStateException.class, () -> ring.reserve(1));
        assertThrows(IllegalStateException.class, () -> ring.offer(new int[] {1}, 0, 1));
        ring.submit(0);
        ring.offer(1);
        ring.peek(1);
        assertThrows(IllegalStateException.class, ring::poll);
        assertThrows(IllegalStateException.class, () -> ring.poll(new int[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> ring.peek(1));
        ring.release(0);
        assertEquals(1, ring.poll());
    }

    @Test
    void shouldRejectBadArgumentsAndMoveNothing() {
        ring.offer(5);
        assertMessage("value must be >= 0: value=-1", () -> ring.offer(-1));
        assertMessage("values must be >= 0: values[1]=-2", () -> ring.offer(new int[] {1, -2}, 0, 2));
        assertMessage("offset must be between 0 and 2: offset=3", () -> ring.offer(new int[2], 3, 0));
        assertMessage("count must be between 0 and 1: count=2", () -> ring.offer(new int[2], 1, 2));
        assertMessage("count must be between 0 and 2: count=-1", () -> ring.poll(new int[2], 0, -1));
        assertMessage("n must be between 1 and 4: n=0", () -> ring.reserve(0));
        assertMessage("n must be between 1 and 4: n=5", () -> ring.peek(5));
        assertMessage("i must be between 0 and -1: i=0", () -> ring.put(0, 1));
        assertMessage("i must be between 0 and -1: i=0", () -> ring.get(0));
        assertMessage("n must be between 0 and 0: n=1", () -> ring.submit(1));
        assertMessage("n must be between 0 and 0: n=1", () -> ring.release(1));
        ring.reserve(1);
        assertMessage("value must be >= 0: value=-3", () -> ring.put(0, -3));
        ring.submit(0);
        assertThrows(NullPointerException.class, () -> ring.offer(null, 0, 0));
        assertThrows(NullPointerException.class, () -> ring.poll(null, 0, 0));
        assertEquals(1, ring.size());
        assertEquals(5, ring.poll());
        assertEquals(-1, ring.poll());
    }

    @Test
    void shouldRejectBadCapacitiesAndRegions() {
        assertMessage("capacity must be a power of 2: capacity=3", () -> SpscIndexRing.byteSize(3));
        assertMessage("capacity must be a power of 2: capacity=0", () -> SpscIndexRing.create(region, 0));
        assertMessage("capacity must be a power of 2: capacity=-2147483648",
                () -> SpscIndexRing.byteSize(Integer.MIN_VALUE));
        assertMessage("region byteSize must be between 400 and 9223372036854775807: region byteSize=399",
                () -> SpscIndexRing.create(arena.allocate(399, 128), 4));
        assertThrows(IllegalArgumentException.class, () -> SpscIndexRing.create(region.asSlice(4), 2));
        assertThrows(NullPointerException.class, () -> SpscIndexRing.create(null, 4));
        assertThrows(NullPointerException.class, () -> SpscIndexRing.attach(null));
    }

    @Test
    void shouldAttachToTheSameStateAndSayWhatIsWrongWithAForeignRegion() {
        ring.offer(8);
        SpscIndexRing other = SpscIndexRing.attach(region);
        assertEquals(4, other.capacity());
        assertEquals(8, other.poll());
        MemorySegment zero = arena.allocate(SpscIndexRing.byteSize(4), 128);
        assertMessage("region is not an index ring (no ring header; create it first): magic=0x0",
                () -> SpscIndexRing.attach(zero));
        MemorySegment mpmc = arena.allocate(MpmcIndexRing.byteSize(4), 128);
        MpmcIndexRing.create(mpmc, 4);
        assertMessage("region must hold a single-producer index ring (kind 1): kind=2", () -> SpscIndexRing.attach(mpmc));
        MemorySegment copy = arena.allocate(region.byteSize(), 128).copyFrom(region);
        copy.set(ValueLayout.JAVA_INT, 8, 99);
        assertMessage("region holds an index ring of another layout version; this library reads version 2: version=99",
                () -> SpscIndexRing.attach(copy));
        assertMessage("region byteSize must be between 400 and 9223372036854775807: region byteSize=399",
                () -> SpscIndexRing.attach(region.asSlice(0, 399)));
    }

    @Test
    void shouldSkipValuesAConsumerTookButDiedBeforeFreeing() {
        ring.offer(new int[] {1, 2, 3}, 0, 3);
        region.set(ValueLayout.JAVA_INT, SpscIndexRingDescriptor.SLOTS_OFFSET, 0);  // a consumer cleared slot 0, died
        SpscIndexRing successor = SpscIndexRing.attach(region);
        assertEquals(2, successor.poll());
        assertEquals(1, successor.size());
        assertEquals(3, successor.poll());
        assertEquals(-1, successor.poll());
    }

    @Test
    void shouldSkipValuesAConsumerTookButDiedBeforeFreeingBeforeABatch() {
        ring.offer(new int[] {1, 2, 3}, 0, 3);
        region.set(ValueLayout.JAVA_INT, SpscIndexRingDescriptor.SLOTS_OFFSET, 0);
        region.set(ValueLayout.JAVA_INT, SpscIndexRingDescriptor.SLOTS_OFFSET + 4, 0);
        int[] into = new int[3];
        assertEquals(1, SpscIndexRing.attach(region).poll(into, 0, 3));
        assertEquals(3, into[0]);
    }

    @Test
    void shouldNotShowReservedValuesBeforeSubmit() {
        assertEquals(2, ring.reserve(2));
        ring.put(0, 4);
        ring.put(1, 5);
        assertEquals(-1, ring.poll());
        ring.submit(1);
        assertEquals(4, ring.poll());
        assertEquals(-1, ring.poll());
        assertTrue(ring.offer(6));
        assertEquals(6, ring.poll());
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
