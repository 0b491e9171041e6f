package dev.allocator.netty;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.api.Allocators;
import dev.allocator.api.SpecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter's own promises, beyond Netty's suites: where memory comes from and goes, alignment, errors, close. */
class SegmentByteBufAllocatorTest {

    private Allocator memory;
    private SegmentByteBufAllocator buffers;

    @BeforeEach
    void open() {
        memory = Allocators.open("sizeclasses > system");
        buffers = new SegmentByteBufAllocator(memory);
    }

    @AfterEach
    void close() {
        buffers.close();
        memory.close();
    }

    @Test
    void shouldTakeDirectMemoryFromTheAllocatorAndGiveItBackOnTheLastRelease() {
        ByteBuf buffer = buffers.directBuffer(1000);
        assertTrue(buffer.isDirect());
        assertEquals(1, memory.stats().liveAllocations());
        assertEquals(1000, memory.stats().bytesInUse());
        assertEquals(1000, buffers.metric().usedDirectMemory());

        buffer.retain();
        assertFalse(buffer.release());
        assertEquals(1, memory.stats().liveAllocations());
        assertTrue(buffer.release());
        assertEquals(0, memory.stats().liveAllocations());
        assertEquals(0, memory.stats().bytesInUse());
        assertEquals(0, buffers.metric().usedDirectMemory());
    }

    @Test
    void shouldReallocateThroughTheSameAllocatorWhenTheCapacityChanges() {
        ByteBuf buffer = buffers.directBuffer(64);
        byte[] data = new byte[200];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        buffer.writeBytes(data);                        // grows past 64: a new segment, the old one given back
        assertTrue(buffer.capacity() >= 200);
        assertEquals(2, memory.stats().allocations());
        assertEquals(1, memory.stats().liveAllocations());
        assertEquals(buffer.capacity(), memory.stats().bytesInUse());

        buffer.capacity(100);                            // shrinks: a third segment, contents kept up to it
        assertEquals(3, memory.stats().allocations());
        assertEquals(100, memory.stats().bytesInUse());
        byte[] kept = new byte[100];
        buffer.getBytes(0, kept);
        assertArrayEquals(Arrays.copyOf(data, 100), kept);

        buffer.release();
        assertEquals(0, memory.stats().liveAllocations());
        assertEquals(0, buffers.metric().usedDirectMemory());
    }

