package dev.allocator.system;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.SpecException;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SystemAllocatorTest {

    private final SystemAllocator allocator = new SystemAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 8, 16, 32, 64, 4096, 1 << 16, 1 << 21})
    void shouldHonourAlignment(long alignment) {
        Layout layout = Layout.of(100, alignment);
        MemorySegment segment = allocator.allocate(layout);
        assertEquals(0, segment.address() % alignment, "address " + segment.address());
        assertEquals(100, segment.byteSize());
        segment.fill((byte) 7);
        allocator.deallocate(segment, layout);
    }

    @Test
    void shouldGiveDistinctZeroLengthSegmentsForSizeZero() {
        Layout empty = Layout.of(0);
        MemorySegment a = allocator.allocate(empty);
        MemorySegment b = allocator.allocate(empty);
        assertEquals(0, a.byteSize());
        assertNotEquals(a.address(), b.address());
        allocator.deallocate(a, empty);
        allocator.deallocate(b, empty);
        assertEquals(0, allocator.stats().liveAllocations());
    }

    @Test
    void shouldReportOutOfNativeMemoryForHugeRequestAndKeepWorking() {
        Layout huge = Layout.of(Long.MAX_VALUE / 2);
        AllocationException e = assertThrows(AllocationException.class, () -> allocator.allocate(huge));
        assertEquals(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, e.reason());
        assertTrue(e.getMessage().contains(String.valueOf(Long.MAX_VALUE / 2)), e.getMessage());
        assertEquals(huge, e.request());
        assertNull(allocator.tryAllocate(huge));
        assertEquals(2, allocator.stats().failures());
        assertWorks();
    }

    @Test
    void shouldRejectAlignmentAboveMaximumAndKeepWorking() {
        Layout layout = Layout.of(64, SystemAllocator.MAX_ALIGNMENT * 2);
        AllocationException e = assertThrows(AllocationException.class, () -> allocator.allocate(layout));
        assertEquals(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, e.reason());
        assertTrue(e.getMessage().contains(String.valueOf(SystemAllocator.MAX_ALIGNMENT * 2)), e.getMessage());
        assertNull(allocator.tryAllocate(layout));
        assertWorks();
    }

    @Test
    void shouldRejectBadAlignmentThroughSegmentAllocator() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.allocate(64, 24));
        assertTrue(e.getMessage().contains("alignment=24"), e.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> allocator.allocate(-1, 8));
        assertTrue(negative.getMessage().contains("size=-1"), negative.getMessage());
        assertWorks();
    }

    @Test
    void shouldRejectForeignSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(64);
            assertFalse(allocator.owns(foreign));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> allocator.deallocate(foreign, Layout.of(64)));
            assertTrue(e.getMessage().contains("0x" + Long.toHexString(foreign.address())), e.getMessage());
        }
        assertWorks();
    }

    @Test
    void shouldRejectSegmentOfAnotherSystemAllocator() {
        try (SystemAllocator other = new SystemAllocator()) {
            MemorySegment theirs = other.allocate(Layout.of(64));
            assertFalse(allocator.owns(theirs));
            assertThrows(IllegalArgumentException.class, () -> allocator.deallocate(theirs, Layout.of(64)));
            other.deallocate(theirs, Layout.of(64));
        }
    }

    @Test
    void shouldRejectDoubleFree() {
        Layout layout = Layout.of(64);
        MemorySegment segment = allocator.allocate(layout);
        allocator.deallocate(segment, layout);
        AllocatorStats before = allocator.stats();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> allocator.deallocate(segment, layout));
        assertTrue(e.getMessage().contains("0x" + Long.toHexString(segment.address())), e.getMessage());
        assertEquals(before, allocator.stats());
        assertWorks();
    }

    @Test
    void shouldRejectSliceAndSizeMismatchWithoutFreeing() {
        Layout layout = Layout.of(64);
        MemorySegment segment = allocator.allocate(layout);
        assertTrue(allocator.owns(segment.asSlice(8)), "a slice's memory came from here");
        assertThrows(IllegalStateException.class, () -> allocator.deallocate(segment.asSlice(8), Layout.of(56)));
        IllegalArgumentException shortSlice = assertThrows(IllegalArgumentException.class,
                () -> allocator.deallocate(segment.asSlice(0, 10), layout));
        assertTrue(shortSlice.getMessage().contains("10"), shortSlice.getMessage());
        IllegalArgumentException wrongLayout = assertThrows(IllegalArgumentException.class,
                () -> allocator.deallocate(segment, Layout.of(32)));
        assertTrue(wrongLayout.getMessage().contains("32 B"), wrongLayout.getMessage());
        segment.set(ValueLayout.JAVA_LONG, 0, 42);
        assertEquals(42, segment.get(ValueLayout.JAVA_LONG, 0), "still live and usable");
        allocator.deallocate(segment, layout);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 16, 64, 4096})
    void shouldZeroWhenAskedForZeroedMemory(long alignment) {
        Layout layout = Layout.of(10_000, alignment);
        for (int i = 0; i < 4; i++) {
            MemorySegment dirty = allocator.allocate(layout);
            dirty.fill((byte) 0x5A);
            allocator.deallocate(dirty, layout);
            MemorySegment zeroed = allocator.allocateZeroed(layout);
            assertEquals(-1, zeroed.mismatch(MemorySegment.ofArray(new byte[10_000])), "not all zero");
            allocator.deallocate(zeroed, layout);
        }
    }

    @Test
    void shouldKeepStats() {
        MemorySegment a = allocator.allocate(Layout.of(100));
        MemorySegment b = allocator.allocate(Layout.of(28, 64));
        assertEquals(new AllocatorStats(2, 0, 0, 128, 128), allocator.stats());
        allocator.deallocate(a, Layout.of(100));
        allocator.deallocate(b, Layout.of(28, 64));
        assertEquals(new AllocatorStats(2, 2, 0, 0, 0), allocator.stats());
    }

    @Test
    void shouldInvalidateSegmentsAndRejectUseAfterClose() {
        MemorySegment leaked = allocator.allocate(Layout.of(64));
        allocator.close();
        assertThrows(IllegalStateException.class, () -> leaked.get(ValueLayout.JAVA_BYTE, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> allocator.allocate(Layout.of(8)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> allocator.deallocate(leaked, Layout.of(64)));
        assertEquals(0, allocator.stats().bytesInUse(), "close frees what was live");
        assertTrue(allocator.owns(leaked));
        allocator.close();
    }

    @Test
    void shouldGiveLargeBlocksTheirOwnScopeAndStillOwnThemAndTheirSlices() {
        Layout large = Layout.of(SystemAllocator.DEFAULT_SCOPE_THRESHOLD);
        MemorySegment block = allocator.allocate(large);
        MemorySegment small = allocator.allocate(Layout.of(64));
        assertNotEquals(small.scope(), block.scope(), "a large block has a scope of its own");
        assertTrue(allocator.owns(block));
        assertTrue(allocator.owns(block.asSlice(4096, 64)));
        allocator.deallocate(block, large);
        assertFalse(block.scope().isAlive(), "freeing a large block closes its scope");
        assertThrows(IllegalStateException.class, () -> block.get(ValueLayout.JAVA_BYTE, 0));
        assertTrue(allocator.owns(block), "still recognised after its free");
        assertTrue(small.scope().isAlive());
        allocator.deallocate(small, Layout.of(64));
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void shouldRejectStaleLargeSegmentEvenWhenItsAddressIsLiveAgain() {
        Layout large = Layout.of(1 << 20);
        MemorySegment stale = allocator.allocate(large);
        allocator.deallocate(stale, large);
        MemorySegment again = null;
        for (int i = 0; i < 8 && again == null; i++) {
            MemorySegment next = allocator.allocate(large);
            if (next.address() == stale.address()) {
                again = next;
            } else {
                allocator.deallocate(next, large);
            }
        }
        assumeTrue(again != null, "malloc did not hand the address out again");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> allocator.deallocate(stale, large));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        again.set(ValueLayout.JAVA_LONG, 0, 7);
        assertEquals(7, again.get(ValueLayout.JAVA_LONG, 0), "the new allocation is untouched");
        allocator.deallocate(again, large);
    }

    @Test
    void shouldScopeEveryBlockWithThresholdZeroAndNoneWithMaxValue() {
        try (SystemAllocator everyBlock = new SystemAllocator(0);
             SystemAllocator noBlock = new SystemAllocator(Long.MAX_VALUE)) {
            MemorySegment a = everyBlock.allocate(Layout.of(16));
            MemorySegment b = everyBlock.allocate(Layout.of(16));
            assertNotEquals(a.scope(), b.scope());
            everyBlock.deallocate(a, Layout.of(16));
            assertThrows(IllegalStateException.class, () -> a.get(ValueLayout.JAVA_BYTE, 0));
            everyBlock.deallocate(b, Layout.of(16));
            MemorySegment c = noBlock.allocate(Layout.of(1 << 20));
            MemorySegment d = noBlock.allocate(Layout.of(1 << 20));
            assertEquals(c.scope(), d.scope());
            noBlock.deallocate(c, Layout.of(1 << 20));
            noBlock.deallocate(d, Layout.of(1 << 20));
        }
    }

    @Test
    void shouldRejectNegativeScopeThreshold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SystemAllocator(-1));
        assertTrue(e.getMessage().contains("scopeThreshold=-1"), e.getMessage());
    }

    @Test
    void shouldTakeScopeThresholdFromTheSpecAndRejectABadOne() {
        try (Allocator opened = Allocators.open("system(scopeThreshold=1KiB)")) {
            assertEquals(1024, ((SystemAllocator) opened).scopeThreshold());
        }
        try (Allocator opened = Allocators.open("system")) {
            assertEquals(SystemAllocator.DEFAULT_SCOPE_THRESHOLD, ((SystemAllocator) opened).scopeThreshold());
        }
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open("system(scopeThreshold=lots)"));
        assertTrue(e.getMessage().contains("scopeThreshold=lots"), e.getMessage());
        assertThrows(SpecException.class, () -> Allocators.open("system(scopeThreshold=-1)"));
    }

    @ParameterizedTest
    @ValueSource(longs = {64, 4096, 1 << 20})
    void shouldFreeARacingDoubleFreeOnce(long size) throws Exception {
        Layout layout = Layout.of(size);
        for (int round = 0; round < 300; round++) {
            MemorySegment block = allocator.allocate(layout);
            AtomicInteger freed = new AtomicInteger();
            AtomicInteger doubleFrees = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(2);
            Runnable free = () -> {
                try {
                    start.await();
                    allocator.deallocate(block, layout);
                    freed.incrementAndGet();
                } catch (IllegalStateException e) {
                    doubleFrees.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            Thread other = new Thread(free);
            other.start();
            free.run();
            other.join();
            assertEquals(1, freed.get(), "round " + round);
            assertEquals(1, doubleFrees.get(), "round " + round);
        }
        assertEquals(new AllocatorStats(300, 300, 0, 0, 0), allocator.stats());
    }

    @Test
    void shouldTrustFreesButStillRejectForeignAndMismatchedSegmentsWhenNotTracking() {
        try (SystemAllocator untracked = (SystemAllocator) Allocators.open("system(track=false)");
             Arena arena = Arena.ofConfined()) {
            assertFalse(untracked.tracks());
            Layout layout = Layout.of(64);
            MemorySegment block = untracked.allocate(layout);
            block.set(ValueLayout.JAVA_LONG, 0, 42);
            assertTrue(untracked.owns(block));
            assertThrows(IllegalArgumentException.class, () -> untracked.deallocate(arena.allocate(64), layout));
            IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                    () -> untracked.deallocate(block, Layout.of(32)));
            assertTrue(mismatch.getMessage().contains("32 B"), mismatch.getMessage());
            assertEquals(42, block.get(ValueLayout.JAVA_LONG, 0), "a rejected free changes nothing");
            untracked.deallocate(block, layout);
            Layout large = Layout.of(SystemAllocator.DEFAULT_SCOPE_THRESHOLD);
            MemorySegment big = untracked.allocate(large);
            assertEquals(new AllocatorStats(1, 0, 0, large.size(), large.size()), untracked.stats(),
                    "large blocks are still recorded; small ones are not counted");
            untracked.deallocate(big, large);
            assertThrows(IllegalStateException.class, () -> untracked.deallocate(big, large),
                    "a large block's double free is still caught");
        }
        try (SystemAllocator plain = new SystemAllocator()) {
            assertTrue(plain.tracks(), "tracking is the default");
        }
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open("system(track=maybe)"));
        assertTrue(e.getMessage().contains("track=maybe"), e.getMessage());
    }

    private void assertWorks() {
        Layout layout = Layout.of(32, 8);
        MemorySegment segment = allocator.allocate(layout);
        segment.set(ValueLayout.JAVA_LONG, 0, 0x1234L);
        assertEquals(0x1234L, segment.get(ValueLayout.JAVA_LONG, 0));
        allocator.deallocate(segment, layout);
    }
}
