package dev.allocator.io;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input of {@link PacketPool}, {@link Packet} and the builder: the exception, its message, no change. */
class PacketMisuseTest {

    static final int FRAME = PacketPoolTest.FRAME;
    static final int CAPACITY = PacketPoolTest.CAPACITY;

    final PacketPool packets = PacketPool.builder().frameSize(FRAME).headroom(PacketPoolTest.HEADROOM)
            .capacity(CAPACITY).cache(0).build();

    @AfterEach
    void close() {
        packets.close();
    }

    /** Runs a call that must be refused with {@code type} and {@code message}, and checks nothing changed. */
    private <T extends Throwable> void refused(Class<T> type, String message, Executable call) {
        AllocatorStats before = packets.stats();
        int inUse = packets.inUse();
        T e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
        assertEquals(before, packets.stats());
        assertEquals(inUse, packets.inUse());
    }

    private static String overReleased(int block, int refCount, String verb) {
        return "a packet must hold a reference to be " + verb + " (released more often than retained, or its frame "
                + "went back to the pool): block=" + block + ", refCount=" + refCount;
    }

    @Test
    void shouldRejectAPayloadLargerThanAFrameNamingBothSizesAndTakeNothing() {
        MemorySegment big = Arena.ofAuto().allocate(FRAME + 1);
        refused(IllegalArgumentException.class,
                "payload.byteSize() must be between 0 and 2048: payload.byteSize()=2049", () -> packets.acquire(big));
        assertEquals(0, packets.stats().allocations());
    }

    @Test
    void shouldGiveTheFrameBackWhenThePayloadCannotBeRead() {
        Arena arena = Arena.ofConfined();
        MemorySegment payload = arena.allocate(16);
        arena.close();
        assertThrows(IllegalStateException.class, () -> packets.acquire(payload));
        assertEquals(0, packets.inUse());
    }

    @Test
    void shouldRejectReleasingMoreOftenThanRetainedNamingTheBlock() {
        Packet packet = packets.acquire().retain();
        int index = packet.index();
        packet.release();
        packet.release();
        refused(IllegalStateException.class, overReleased(index, 0, "released"), packet::release);
        refused(IllegalStateException.class, overReleased(index, 0, "released"), packet::close);
        refused(IllegalStateException.class, overReleased(index, 0, "retained"), packet::retain);
        refused(IllegalStateException.class, overReleased(index, 0, "used"), packet::data);
        refused(IllegalStateException.class, overReleased(index, 0, "used"), packet::length);
        refused(IllegalStateException.class, overReleased(index, 0, "used"), () -> packet.length(10));
        refused(IllegalStateException.class, overReleased(index, 0, "used"), packet::detach);
        assertEquals(0, packet.refCount());
    }

    @Test
    void shouldRejectAStaleHandleWithoutTouchingTheFramesNextLease() {
        Packet stale = packets.acquire();
        int index = stale.index();
        stale.release();
        Packet next = packets.acquire();
        assertEquals(index, next.index());
        refused(IllegalStateException.class, overReleased(index, 1, "released"), stale::release);
        assertEquals(1, next.refCount());
        next.release();
    }

