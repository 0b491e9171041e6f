package dev.allocator.io;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leases, references, lengths and hand-off by index, one thread; bad input is in {@link PacketMisuseTest}. */
class PacketPoolTest {

    static final int FRAME = 2048;
    static final int HEADROOM = 128;
    static final int CAPACITY = 16;

    /** No thread cache, so that every frame freed is available at once and counts are exact. */
    final PacketPool packets = PacketPool.builder().frameSize(FRAME).headroom(HEADROOM).capacity(CAPACITY).cache(0)
            .build();

    @AfterEach
    void close() {
        packets.close();
    }

    static MemorySegment bytes(int size, int seed) {
        MemorySegment segment = Arena.ofAuto().allocate(size);
        for (int i = 0; i < size; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) (seed + i));
        }
        return segment;
    }

    @Test
    void shouldHandOutAFullFrameWithOneReferenceAfterTheHeadroom() {
        try (Packet packet = packets.acquire()) {
            assertEquals(1, packet.refCount());
            assertEquals(FRAME, packet.length());
            assertEquals(FRAME, packet.data().byteSize());
            assertEquals(packets.frame(packet.index()).address() + HEADROOM, packet.data().address());
            assertEquals(0, packets.frame(packet.index()).address() % 64);
            assertEquals(1, packets.inUse());
            assertEquals(CAPACITY - 1, packets.available());
        }
        assertEquals(0, packets.inUse());
        assertEquals(CAPACITY, packets.available());
    }

    @Test
    void shouldCopyThePayloadInAndSetTheLength() {
        MemorySegment payload = bytes(1500, 7);
        try (Packet packet = packets.acquire(payload)) {
            assertEquals(1500, packet.length());
            assertEquals(-1, packet.data().mismatch(payload));
        }
    }

    @Test
    void shouldFreeTheFrameOnTheLastReleaseOnly() {
        Packet packet = packets.acquire();
        assertSame(packet, packet.retain());
        assertSame(packet, packet.retain());
        assertEquals(3, packet.refCount());
        assertFalse(packet.release());
        assertFalse(packet.release());
        assertEquals(1, packets.inUse());
        assertTrue(packet.release());
        assertEquals(0, packet.refCount());
        assertEquals(0, packets.inUse());
    }

    @Test
    void shouldSetTheLengthWithinTheFrame() {
        try (Packet packet = packets.acquire()) {
            packet.length(60);
            assertEquals(60, packet.length());
            assertEquals(60, packet.data().byteSize());
            packet.length(0);
            assertEquals(0, packet.data().byteSize());
            packet.length(FRAME);
            assertEquals(FRAME, packets.length(packet.index()));
        }
    }

    @Test
    void shouldHandAReferenceOverByIndexWithoutFreeing() {
        int index;
        try (Packet packet = packets.acquire(bytes(100, 1))) {
            index = packet.detach();
        }                                               // close after detach: nothing
        assertEquals(1, packets.inUse());
        Packet leased = packets.lease(index);
        assertEquals(index, leased.index());
        assertEquals(1, leased.refCount());
        assertEquals(100, leased.length());
        assertEquals(-1, leased.data().mismatch(bytes(100, 1)));
        assertTrue(leased.release());
        assertEquals(0, packets.inUse());
    }

    @Test
    void shouldTakeABatchOfIndicesWithOneReferenceEach() {
        int[] batch = new int[CAPACITY + 4];
        assertEquals(CAPACITY, packets.acquireIndices(batch));
        assertEquals(0, packets.acquireIndices(new int[3]));
        assertEquals(CAPACITY, packets.inUse());
        for (int i = 0; i < CAPACITY; i++) {
            assertEquals(FRAME, packets.length(batch[i]));
            packets.length(batch[i], i);
            packets.frame(batch[i]).set(ValueLayout.JAVA_INT, HEADROOM, i);
        }
        for (int i = 0; i < CAPACITY; i++) {
            assertEquals(i, packets.length(batch[i]));
            assertEquals(i, packets.frame(batch[i]).get(ValueLayout.JAVA_INT, HEADROOM));
            packets.release(batch[i]);
        }
        assertEquals(0, packets.inUse());
    }

    @Test
    void shouldKeepAFrameRetainedByIndexUntilEveryReferenceIsDropped() {
        Packet packet = packets.acquire().retain();
        int index = packet.detach();
        packets.release(index);
        assertEquals(1, packets.inUse());
        packets.release(index);
        assertEquals(0, packets.inUse());
    }

    @Test
    void shouldThrowExhaustedAndReturnNullWhenNoFrameIsFree() {
        int[] all = new int[CAPACITY];
        assertEquals(CAPACITY, packets.acquireIndices(all));
        AllocationException e = assertThrows(AllocationException.class, packets::acquire);
        assertEquals(AllocationException.Reason.EXHAUSTED, e.reason());
        assertNull(packets.tryAcquire());
        assertEquals(AllocationException.Reason.EXHAUSTED,
                assertThrows(AllocationException.class, () -> packets.acquire(bytes(8, 0))).reason());
        packets.release(all[3]);
        try (Packet packet = packets.acquire()) {
            assertEquals(all[3], packet.index());
        }
    }

    @Test
    void shouldGiveAHandleOfAnEarlierLeaseNothingOfTheNextOne() {
        Packet first = packets.acquire();
        int index = first.index();
        first.release();
        Packet second = packets.acquire();
        assertEquals(index, second.index());
        assertEquals(0, first.refCount());
        assertThrows(IllegalStateException.class, first::release);
        assertThrows(IllegalStateException.class, first::retain);
        assertThrows(IllegalStateException.class, first::data);
        assertEquals(1, second.refCount());
        assertTrue(second.release());
    }

    @Test
    void shouldServeWholeBlocksAsAnAllocatorBesideThePackets() {
        Layout block = Layout.of(packets.blockSize(), 64);
        MemorySegment segment = packets.allocate(block);
        assertTrue(packets.owns(segment));
        assertEquals(1, packets.inUse());
        try (Packet packet = packets.acquire()) {
            assertNotEquals(packets.frame(packet.index()).address(), segment.address());
        }
        packets.deallocate(segment, block);
        assertEquals(0, packets.inUse());
        assertEquals(2, packets.stats().allocations());
        assertEquals(2, packets.stats().deallocations());
    }

    @Test
    void shouldOpenFromASpecWithFrameSizeOrMtu() {
        try (PacketPool bySize = (PacketPool) Allocators.open("packets(frameSize=2KiB, headroom=128, capacity=4096)"
                + " > system")) {
            assertEquals(2048, bySize.frameSize());
            assertEquals(128, bySize.headroom());
            assertEquals(4096, bySize.capacity());
            assertEquals(2176, bySize.blockSize());
        }
        try (PacketPool byMtu = (PacketPool) Allocators.open("packets(mtu=9000, capacity=8192) > system")) {
            assertEquals(FrameSize.forMtu(9000, 0), byMtu.frameSize());
            assertEquals(0, byMtu.headroom());
            try (Packet packet = byMtu.acquire()) {
                assertEquals(9024, packet.length());
            }
        }
    }

    @Test
    void shouldDescribeItselfAndItsPackets() {
        assertTrue(packets.toString().startsWith("packets(2048 B frames, 128 B headroom, 16 frames"),
                packets.toString());
        Packet packet = packets.acquire(bytes(10, 0));
        assertEquals("packet(block=" + packet.index() + ", length=10, refCount=1)", packet.toString());
        int index = packet.detach();
        assertEquals("packet(block=" + index + ", detached)", packet.toString());
        packets.release(index);
    }

    @Test
    void shouldMakeSegmentsInaccessibleOnClose() {
        Packet packet = packets.acquire();
        MemorySegment data = packet.data();
        packets.close();
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, packets::acquire);
        assertArrayEquals(new long[] {0}, new long[] {packets.stats().bytesReserved()});
    }
}
