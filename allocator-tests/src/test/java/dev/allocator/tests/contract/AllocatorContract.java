package dev.allocator.tests.contract;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.tests.support.Patterns;
import dev.allocator.tests.support.ThreadedWorkload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static dev.allocator.tests.support.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every allocator in the project passes. A subclass names its {@link Subject}; the suite opens a fresh
 * allocator from it before each test, closes it after, and skips the checks the subject's own contract rules out.
 * The multi-threaded work is driven by {@link ThreadedWorkload}.
 */
public abstract class AllocatorContract {

    /** The allocator under test, fresh for each test. */
    protected Allocator allocator;

    /** The subject this suite runs over. */
    protected abstract Subject subject();

    @BeforeEach
    void open(TestInfo test) {
        String bug = test.getTestMethod().map(m -> subject().knownBugs().get(m.getName())).orElse(null);
        if (bug != null) {
            Assumptions.abort("known bug of " + subject() + ": " + bug);
        }
        allocator = subject().factory().get();
    }

    @AfterEach
    void close() {
        if (allocator != null) {
            allocator.close();
        }
    }

    static LongStream sizes() {
        return LongStream.of(0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 100, 127, 128, 255, 256, 257, 1000,
                1024, 4095, 4096, 4097, 16384, 65535, 65536, 1L << 20, 16L << 20, 64L << 20);
    }

    static LongStream alignments() {
        return LongStream.rangeClosed(0, 20).map(shift -> 1L << shift);
    }

    /** The largest size used where many segments are live at once. */
    private long smallMax() {
        return Math.min(subject().maxSize(), 2048);
    }

    private MemorySegment allocateChecked(Layout layout) {
        MemorySegment segment = allocator.allocate(layout);
        assertEquals(layout.size(), segment.byteSize(), () -> "byteSize of " + layout);
        assertEquals(0, segment.address() % layout.alignment(),
                () -> "address " + Checks.hex(segment.address()) + " of " + layout);
        assertTrue(allocator.owns(segment), () -> "owns its own segment of " + layout);
        return segment;
    }

    /** Allocates and frees once, proving the allocator still works after an error. */
    private void assertStillWorks() {
        Layout layout = Layout.of(Math.min(subject().maxSize(), 64), 8);
        MemorySegment segment = allocateChecked(layout);
        Patterns.fill(segment, 42);
        Patterns.verify(segment, 42, "after an error");
        allocator.deallocate(segment, layout);
    }

    @ParameterizedTest(name = "size {0}")
    @MethodSource("sizes")
    void shouldAllocateExactlyTheSizeAskedFor(long size) {
        assumeTrue(size <= subject().maxSize(), "larger than the subject hands out");
        for (long alignment : new long[] {1, 8}) {
            Layout layout = Layout.of(size, alignment);
            MemorySegment segment = allocateChecked(layout);
            Patterns.fill(segment, size);
            Patterns.verify(segment, size, "size " + size);
            allocator.deallocate(segment, layout);
        }
    }

    @ParameterizedTest(name = "alignment {0}")
    @MethodSource("alignments")
    void shouldAlignToEveryPowerOfTwo(long alignment) {
        assumeTrue(alignment <= subject().maxAlignment(), "above the subject's guaranteed alignment");
        List<MemorySegment> segments = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        for (long size : new long[] {1, 24, alignment, alignment + 8}) {
            Layout layout = Layout.of(Math.min(size, subject().maxSize()), alignment);
            segments.add(allocateChecked(layout));
            layouts.add(layout);
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            allocator.deallocate(segments.get(i), layouts.get(i));
        }
    }

    @Test
    void shouldRejectAlignmentAboveItsMaximumAndKeepWorking() {
        assumeTrue(subject().alignmentLimited(), "the subject has no crisp alignment limit");
        long alignment = subject().maxAlignment() * 2;
        Layout layout = Layout.of(8, alignment);
        long failures = allocator.stats().failures();
        AllocationException e = rejects(AllocationException.class, () -> allocator.allocate(layout),
                String.valueOf(alignment));
        assertEquals(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, e.reason());
        assertEquals(layout, e.request());
        assertNull(allocator.tryAllocate(layout));
        assertEquals(failures + 2, allocator.stats().failures());
        assertStillWorks();
    }

    @Test
    void shouldRejectRequestAboveItsMaximumSizeAndKeepWorking() {
        assumeTrue(subject().sizeLimited(), "the subject has no size limit");
        Layout layout = Layout.of(subject().maxSize() + 1, 8);
        AllocationException e = rejects(AllocationException.class, () -> allocator.allocate(layout),
                String.valueOf(layout.size()));
        assertEquals(AllocationException.Reason.TOO_LARGE, e.reason());
        assertNull(allocator.tryAllocate(layout));
        assertStillWorks();
    }

