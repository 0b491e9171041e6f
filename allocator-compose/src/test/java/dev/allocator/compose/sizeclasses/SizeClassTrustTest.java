package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.pool.Wipe;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Regression tests of issue 12 for size classes: retire races, honest stats, layouts, a trimmer that never dies. */
class SizeClassTrustTest {

    private static final Layout SMALL = Layout.of(16);

    private static SizeClassAllocator over(Allocator backing, long idleMillis) {
        return new SizeClassAllocator(backing, 64 * 1024, 64 * 1024, idleMillis, Wipe.NONE, true, false);
    }

    @Test
    void shouldAcceptAValidFreeWhileItsSlabIsBeingRetired() {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            allocator.deallocate(allocator.allocate(SMALL), SMALL);      // one empty slab of the 16 B class
            allocator.releaseThreadCaches();
            MemorySegment[] held = new MemorySegment[1];
            AtomicReference<Throwable> freeFailure = new AtomicReference<>();
            allocator.sizeClass(0).hook = point -> {
                if (point.equals("start")) {            // after trim judged the slab empty: a caller takes a block
                    held[0] = allocator.allocate(SMALL);
                } else if (point.equals("take")) {      // and frees it while the slab is being retired
                    try {
                        allocator.deallocate(held[0], SMALL);
                    } catch (Throwable t) {
                        freeFailure.set(t);
                    }
                }
            };
            allocator.trim();
            assertNull(freeFailure.get(), "a valid free during a retire must be accepted");
            allocator.sizeClass(0).hook = null;
            allocator.trim();
            assertEquals(0, allocator.slabCount());
            AllocatorStats stats = allocator.stats();
            assertEquals(2, stats.allocations());
            assertEquals(2, stats.deallocations());
            assertEquals(0, stats.bytesInUse());
            assertEquals(0, system.stats().bytesInUse(), "the slab went back");
        }
    }

    @Test
    void shouldCountOnlyCallersAllocationsWhenRetiresFail() throws Exception {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            allocator.deallocate(allocator.allocate(SMALL), SMALL);   // the free block parks in this thread's cache
            CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3; i++) {
                    assertEquals(0, allocator.trim(), "a block parked in a live thread's cache keeps the slab");
                }
            }).get(10, TimeUnit.SECONDS);
            AllocatorStats stats = allocator.stats();
            assertEquals(1, stats.allocations());
            assertEquals(1, stats.deallocations());
            assertEquals(0, stats.bytesInUse());
            assertEquals(1, allocator.slabCount());
        }
    }

    @Test
    void shouldRejectAFreeWithAnotherLayoutThanTheAllocationAndChangeNothing() {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            Layout allocated = Layout.of(20, 8);                          // the 24 B class
            MemorySegment segment = allocator.allocate(allocated);
            AllocatorStats before = allocator.stats();
            assertThrows(IllegalArgumentException.class,                  // a slice of its own size, same class
                    () -> allocator.deallocate(segment.asSlice(0, 18), Layout.of(18, 8)));
            assertThrows(IllegalArgumentException.class,                  // another alignment, same class
                    () -> allocator.deallocate(segment, Layout.of(20, 4)));
            assertThrows(IllegalArgumentException.class,                  // a slice not at the block start
                    () -> allocator.deallocate(segment.asSlice(8, 12), Layout.of(12, 4)));
            assertThrows(IllegalArgumentException.class,                  // the whole block of another size
                    () -> allocator.deallocate(segment, Layout.of(24, 8)));
            assertEquals(before, allocator.stats());
            allocator.deallocate(segment, allocated);
            assertEquals(0, allocator.stats().bytesInUse());
            assertEquals(1, allocator.stats().deallocations());
            assertThrows(IllegalStateException.class, () -> allocator.deallocate(segment, allocated));
            allocator.deallocate(allocator.allocate(allocated), allocated);
        }
    }

    @Test
    void shouldRejectASlabSizeOverTheLimitAtBuildTime() {
        SpecException spec = assertThrows(SpecException.class,
                () -> Allocators.open("sizeclasses(slabSize=16GiB) > system"));
        assertTrue(spec.getMessage().contains("slabSize") && spec.getMessage().contains("16GiB")
                && spec.getMessage().contains("1GiB"), spec.getMessage());
        try (Allocator system = Allocators.open("system")) {
            IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                    () -> new SizeClassAllocator(system, 1024, 2L << 30, 0, Wipe.NONE, true, false));
            assertTrue(direct.getMessage().contains("slabSize=2147483648"), direct.getMessage());
        }
    }

    @Test
    void shouldKeepTrimmingAfterTheBackingRefusedASlab() throws Exception {
        AtomicBoolean refuseOnce = new AtomicBoolean(true);
        try (Allocator system = Allocators.open("system");
             Allocator flaky = new ForwardingAllocator("flaky", system, false) {
                 @Override
                 public void deallocate(MemorySegment segment, Layout layout) {
                     if (refuseOnce.getAndSet(false)) {
                         throw new IllegalStateException("refused once");
                     }
                     super.deallocate(segment, layout);
                 }
             };
             SizeClassAllocator allocator = over(flaky, 1)) {
            allocator.deallocate(allocator.allocate(SMALL), SMALL);
            allocator.releaseThreadCaches();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (system.stats().bytesInUse() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, system.stats().bytesInUse(), "the trimmer gave the slab back after one refusal");
            assertEquals(1, allocator.trimFailures());
            assertEquals(0, allocator.slabCount());
            assertEquals(new AllocatorStats(1, 1, 0, 0, 0), allocator.stats());
        }
    }

    @Test
    void shouldMakeAFreedSegmentThrowOnceItsSlabWentBack() {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            MemorySegment segment = allocator.allocate(SMALL);
            segment.set(ValueLayout.JAVA_LONG, 8, 42L);
            allocator.deallocate(segment, SMALL);
            assertEquals(1, allocator.trim(), "the empty slab goes back");
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 8));
            assertThrows(IllegalStateException.class, () -> segment.set(ValueLayout.JAVA_LONG, 8, 7L));
        }
    }
}
