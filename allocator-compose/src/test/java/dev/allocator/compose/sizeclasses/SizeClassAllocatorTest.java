package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.pool.Wipe;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeClassAllocatorTest {

    private static SizeClassAllocator over(Allocator backing, long idleMillis) {
        return new SizeClassAllocator(backing, 64 * 1024, 64 * 1024, idleMillis, Wipe.NONE, true, false);
    }

    @Test
    void shouldServeExactSizesAndAlignmentsFromClassesAndLargeFromBacking() {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            MemorySegment small = allocator.allocate(Layout.of(100, 32));
            assertEquals(100, small.byteSize());
            assertEquals(0, small.address() % 32);
            MemorySegment large = allocator.allocate(Layout.of(100_000));
            assertEquals(2, system.stats().liveAllocations(), "one slab and one large allocation");
            assertEquals(1, allocator.slabCount());
            assertTrue(allocator.owns(small) && allocator.owns(large));
            allocator.deallocate(small, Layout.of(100, 32));
            allocator.deallocate(large, Layout.of(100_000));
            assertEquals(0, allocator.stats().bytesInUse());
            assertEquals(2, allocator.stats().allocations());
            assertEquals(2, allocator.stats().deallocations());
        }
    }

    @Test
    void shouldCountAZeroByteAllocationInUseUntilItIsFreedAndRejectItsDoubleFree() {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            Layout empty = Layout.of(0);
            MemorySegment segment = allocator.allocate(empty);
            AllocatorStats held = allocator.stats();
            assertEquals(1, held.allocations());
            assertEquals(0, held.deallocations(), "a 0-byte block is in use until it is freed: " + held);
            allocator.deallocate(segment, empty);
            assertEquals(1, allocator.stats().deallocations());
            assertThrows(IllegalStateException.class, () -> allocator.deallocate(segment, empty));
            assertEquals(1, allocator.stats().deallocations(), "a refused double free changes no count");
        }
    }

    @Test
    void shouldRefuseToGrowASlabOnceTheClassClosed() {
        try (Allocator system = Allocators.open("system")) {
            SizeClass sizeClass = new SizeClass(Layout.of(64), 16, system, Wipe.NONE, true, new SlabReturns());
            Layout layout = Layout.of(64);
            MemorySegment first = sizeClass.grow(layout, ClassSlab.encode(layout));
            sizeClass.closeAll();
            // a thread that passed the allocator's open check before the close and reaches grow after it
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> sizeClass.grow(layout, ClassSlab.encode(layout)));
            assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
            assertEquals(0, sizeClass.slabCount(), "no slab was added after the close");
            assertEquals(0, system.stats().liveAllocations(), "the first slab went back and no other was taken");
            assertThrows(IllegalStateException.class, () -> first.get(ValueLayout.JAVA_BYTE, 0),
                    "a block of a closed class is unreadable");
        }
    }

    @Test
    void shouldAddSlabsWhenAClassFillsUp() {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            List<MemorySegment> held = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {                  // 64 KiB slabs of 64 B blocks hold 1024 each
                MemorySegment segment = allocator.allocate(Layout.of(64));
                segment.set(ValueLayout.JAVA_INT, 0, i);
                held.add(segment);
            }
            assertEquals(3, allocator.slabCount());
            for (int i = 0; i < held.size(); i++) {
                assertEquals(i, held.get(i).get(ValueLayout.JAVA_INT, 0));
                allocator.deallocate(held.get(i), Layout.of(64));
            }
            assertEquals(3, allocator.trim(), "every empty slab goes back on trim()");
            assertEquals(0, system.stats().bytesInUse());
        }
    }

    @Test
    void shouldGiveIdleSlabsBackToTheBackingAllocator() throws Exception {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 20)) {
            List<MemorySegment> burst = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                burst.add(allocator.allocate(Layout.of(200)));
            }
            long reservedDuringBurst = system.stats().bytesReserved();
            assertTrue(reservedDuringBurst >= 5000 * 200, "reserved " + reservedDuringBurst);
            for (MemorySegment segment : burst) {
                allocator.deallocate(segment, Layout.of(200));
            }
            assertTrue(allocator.releaseThreadCaches() > 0, "this thread's own caches held free blocks");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (system.stats().bytesReserved() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, system.stats().bytesReserved(), "the trimmer gave every idle slab back");
            assertEquals(0, allocator.slabCount());
            MemorySegment after = allocator.allocate(Layout.of(200));
            allocator.deallocate(after, Layout.of(200));
        }
    }

    @Test
    void shouldRejectForeignWrongLayoutAndDoubleFreeAndKeepWorking() {
        try (Allocator allocator = Allocators.open("sizeclasses > system"); Arena arena = Arena.ofConfined()) {
            MemorySegment segment = allocator.allocate(Layout.of(48));
            MemorySegment foreign = arena.allocate(48);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> allocator.deallocate(foreign, Layout.of(48)));
            assertTrue(e.getMessage().contains(Long.toHexString(foreign.address())), e.getMessage());
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> allocator.deallocate(segment, Layout.of(4000)));
            assertTrue(wrong.getMessage().contains("4000 B"), wrong.getMessage());
            allocator.deallocate(segment, Layout.of(48));
            assertThrows(IllegalStateException.class, () -> allocator.deallocate(segment, Layout.of(48)));
            assertEquals(0, allocator.stats().bytesInUse());
            allocator.deallocate(allocator.allocate(Layout.of(48)), Layout.of(48));
        }
    }

    @Test
    void shouldReportBackingFailureForANewSlabAndKeepWorking() {
        // a slab holds at least 8 blocks: 8 x 4 KiB does not fit an 8 KiB budget, 8 x 64 B does
        try (Allocator allocator = Allocators.open("sizeclasses(slabSize=4KiB) > budget(limit=8KiB)")) {
            AllocationException e = assertThrows(AllocationException.class, () -> allocator.allocate(Layout.of(4096)));
            assertEquals(AllocationException.Reason.BUDGET, e.reason());
            assertTrue(e.getMessage().contains("4096 B class"), e.getMessage());
            assertTrue(e.getMessage().contains("4096 B aligned 1"), e.getMessage());
            assertEquals(null, allocator.tryAllocate(Layout.of(4096)));
            assertEquals(2, allocator.stats().failures());
            allocator.deallocate(allocator.allocate(Layout.of(64)), Layout.of(64));
        }
    }

    @Test
    void shouldRejectBadOptionsInSpec() {
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open("sizeclasses(maxClass=100)"));
        assertTrue(e.getMessage().contains("maxClass=100"), e.getMessage());
        SpecException idle = assertThrows(SpecException.class, () -> Allocators.open("sizeclasses(idleMillis=-1)"));
        assertTrue(idle.getMessage().contains("idleMillis=-1"), idle.getMessage());
        try (Allocator allocator = Allocators.open("sizeclasses(maxClass=1KiB, wipe=free) > system")) {
            assertInstanceOf(SizeClassAllocator.class, allocator);
            assertEquals(1024, ((SizeClassAllocator) allocator).classes().maxClass());
        }
    }

    @Test
    void shouldMatchAModelOfLiveAllocationsUnderRandomMixedSizes() {
        long seed = Long.getLong("sizeclasses.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 0)) {
            List<MemorySegment> live = new ArrayList<>();
            List<Layout> layouts = new ArrayList<>();
            for (int step = 0; step < 50_000; step++) {
                if (live.isEmpty() || random.nextInt(100) < 55) {
                    Layout layout = Layout.of(random.nextLong(0, 5000), 1L << random.nextInt(8));
                    MemorySegment segment = allocator.allocate(layout);
                    assertEquals(layout.size(), segment.byteSize(), "seed " + seed);
                    assertEquals(0, segment.address() % layout.alignment(), "seed " + seed);
                    segment.fill((byte) live.size());
                    live.add(segment);
                    layouts.add(layout);
                } else {
                    int victim = random.nextInt(live.size());
                    MemorySegment segment = live.get(victim);
                    byte expected = (byte) victim;
                    for (long i = 0; i < segment.byteSize(); i++) {
                        if (segment.get(ValueLayout.JAVA_BYTE, i) != expected) {
                            throw new AssertionError("seed " + seed + ": segment " + victim + " was overwritten");
                        }
                    }
                    allocator.deallocate(segment, layouts.get(victim));
                    int last = live.size() - 1;
                    if (victim != last) {           // move the last into the hole, and restamp it with its index
                        live.set(victim, live.get(last));
                        layouts.set(victim, layouts.get(last));
                        live.get(victim).fill((byte) victim);
                    }
                    live.remove(last);
                    layouts.remove(last);
                }
            }
            long expectedInUse = layouts.stream().mapToLong(Layout::size).sum();
            assertEquals(expectedInUse, allocator.stats().bytesInUse(), "seed " + seed);
            for (int i = 0; i < live.size(); i++) {
                allocator.deallocate(live.get(i), layouts.get(i));
            }
        }
    }

    @Test
    void shouldGiveBackTheSlabsOfAThreadThatEndedWithoutAnyCall() throws Exception {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 20)) {
            Thread worker = Thread.ofPlatform().start(() -> {
                List<MemorySegment> burst = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    burst.add(allocator.allocate(Layout.of(200)));
                }
                for (MemorySegment segment : burst) {
                    allocator.deallocate(segment, Layout.of(200));
                }
            });
            worker.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (system.stats().bytesReserved() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, system.stats().bytesReserved(), "the trimmer adopted the dead thread's caches");
        }
    }

    @Test
    void shouldKeepASlabWhileALiveThreadParksItsBlocksAndGiveItBackAfterItsNextCall() throws Exception {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 20)) {
            java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch callAgain = new java.util.concurrent.CountDownLatch(1);
            Thread worker = Thread.ofPlatform().start(() -> {
                MemorySegment one = allocator.allocate(Layout.of(200));
                allocator.deallocate(one, Layout.of(200)); // its cache of the slab now holds free blocks
                parked.countDown();
                try {
                    callAgain.await();
                } catch (InterruptedException e) {
                    return;
                }
                allocator.releaseThreadCaches();
            });
            parked.await();
            Thread.sleep(200); // several trimmer rounds (idleMillis=20): the slab is empty but not collectable
            assertTrue(system.stats().bytesReserved() > 0, "a live thread's parked blocks keep their slab");
            callAgain.countDown();
            worker.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (system.stats().bytesReserved() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, system.stats().bytesReserved());
        }
    }

    @Test
    void shouldStayConsistentWhileTheTrimmerRetiresSlabsUnderLoad() throws Exception {
        try (Allocator system = Allocators.open("system"); SizeClassAllocator allocator = over(system, 1)) {
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int id = t;
                workers.add(CompletableFuture.runAsync(() -> {
                    SplittableRandom random = new SplittableRandom(id);
                    for (int round = 0; round < 2000; round++) {
                        int n = random.nextInt(1, 64);
                        MemorySegment[] held = new MemorySegment[n];
                        Layout layout = Layout.of(random.nextLong(1, 3000));
                        for (int i = 0; i < n; i++) {
                            held[i] = allocator.allocate(layout);
                            held[i].set(ValueLayout.JAVA_BYTE, 0, (byte) (id * 64 + i));
                        }
                        for (int i = 0; i < n; i++) {
                            assertEquals((byte) (id * 64 + i), held[i].get(ValueLayout.JAVA_BYTE, 0));
                            allocator.deallocate(held[i], layout);
                        }
                        if (round % 100 == 0) {
                            allocator.trim();
                        }
                    }
                    allocator.releaseThreadCaches(); // a pooled worker going idle
                }));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertEquals(0, allocator.stats().bytesInUse());
            allocator.trim();
            assertEquals(0, system.stats().bytesInUse(), "every slab went back");
        }
    }
}