    @Test
    void shouldNeverOverlapLiveSegmentsNorMixTheirContents() {
        Random random = new Random(7);
        int count = subject().exactCapacity() > 0 ? (int) Math.min(64, subject().exactCapacity()) : 64;
        List<MemorySegment> segments = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long alignment = Math.min(1L << random.nextInt(7), subject().maxAlignment());
            Layout layout = Layout.of(1 + random.nextLong(smallMax()), alignment);
            MemorySegment segment = allocateChecked(layout);
            Patterns.fill(segment, i);
            segments.add(segment);
            layouts.add(layout);
        }
        List<MemorySegment> byAddress = new ArrayList<>(segments);
        byAddress.sort(Comparator.comparingLong(MemorySegment::address));
        for (int i = 1; i < byAddress.size(); i++) {
            MemorySegment before = byAddress.get(i - 1);
            MemorySegment after = byAddress.get(i);
            assertTrue(before.address() + before.byteSize() <= after.address(),
                    () -> "segment at " + Checks.hex(before.address()) + " of " + before.byteSize()
                            + " bytes overlaps the one at " + Checks.hex(after.address()));
        }
        for (int i = count - 1; i >= 0; i--) {
            Patterns.verify(segments.get(i), i, "segment " + i + " of " + count);
            allocator.deallocate(segments.get(i), layouts.get(i));
        }
    }

    @Test
    void shouldHandOutMemoryGivenBackAgain() {
        Layout layout = Layout.of(Math.min(subject().maxSize(), 256), 8);
        if (subject().reuse() == Subject.Reuse.LATEST_ONLY) {
            MemorySegment first = allocateChecked(layout);
            allocator.deallocate(first, layout);
            assertEquals(first.address(), allocateChecked(layout).address(), "freeing the latest rewinds");
            return;
        }
        if (subject().exactCapacity() > 0) {
            Layout full = Layout.of(subject().maxSize(), 8);
            List<MemorySegment> all = new ArrayList<>();
            for (long i = 0; i < subject().exactCapacity(); i++) {
                all.add(allocateChecked(full));
            }
            assertNull(allocator.tryAllocate(full), "exhausted");
            MemorySegment freed = all.remove(all.size() / 2);
            allocator.deallocate(freed, full);
            assertEquals(freed.address(), allocateChecked(full).address(), "the only free block");
            return;
        }
        long reserved = allocator.stats().bytesReserved();
        for (int i = 0; i < 64; i++) {
            MemorySegment segment = allocateChecked(Layout.of(1L << 20, 64));
            allocator.deallocate(segment, Layout.of(1L << 20, 64));
        }
        assertEquals(reserved, allocator.stats().bytesReserved(), "memory given back is no longer reserved");
    }

    @Test
    void shouldCountAllocationsDeallocationsAndBytesInUse() {
        AllocatorStats before = allocator.stats();
        List<MemorySegment> segments = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 10; i++) {
            long size = Math.min(subject().maxSize(), 10L * (i + 1));
            segments.add(allocator.allocate(Layout.of(size, 8)));
            bytes += size;
        }
        AllocatorStats during = allocator.stats();
        assertEquals(before.allocations() + 10, during.allocations(), during::toString);
        assertEquals(before.bytesInUse() + bytes, during.bytesInUse(), during::toString);
        assertTrue(during.bytesReserved() >= during.bytesInUse(), during::toString);
        for (int i = segments.size() - 1; i >= 0; i--) {
            allocator.deallocate(segments.get(i), Layout.of(segments.get(i).byteSize(), 8));
        }
        AllocatorStats after = allocator.stats();
        assertEquals(before.deallocations() + 10, after.deallocations(), after::toString);
        assertEquals(before.bytesInUse(), after.bytesInUse(), after::toString);
        assertEquals(before.failures(), after.failures(), after::toString);
    }

    @Test
    void shouldHandOutZeroedMemoryEvenWhenReused() {
        Layout layout = Layout.of(Math.min(subject().maxSize(), 512), 8);
        MemorySegment dirty = allocator.allocate(layout);
        dirty.fill((byte) 0xA5);
        allocator.deallocate(dirty, layout);
        MemorySegment zeroed = allocator.allocateZeroed(layout);
        assertEquals(layout.size(), zeroed.byteSize());
        assertEquals(-1, zeroed.mismatch(MemorySegment.ofArray(new byte[(int) layout.size()])), "all zero");
        allocator.deallocate(zeroed, layout);
    }

    @Test
    void shouldOwnItsSegmentsAndTheirSlices() {
        Layout layout = Layout.of(Math.min(subject().maxSize(), 64), 8);
        MemorySegment segment = allocator.allocate(layout);
        assertTrue(allocator.owns(segment));
        assertTrue(allocator.owns(segment.asSlice(layout.size() / 2)));
        allocator.deallocate(segment, layout);
    }

    enum Foreign { AUTO_ARENA, HEAP, OTHER_INSTANCE }

    private MemorySegment foreign(Foreign kind, List<Allocator> toClose) {
        long size = Math.min(subject().maxSize(), 64);
        return switch (kind) {
            case AUTO_ARENA -> Arena.ofAuto().allocate(size, 8);
            case HEAP -> MemorySegment.ofArray(new long[(int) (size + 7) / 8]).asSlice(0, size);
            case OTHER_INSTANCE -> {
                Allocator other = subject().factory().get();
                toClose.add(other);
                yield other.allocate(Layout.of(size, 8));
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Foreign.class)
    void shouldNotOwnForeignSegments(Foreign kind) {
        List<Allocator> toClose = new ArrayList<>();
        try {
            assertFalse(allocator.owns(foreign(kind, toClose)));
            assertFalse(allocator.owns(MemorySegment.NULL));
        } finally {
            toClose.forEach(Allocator::close);
        }
    }

    @ParameterizedTest
    @EnumSource(Foreign.class)
    void shouldRejectForeignDeallocationAndKeepWorking(Foreign kind) {
        List<Allocator> toClose = new ArrayList<>();
        try {
            MemorySegment segment = foreign(kind, toClose);
            rejects(IllegalArgumentException.class,
                    () -> allocator.deallocate(segment, Layout.of(segment.byteSize(), 8)),
                    Checks.hex(segment.address()));
            assertStillWorks();
        } finally {
            toClose.forEach(Allocator::close);
        }
    }

    @Test
    void shouldRejectDoubleDeallocationAndKeepWorking() {
        assumeTrue(subject().detectsDoubleFree(), "the subject's contract does not detect double frees");
        Layout layout = Layout.of(Math.min(subject().maxSize(), 48), 8);
        MemorySegment segment = allocator.allocate(layout);
        allocator.deallocate(segment, layout);
        long deallocations = allocator.stats().deallocations();
        rejects(IllegalStateException.class, () -> allocator.deallocate(segment, layout),
                Checks.hex(segment.address()));
        assertEquals(deallocations, allocator.stats().deallocations());
        assertStillWorks();
    }

    @Test
    void shouldRejectDeallocationWithAnotherSizeAndKeepWorking() {
        Layout layout = Layout.of(Math.min(subject().maxSize(), 64), 8);
        Layout wrong = Layout.of(layout.size() / 2 + 1, 8);
        MemorySegment segment = allocator.allocate(layout);
        rejects(IllegalArgumentException.class, () -> allocator.deallocate(segment, wrong),
                String.valueOf(wrong.size()));
        allocator.deallocate(segment, layout);
        assertStillWorks();
    }

    @Test
    void shouldAcceptFreeOfAnEarlierSegmentAndLeaveTheLatestIntact() {
        assumeTrue(subject().reuse() == Subject.Reuse.LATEST_ONLY, "only arenas ignore such frees");
        Layout layout = Layout.of(Math.min(subject().maxSize(), 128), 8);
        MemorySegment earlier = allocator.allocate(layout);
        MemorySegment latest = allocator.allocate(layout);
        Patterns.fill(latest, 9);
        allocator.deallocate(earlier, layout);
        MemorySegment next = allocator.allocate(layout);
        assertTrue(next.address() >= latest.address() + latest.byteSize()
                        || next.address() + layout.size() <= latest.address(),
                "freeing an earlier segment must not let the next allocation overlap the latest");
        Patterns.verify(latest, 9, "latest");
        allocator.deallocate(next, layout);
        allocator.deallocate(latest, layout);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -64, Long.MIN_VALUE})
    void shouldRejectNegativeSizeThroughSegmentAllocatorAndKeepWorking(long size) {
        rejects(IllegalArgumentException.class, () -> allocator.allocate(size, 8), String.valueOf(size));
        assertStillWorks();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 24, -8, 4097})
    void shouldRejectBadAlignmentThroughSegmentAllocatorAndKeepWorking(long alignment) {
        rejects(IllegalArgumentException.class, () -> allocator.allocate(16, alignment), "lignment",
                "power of 2", "=" + alignment);
        assertStillWorks();
    }

    @Test
    void shouldReturnNullWhenExhaustedAndRecoverAfterAFree() {
        assumeTrue(subject().bounded(), "the subject cannot be exhausted");
        Layout layout = Layout.of(subject().exactCapacity() > 0 ? subject().maxSize() : smallMax(), 8);
        List<MemorySegment> live = new ArrayList<>();
        MemorySegment segment;
        while ((segment = allocator.tryAllocate(layout)) != null) {
            live.add(segment);
            assertTrue(live.size() <= 1_000_000, "a bounded subject must run out");
        }
        if (subject().exactCapacity() > 0) {
            assertEquals(subject().exactCapacity(), live.size(), "blocks before exhaustion");
        }
        long failures = allocator.stats().failures();
        AllocationException e = rejects(AllocationException.class, () -> allocator.allocate(layout),
                String.valueOf(layout.size()));
        assertEquals(AllocationException.Reason.EXHAUSTED, e.reason());
        assertEquals(failures + 1, allocator.stats().failures());
        allocator.deallocate(live.removeLast(), layout);
        live.add(allocateChecked(layout));
    }

    @Test
    void shouldRejectUseAfterCloseButStillAnswerOwnsAndStats() {
        Layout layout = Layout.of(Math.min(subject().maxSize(), 32), 8);
        MemorySegment segment = allocator.allocate(layout);
        allocator.close();
        rejects(IllegalStateException.class, () -> allocator.allocate(layout), "closed");
        rejects(IllegalStateException.class, () -> allocator.tryAllocate(layout), "closed");
        rejects(IllegalStateException.class, () -> allocator.allocateZeroed(layout), "closed");
        rejects(IllegalStateException.class, () -> allocator.deallocate(segment, layout), "closed");
        assertFalse(allocator.owns(Arena.ofAuto().allocate(8)));
        assertNotNull(allocator.stats());
        allocator.close();
    }

    @Test
    void shouldInvalidateSegmentsItHandedOutOnClose() {
        MemorySegment segment = allocator.allocate(Layout.of(Math.min(subject().maxSize(), 16), 8));
        allocator.close();
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void shouldWorkAsSegmentAllocatorForJdkMethods() {
        MemorySegment hello = allocator.allocateFrom("hello");
        assertEquals("hello", hello.getString(0));
        assertEquals(6, hello.byteSize());
        assertTrue(allocator.owns(hello));
        MemorySegment ints = allocator.allocate(ValueLayout.JAVA_INT, 10);
        assertEquals(40, ints.byteSize());
        assertEquals(0, ints.address() % 4);
        for (int i = 0; i < 10; i++) {
            ints.setAtIndex(ValueLayout.JAVA_INT, i, i * i);
        }
        MemorySegment longs = allocator.allocateFrom(ValueLayout.JAVA_LONG, 1L, 2L, 3L);
        assertEquals(3L, longs.getAtIndex(ValueLayout.JAVA_LONG, 2));
        assertEquals(81, ints.getAtIndex(ValueLayout.JAVA_INT, 9));
        allocator.deallocate(longs, Layout.of(24, 8));
        allocator.deallocate(ints, Layout.of(ValueLayout.JAVA_INT).array(10));
        allocator.deallocate(hello, Layout.of(6));
    }

    @Test
    void shouldKeepEachThreadsPatternIntactWhenThreadsShareIt() throws Exception {
        assumeTrue(subject().threadSafe(), "the subject is confined to one thread");
        ThreadedWorkload.fillCheckFree(allocator, 4, 300, 8, smallMax(), Math.min(subject().maxAlignment(), 64));
    }

    @Test
    void shouldLetAnotherThreadFreeWhatOneThreadAllocated() throws Exception {
        assumeTrue(subject().threadSafe(), "the subject is confined to one thread");
        ThreadedWorkload.handOff(allocator, 2_000, Layout.of(Math.min(subject().maxSize(), 200), 8), 16);
    }

    @Test
    void shouldRejectOtherThreadsWhenConfinedAndKeepWorking() throws Exception {
        assumeTrue(!subject().threadSafe(), "the subject is thread-safe");
        Layout layout = Layout.of(Math.min(subject().maxSize(), 32), 8);
        MemorySegment mine = allocator.allocate(layout);
        List<Throwable> thrown = ThreadedWorkload.inOtherThread(
                () -> allocator.allocate(layout),
                () -> allocator.tryAllocate(layout),
                () -> allocator.deallocate(mine, layout));
        for (Throwable t : thrown) {
            assertTrue(t instanceof WrongThreadException, () -> "expected WrongThreadException, got " + t);
        }
        allocator.deallocate(mine, layout);
        assertStillWorks();
    }
}