    @Test
    void shouldRejectReleaseAndLeaseByIndexOfAFreeFrame() {
        refused(IllegalStateException.class, overReleased(3, 0, "released"), () -> packets.release(3));
        refused(IllegalStateException.class, overReleased(3, 0, "leased"), () -> packets.lease(3));
        refused(IllegalStateException.class, overReleased(3, 0, "used"), () -> packets.length(3));
        refused(IllegalStateException.class, overReleased(3, 0, "used"), () -> packets.length(3, 5));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, CAPACITY, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void shouldRejectAnIndexOutOfRangeNamingIt(int index) {
        String message = "index must be between 0 and 15: index=" + index;
        refused(IllegalArgumentException.class, message, () -> packets.release(index));
        refused(IllegalArgumentException.class, message, () -> packets.lease(index));
        refused(IllegalArgumentException.class, message, () -> packets.frame(index));
        refused(IllegalArgumentException.class, message, () -> packets.length(index));
        refused(IllegalArgumentException.class, message, () -> packets.length(index, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, FRAME + 1, Integer.MIN_VALUE})
    void shouldRejectALengthOutsideTheFrameNamingIt(int length) {
        try (Packet packet = packets.acquire()) {
            packet.length(100);
            String message = "length must be between 0 and 2048: length=" + length;
            refused(IllegalArgumentException.class, message, () -> packet.length(length));
            refused(IllegalArgumentException.class, message, () -> packets.length(packet.index(), length));
            assertEquals(100, packet.length());
        }
    }

    @Test
    void shouldRefuseEveryCallOfADetachedHandleButClose() {
        Packet packet = packets.acquire();
        int index = packet.detach();
        String message = "a packet must not be used after detach(): block=" + index + ", detached=true";
        refused(IllegalStateException.class, message, packet::detach);
        refused(IllegalStateException.class, message, packet::release);
        refused(IllegalStateException.class, message, packet::retain);
        refused(IllegalStateException.class, message, packet::index);
        refused(IllegalStateException.class, message, packet::data);
        refused(IllegalStateException.class, message, packet::refCount);
        packet.close();
        assertEquals(1, packets.inUse());
        packets.release(index);
    }

    @Test
    void shouldRefuseToDeallocateAPacketsFrameThroughTheAllocatorFace() {
        try (Packet packet = packets.acquire()) {
            Layout block = Layout.of(packets.blockSize(), 64);
            refused(IllegalStateException.class, "a packet's frame must be released through its lease, not "
                    + "deallocated: block=" + packet.index() + ", refCount=1",
                    () -> packets.deallocate(packets.frame(packet.index()), block));
            assertEquals(1, packet.refCount());
        }
    }

    @Test
    void shouldRejectNullArguments() {
        assertThrows(NullPointerException.class, () -> packets.acquire(null));
        assertThrows(NullPointerException.class, () -> packets.acquireIndices(null));
        assertThrows(NullPointerException.class, () -> packets.deallocate(null, Layout.of(8)));
        assertThrows(NullPointerException.class, () -> PacketPool.builder().backing(null));
        assertEquals(0, packets.inUse());
    }

    @Test
    void shouldRejectBadBuilderValuesNamingThem() {
        assertEquals("frameSize must be between 1 and 16777216: frameSize=0", assertThrows(
                IllegalArgumentException.class, () -> PacketPool.builder().frameSize(0)).getMessage());
        assertEquals("frameSize must be between 1 and 16777216: frameSize=16777217", assertThrows(
                IllegalArgumentException.class, () -> PacketPool.builder().frameSize((1 << 24) + 1)).getMessage());
        assertEquals("headroom must be between 0 and 65535: headroom=-1", assertThrows(
                IllegalArgumentException.class, () -> PacketPool.builder().headroom(-1)).getMessage());
        assertEquals("capacity must be between 1 and 1073741824: capacity=0", assertThrows(
                IllegalArgumentException.class, () -> PacketPool.builder().capacity(0)).getMessage());
        assertEquals("cache must be between 0 and 4096: cache=4097", assertThrows(
                IllegalArgumentException.class, () -> PacketPool.builder().cache(4097)).getMessage());
        assertEquals("a packet pool needs frameSize and capacity: frameSize=unset, capacity=8", assertThrows(
                IllegalStateException.class, () -> PacketPool.builder().capacity(8).build()).getMessage());
        assertEquals("a packet pool needs frameSize and capacity: frameSize=64, capacity=unset", assertThrows(
                IllegalStateException.class, () -> PacketPool.builder().frameSize(64).build()).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "packets(capacity=8)",
            "packets(frameSize=2KiB, mtu=1500, capacity=8)",
            "packets(mtu=67, capacity=8)",
            "packets(mtu=lots, capacity=8)",
            "packets(frameSize=0, capacity=8)",
            "packets(frameSize=17MiB, capacity=8)",
            "packets(frameSize=2KiB)",
            "packets(frameSize=2KiB, capacity=0)",
            "packets(frameSize=2KiB, capacity=8, headroom=64KiB)",
            "packets(frameSize=2KiB, capacity=8, cache=-1)",
            "packets(frameSize=2KiB, capacity=8, wipe=free)"})
    void shouldRejectABadSpecNamingTheOption(String spec) {
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open(spec + " > system"));
        assertTrue(e.getMessage().contains("packets"), e::getMessage);
    }
}
