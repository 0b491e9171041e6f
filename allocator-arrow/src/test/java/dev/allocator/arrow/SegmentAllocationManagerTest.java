package dev.allocator.arrow;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Allocators;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SegmentAllocationManagerTest {

    private static BufferAllocator root(AllocationManager.Factory factory, long limit) {
        return new RootAllocator(RootAllocator.configBuilder().allocationManagerFactory(factory).maxAllocation(limit)
                .build());
    }

    private static BufferAllocator root(Allocator allocator) {
        return root(SegmentAllocationManager.factory(allocator), Long.MAX_VALUE);
    }

    @Test
    void shouldTakeBuffersFromTheAllocatorAndGiveThemBackOnTheLastRelease() {
        try (Allocator pool = Allocators.open("pool(blockSize=4KiB, capacity=16) > system");
             BufferAllocator arrow = root(pool)) {
            ArrowBuf buf = arrow.buffer(1000);               // Arrow rounds to 1024
            buf.setLong(0, 42);
            assertEquals(new AllocatorStats(1, 0, 0, 1024, 16 * 4096), pool.stats());
            buf.getReferenceManager().retain();
            buf.close();
            assertEquals(1024, pool.stats().bytesInUse());
            assertEquals(42, buf.getLong(0));
            buf.close();
            assertEquals(new AllocatorStats(1, 1, 0, 0, 16 * 4096), pool.stats());
            assertEquals(0, arrow.getAllocatedMemory());
        }
    }

    @Test
    void shouldRefuseAtAnArrowChildLimitBeforeAskingTheAllocator() {
        try (Allocator memory = Allocators.open("sizeclasses > system");
             BufferAllocator arrow = root(memory);
             BufferAllocator child = arrow.newChildAllocator("child", 0, 4096)) {
            ArrowBuf held = child.buffer(4096);
            AllocatorStats before = memory.stats();
            assertThrows(OutOfMemoryException.class, () -> child.buffer(64));
            assertEquals(before, memory.stats());
            assertEquals(4096, child.getAllocatedMemory());
            held.close();
            child.buffer(64).close();
            assertEquals(0, memory.stats().bytesInUse());
        }
    }

    @Test
    void shouldSurfaceABudgetRefusalAsArrowsOutOfMemoryWithCountsUnchanged() {
        try (Allocator budget = Allocators.open("budget(limit=64KiB) > sizeclasses > system");
             BufferAllocator arrow = root(budget)) {
            ArrowBuf held = arrow.buffer(32 << 10);
            AllocatorStats before = budget.stats();
            long arrowBefore = arrow.getAllocatedMemory();

            OutOfMemoryException refused = assertThrows(OutOfMemoryException.class, () -> arrow.buffer(64 << 10));

            AllocationException cause = assertInstanceOf(AllocationException.class, refused.getCause());
            assertEquals(AllocationException.Reason.BUDGET, cause.reason());
            AllocatorStats after = budget.stats();
            assertEquals(before.allocations(), after.allocations());
            assertEquals(before.deallocations(), after.deallocations());
            assertEquals(before.bytesInUse(), after.bytesInUse());
            assertEquals(before.failures() + 1, after.failures());
            assertEquals(arrowBefore, arrow.getAllocatedMemory());
            arrow.buffer(32 << 10).close();                  // what fits still works
            held.close();
            assertEquals(0, budget.stats().bytesInUse());
        }
    }

    @Test
    void shouldSurfaceAnExhaustedPoolAsArrowsOutOfMemory() {
        try (Allocator pool = Allocators.open("pool(blockSize=1KiB, capacity=2) > system");
             BufferAllocator arrow = root(pool)) {
            ArrowBuf a = arrow.buffer(1024);
            ArrowBuf b = arrow.buffer(1024);
            OutOfMemoryException refused = assertThrows(OutOfMemoryException.class, () -> arrow.buffer(1024));
            assertEquals(AllocationException.Reason.EXHAUSTED,
                    assertInstanceOf(AllocationException.class, refused.getCause()).reason());
            assertEquals(2048, arrow.getAllocatedMemory());
            a.close();
            b.close();
            assertEquals(new AllocatorStats(2, 2, 1, 0, 2048), pool.stats());
        }
    }

    @Test
    void shouldHandEmptyBuffersWithoutAllocating() {
        try (Allocator memory = Allocators.open("system");
             BufferAllocator arrow = root(memory)) {
            ArrowBuf empty = arrow.buffer(0);
            assertEquals(0, empty.capacity());
            assertNotEquals(0, empty.memoryAddress());
            assertEquals(0, empty.memoryAddress() % 8);
            empty.close();
            assertEquals(0, memory.stats().allocations());
        }
    }

    @Test
    void shouldAlignEveryBufferToEightBytes() {
        try (Allocator memory = Allocators.open("sizeclasses > system");
             BufferAllocator arrow = root(SegmentAllocationManager.factory(memory), Long.MAX_VALUE)) {
            for (int size : new int[] {1, 3, 8, 24, 100, 4000, 70_000}) {
                try (ArrowBuf buf = arrow.buffer(size)) {
                    assertEquals(0, buf.memoryAddress() % SegmentAllocationManager.DEFAULT_ALIGNMENT, "size " + size);
                }
            }
        }
    }

    @Test
    void shouldAlignToWhatTheFactoryWasGiven() {
        try (Allocator memory = Allocators.open("sizeclasses > system");
             BufferAllocator arrow = root(SegmentAllocationManager.factory(memory, 64), Long.MAX_VALUE)) {
            for (int size : new int[] {1, 24, 100, 4000}) {
                try (ArrowBuf buf = arrow.buffer(size)) {
                    assertEquals(0, buf.memoryAddress() % 64, "size " + size);
                }
            }
        }
    }

    @Test
    void shouldRejectABadAlignment() {
        try (Allocator memory = Allocators.open("system")) {
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> SegmentAllocationManager.factory(memory, 4));
            assertEquals("alignment must be between 8 and " + Long.MAX_VALUE + ": alignment=4", small.getMessage());
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> SegmentAllocationManager.factory(memory, 24));
            assertEquals("alignment must be a power of 2: alignment=24", odd.getMessage());
            assertThrows(NullPointerException.class, () -> SegmentAllocationManager.factory(null));
            assertEquals(0, memory.stats().allocations());
        }
    }

    @Test
    void shouldAllocateNothingWithoutAnAccountingAllocator() {
        try (Allocator memory = Allocators.open("system")) {
            AllocationManager.Factory factory = SegmentAllocationManager.factory(memory);
            assertThrows(NullPointerException.class, () -> factory.create(null, 64));
            assertEquals(new AllocatorStats(0, 0, 0, 0, 0), memory.stats());
        }
    }

    @Test
    void shouldReleaseOnAnotherThreadAndAfterATransfer() throws InterruptedException {
        try (Allocator memory = Allocators.open("sizeclasses > system");
             BufferAllocator arrow = root(memory);
             BufferAllocator first = arrow.newChildAllocator("first", 0, 1 << 20);
             BufferAllocator second = arrow.newChildAllocator("second", 0, 1 << 20)) {
            ArrowBuf buf = first.buffer(512);
            ArrowBuf moved = buf.getReferenceManager().transferOwnership(buf, second).getTransferredBuffer();
            buf.close();
            assertEquals(512, memory.stats().bytesInUse());
            Thread other = Thread.ofPlatform().start(moved::close);
            other.join();
            assertEquals(0, memory.stats().bytesInUse());
            assertEquals(1, memory.stats().deallocations());
        }
    }

    @Test
    void shouldBuildAVectorOverAPool() {
        try (Allocator pool = Allocators.open("pool(blockSize=8KiB, capacity=8) > system");
             BufferAllocator arrow = root(pool);
             IntVector ids = new IntVector("ids", arrow)) {
            ids.allocateNew(1000);
            for (int i = 0; i < 1000; i++) {
                ids.set(i, i * 3);
            }
            ids.setValueCount(1000);
            assertEquals(2997, ids.get(999));
            assertEquals(1, pool.stats().liveAllocations());   // validity and values share one Arrow allocation
            ids.close();
            assertEquals(0, pool.stats().bytesInUse());
        }
    }
}