    @Test
    void shouldExposeTheAddressOfTheSegmentTheBufferWritesToAfterEveryCapacityChange() {
        ByteBuf buffer = buffers.directBuffer(16);
        for (int capacity : new int[] {16, 5000, 40}) {
            buffer.capacity(capacity);
            buffer.setInt(8, 0x01020304);
            assertTrue(buffer.hasMemoryAddress());
            MemorySegment raw = MemorySegment.ofAddress(buffer.memoryAddress()).reinterpret(capacity);
            assertEquals(0x01020304, raw.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8));
        }
        buffer.release();
    }

    @Test
    void shouldAlignDirectBuffersToTheAlignmentAsked() {
        try (SegmentByteBufAllocator paged = new SegmentByteBufAllocator(memory, true, 4096)) {
            for (int capacity : new int[] {1, 100, 4096, 70_000}) {
                ByteBuf buffer = paged.directBuffer(capacity);
                assertEquals(0, buffer.memoryAddress() % 4096, () -> "capacity=" + capacity);
                buffer.capacity(capacity + 1);
                assertEquals(0, buffer.memoryAddress() % 4096, () -> "capacity=" + (capacity + 1));
                buffer.release();
            }
        }
        ByteBuf buffer = buffers.directBuffer(24);
        assertEquals(0, buffer.memoryAddress() % SegmentByteBufAllocator.DEFAULT_ALIGNMENT);
        buffer.release();
    }

    @Test
    void shouldKeepHeapBuffersNettysAndCountThem() {
        ByteBuf buffer = buffers.heapBuffer(100);
        assertTrue(buffer.hasArray());
        assertInstanceOf(UnpooledHeapByteBuf.class, buffer.unwrap() == null ? buffer : buffer.unwrap());
        assertEquals(100, buffers.metric().usedHeapMemory());
        assertEquals(0, memory.stats().allocations());
        buffer.release();
        assertEquals(0, buffers.metric().usedHeapMemory());
    }

    @Test
    void shouldRejectBadCapacitiesWithNettysExceptionAndAskNothing() {
        assertThrows(IllegalArgumentException.class, () -> buffers.directBuffer(-1));
        assertThrows(IllegalArgumentException.class, () -> buffers.directBuffer(100, 10));
        ByteBuf buffer = buffers.directBuffer(10, 20);
        assertThrows(IllegalArgumentException.class, () -> buffer.capacity(21));
        assertThrows(IllegalArgumentException.class, () -> buffer.capacity(-1));
        assertEquals(10, buffer.capacity());
        assertEquals(1, memory.stats().allocations());
        buffer.release();
        assertEquals(new AllocatorStats(1, 1, 0, 0, memory.stats().bytesReserved()), memory.stats());
    }

    @Test
    void shouldRejectBadConstructorArguments() {
        assertThrows(NullPointerException.class, () -> new SegmentByteBufAllocator((Allocator) null));
        assertThrows(NullPointerException.class, () -> new SegmentByteBufAllocator((String) null));
        IllegalArgumentException alignment = assertThrows(IllegalArgumentException.class,
                () -> new SegmentByteBufAllocator(memory, true, 24));
        assertEquals("alignment must be a power of 2: alignment=24", alignment.getMessage());
        assertThrows(SpecException.class, () -> new SegmentByteBufAllocator("pol(blockSize=64) > system"));
    }

    @Test
    void shouldThrowTheAllocatorsRefusalWithCountsUnchanged() {
        try (SegmentByteBufAllocator capped = new SegmentByteBufAllocator("budget(limit=4KiB) > sizeclasses")) {
            ByteBuf buffer = capped.directBuffer(3000);
            buffer.writeBytes(new byte[3000]);
            AllocatorStats before = capped.allocator().stats();

            AllocationException refused = assertThrows(AllocationException.class, () -> capped.directBuffer(2000));
            assertEquals(AllocationException.Reason.BUDGET, refused.reason());
            assertThrows(AllocationException.class, () -> buffer.writeByte(1));   // growth refused
            assertThrows(AllocationException.class, () -> buffer.capacity(2000)); // a shrink needs a new block too

            AllocatorStats after = capped.allocator().stats();
            assertEquals(before.allocations(), after.allocations());
            assertEquals(before.deallocations(), after.deallocations());
            assertEquals(before.bytesInUse(), after.bytesInUse());
            assertEquals(3000, capped.metric().usedDirectMemory());
            assertEquals(3000, buffer.capacity());                               // the buffer is as it was
            assertEquals(3000, buffer.writerIndex());

            buffer.release();
            assertEquals(0, capped.allocator().stats().liveAllocations());
            capped.directBuffer(4000).release();                                // and it works afterwards
        }
    }

    @Test
    void shouldCloseTheAllocatorItOpenedFromASpec() {
        SegmentByteBufAllocator owner = new SegmentByteBufAllocator("pool(blockSize=1KiB, capacity=16) > system");
        ByteBuf survivor = owner.directBuffer(512);
        owner.close();
        owner.close();                                                         // twice does nothing

        assertThrows(IllegalStateException.class, () -> owner.allocator().allocate(16, 1));
        assertThrows(IllegalStateException.class, () -> owner.directBuffer(16));
        assertThrows(IllegalStateException.class, () -> survivor.getByte(0));  // its memory went back on close
        assertTrue(survivor.release());                                        // gives nothing back, throws nothing
        assertEquals(0, owner.metric().usedDirectMemory());
    }

    @Test
    void shouldLeaveABorrowedAllocatorOpen() {
        ByteBuf survivor = buffers.directBuffer(512);
        buffers.close();
        assertThrows(IllegalStateException.class, () -> buffers.directBuffer(16));
        survivor.writeInt(7);
        assertTrue(survivor.release());
        assertEquals(0, memory.stats().liveAllocations());                     // given back to the open allocator
        memory.deallocate(memory.allocate(16, 1), Layout.of(16, 1));                   // still open
    }

    @Test
    void shouldGiveMemoryBackWhenTheLastReleaseIsOnAnotherThread() throws Exception {
        ByteBuf[] made = new ByteBuf[100];
        for (int i = 0; i < made.length; i++) {
            made[i] = buffers.directBuffer(64 * (i + 1)).writeLong(i);
        }
        Thread releaser = new Thread(() -> {
            for (ByteBuf buffer : made) {
                buffer.release();
            }
        });
        releaser.start();
        releaser.join();
        assertEquals(0, memory.stats().liveAllocations());
        assertEquals(0, buffers.metric().usedDirectMemory());
    }

    @Test
    void shouldReportAnUnreleasedBufferThroughNettysLeakDetector() throws Exception {
        LeakWatch.clear();
        leak(buffers);
        List<String> reports = List.of();
        for (int attempt = 0; attempt < 50 && reports.stream().noneMatch(r -> r.contains("leaked-by-test")); attempt++) {
            reports = LeakWatch.collect(buffers);
        }
        LeakWatch.clear();
        List<String> seen = reports;
        assertTrue(seen.stream().anyMatch(r -> r.contains("leaked-by-test")), () -> "no leak report: " + seen);
        assertEquals(1, memory.stats().liveAllocations());                     // held until the allocator closes
    }

    private static void leak(SegmentByteBufAllocator buffers) {
        buffers.directBuffer(128).touch("leaked-by-test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"budget(limit=64MiB) > sizeclasses", "pool(blockSize=2KiB, capacity=4096) | sizeclasses",
            "checked(onLeak=throw) > sizeclasses"})
    void shouldServeEverySpecTheGuideSuggests(String spec) {
        try (SegmentByteBufAllocator guided = new SegmentByteBufAllocator(spec)) {
            for (int capacity : new int[] {0, 100, 2048, 70_000}) {
                ByteBuf buffer = guided.directBuffer(capacity, Integer.MAX_VALUE).writeBytes(new byte[capacity + 1]);
                assertEquals(capacity + 1, buffer.readableBytes());
                buffer.release();
            }
            assertEquals(0, guided.allocator().stats().liveAllocations());
        }
    }

    @Test
    void shouldPreferDirectBuffersUnlessToldOtherwise() {
        ByteBuf direct = buffers.buffer(10);
        assertTrue(direct.isDirect());
        direct.release();
        try (SegmentByteBufAllocator heapFirst = new SegmentByteBufAllocator(memory, false, 16)) {
            ByteBuf heap = heapFirst.buffer(10);
            assertFalse(heap.isDirect());
            heap.release();
            ByteBuf io = heapFirst.ioBuffer(10);
            assertTrue(io.isDirect());
            assertNotEquals(0, io.memoryAddress());
            io.release();
        }
    }
}
