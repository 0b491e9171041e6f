package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixedBlockPoolTest {

    private final RecordingAllocator backing = new RecordingAllocator();
    private final List<FixedBlockPool> pools = new ArrayList<>();

    private FixedBlockPool pool(long blockSize, long alignment, int capacity) {
        FixedBlockPool pool = FixedBlockPool.builder().blockSize(blockSize).alignment(alignment).capacity(capacity)
                .backing(backing, false).build();
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void closeAll() {
        pools.forEach(FixedBlockPool::close);
        backing.close();
    }

    @ParameterizedTest(name = "blockSize={0}, alignment={1} -> stride {2}")
    @CsvSource({"1, 1, 8", "4, 4, 8", "8, 8, 8", "12, 4, 16", "24, 8, 24", "48, 16, 48", "64, 64, 64", "65, 64, 128",
            "100, 32, 128", "1500, 4, 1504", "4096, 4096, 4096"})
    void shouldPadStrideSoEveryBlockHonoursTheAlignment(long blockSize, long alignment, long stride) {
        FixedBlockPool pool = pool(blockSize, alignment, 5);
        assertEquals(stride, pool.stride());
        Set<Long> addresses = new HashSet<>();
        List<MemorySegment> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MemorySegment block = pool.allocate(Layout.of(blockSize, alignment));
            assertEquals(blockSize, block.byteSize());
            assertEquals(0, block.address() % alignment, "block " + i + " misaligned");
            block.fill((byte) i);
            held.add(block);
            addresses.add(block.address());
        }
        assertEquals(5, addresses.size());
        for (int i = 0; i < 5; i++) {
            MemorySegment block = held.get(i);
            for (long b = 0; b < blockSize; b++) {
                assertEquals((byte) i, block.get(ValueLayout.JAVA_BYTE, b), "blocks overlap");
            }
        }
        held.forEach(block -> pool.deallocate(block, Layout.of(blockSize, alignment)));
        assertEquals(0, pool.poolStats().inUse());
    }

    @ParameterizedTest(name = "request {0} B aligned {1} from 64 B blocks")
    @CsvSource({"0, 1", "1, 1", "17, 8", "63, 64", "64, 64"})
    void shouldHandOutExactlyTheRequestedSize(long size, long alignment) {
        FixedBlockPool pool = pool(64, 64, 2);
        MemorySegment segment = pool.allocate(Layout.of(size, alignment));
        assertEquals(size, segment.byteSize());
        assertEquals(size, pool.stats().bytesInUse());
        pool.deallocate(segment, Layout.of(size, alignment));
        assertEquals(0, pool.stats().bytesInUse());
        assertEquals(2, pool.poolStats().free());
    }

    @Test
    void shouldHandOutEqualSegmentsForOneBlockWithoutKeepingThem() {
        FixedBlockPool pool = pool(64, 8, 1);
        MemorySegment first = pool.allocate(Layout.of(64));
        pool.deallocate(first, Layout.of(64));
        MemorySegment again = pool.allocate(Layout.of(64));
        assertEquals(first, again, "same block, same address and size");
        assertEquals(first.scope(), again.scope());
        assertEquals(again, pool.indexes().segment(pool.indexes().indexOf(again)));
        pool.deallocate(again, Layout.of(64));
    }

    @Test
    void shouldShowEveryBlockReadOnlyThroughMemoryUntilThePoolCloses() {
        FixedBlockPool pool = pool(24, 8, 4);
        BlockIndexes indexes = pool.indexes();
        MemorySegment memory = indexes.memory();
        assertTrue(memory.isReadOnly());
        assertEquals(pool.stride() * pool.capacity(), memory.byteSize());
        for (int i = 0; i < pool.capacity(); i++) {
            MemorySegment block = indexes.segment(i);
            assertEquals(memory.address() + i * pool.stride(), block.address());
            block.set(ValueLayout.JAVA_LONG, 8, 0x1234_5678L + i);
            assertEquals(0x1234_5678L + i, memory.get(ValueLayout.JAVA_LONG, i * pool.stride() + 8));
        }
        assertEquals(memory.scope(), indexes.segment(0).scope());
        assertThrows(IllegalArgumentException.class, () -> memory.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
        pool.close();
        assertThrows(IllegalStateException.class, () -> memory.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void shouldTakeBlockLayoutFromAStructLayout() {
        StructLayout point = MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("x"),
                ValueLayout.JAVA_INT.withName("y"), MemoryLayout.paddingLayout(4));
        FixedBlockPool pool = FixedBlockPool.builder().block(point).capacity(3).backing(backing, false).build();
        pools.add(pool);
        assertEquals(16, pool.blockSize());
        assertEquals(8, pool.alignment());
        MemorySegment segment = pool.allocate(Layout.of(point));
        pool.deallocate(segment, Layout.of(point));
    }

    @ParameterizedTest(name = "blockSize={0} -> natural alignment {1}")
    @CsvSource({"1, 1", "6, 2", "48, 16", "64, 64", "1500, 4", "4096, 64"})
    void shouldDefaultToNaturalAlignmentUpTo64(long blockSize, long alignment) {
        FixedBlockPool pool = FixedBlockPool.builder().blockSize(blockSize).capacity(1).backing(backing, false).build();
        pools.add(pool);
        assertEquals(alignment, pool.alignment());
    }

    @Test
    void shouldReturnNullAndThrowExhaustedWhenEveryBlockIsInUse() {
        FixedBlockPool pool = pool(32, 8, 2);
        MemorySegment a = pool.allocate(Layout.of(32));
        MemorySegment b = pool.allocate(Layout.of(32));
        assertNull(pool.tryAllocate(Layout.of(32)));
        AllocationException e = assertThrows(AllocationException.class, () -> pool.allocate(Layout.of(32)));
        assertEquals(AllocationException.Reason.EXHAUSTED, e.reason());
        assertTrue(e.getMessage().contains("all 2 blocks are in use"), e.getMessage());
        assertTrue(e.getMessage().contains("32 B aligned 1"), e.getMessage());
        assertEquals(2, pool.poolStats().exhaustions());
        pool.deallocate(a, Layout.of(32));
        assertEquals(a.address(), pool.allocate(Layout.of(32)).address(), "the pool works after exhaustion");
        pool.deallocate(b, Layout.of(32));
    }

    @Test
    void shouldRejectRequestsLargerThanABlock() {
        FixedBlockPool pool = pool(32, 8, 2);
        AllocationException e = assertThrows(AllocationException.class, () -> pool.allocate(Layout.of(33)));
        assertEquals(AllocationException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("33 B aligned 1") && e.getMessage().contains("32 bytes"), e.getMessage());
        assertNull(pool.tryAllocate(Layout.of(33)));
        assertEquals(2, pool.stats().failures());
        assertEquals(0, pool.poolStats().exhaustions());
        assertEquals(2, pool.poolStats().free());
    }

    @Test
    void shouldRejectAlignmentsAboveTheBlocks() {
        FixedBlockPool pool = pool(32, 8, 2);
        AllocationException e = assertThrows(AllocationException.class, () -> pool.allocate(Layout.of(32, 16)));
        assertEquals(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, e.reason());
        assertTrue(e.getMessage().contains("aligned to 8 bytes") && e.getMessage().contains("32 B aligned 16"),
                e.getMessage());
    }

    @Test
    void shouldCountAllocationsHighWaterAndExhaustions() {
        FixedBlockPool pool = FixedBlockPool.builder().blockSize(64).alignment(64).capacity(4).cache(0) // exact mark
                .backing(backing, false).build();
        pools.add(pool);
        MemorySegment[] held = new MemorySegment[3];
        for (int i = 0; i < 3; i++) {
            held[i] = pool.allocate(Layout.of(64));
        }
        pool.deallocate(held[0], Layout.of(64));
        pool.deallocate(held[1], Layout.of(64));
        MemorySegment again = pool.allocate(Layout.of(40));
        PoolStats stats = pool.poolStats();
        assertEquals(new PoolStats(64, 64, 4, 2, 3, 4, 2, 0, 0, 64 + 40, 256), stats);
        assertEquals(2, stats.free());
        assertEquals(new AllocatorStats(4, 2, 0, 104, 256), pool.stats());
        assertEquals("pool(64 B x 4, 2 in use, high-water 3, 0 exhausted)", pool.toString());
        pool.deallocate(again, Layout.of(40));
        pool.deallocate(held[2], Layout.of(64));
    }

    @Test
    void shouldKeepHighWaterExactAcrossBulkTakes() {
        FixedBlockPool pool = pool(16, 8, 10);
        int[] batch = new int[6];
        assertEquals(6, pool.indexes().acquire(batch, 0, 6));
        pool.indexes().release(batch, 0, 4);
        assertEquals(2, pool.poolStats().inUse());
        assertEquals(6, pool.poolStats().highWater());
        assertEquals(5, pool.indexes().acquire(batch, 0, 5)); // 4 freed ones and one fresh block
        assertEquals(7, pool.poolStats().highWater());
    }

    @Test
    void shouldCountStatsFromEveryThread() throws InterruptedException {
        FixedBlockPool pool = pool(16, 8, 8);
        MemorySegment mine = pool.allocate(Layout.of(16));
        Thread other = new Thread(() -> {
            MemorySegment theirs = pool.allocate(Layout.of(16));
            pool.deallocate(mine, Layout.of(16));
            pool.indexes().acquire();
            assertFalse(theirs.byteSize() == 0);
        });
        other.start();
        other.join();
        assertEquals(3, pool.stats().allocations());
        assertEquals(1, pool.stats().deallocations());
        assertEquals(2, pool.poolStats().inUse());
    }

    @Test
    void shouldZeroOnAllocateZeroed() {
        FixedBlockPool pool = pool(64, 8, 1);
        MemorySegment block = pool.allocate(Layout.of(64));
        block.fill((byte) 7);
        pool.deallocate(block, Layout.of(64));
        assertTrue(RecordingAllocator.allZero(pool.allocateZeroed(Layout.of(64))));
    }

    @Test
    void shouldWaitForABlockFreedByAnotherThread() throws InterruptedException {
        FixedBlockPool pool = pool(64, 8, 1);
        MemorySegment only = pool.allocate(Layout.of(64));
        only.set(ValueLayout.JAVA_LONG, 8, 42);
        Thread freer = new Thread(() -> pool.deallocate(only, Layout.of(64)));
        freer.start();
        MemorySegment got = pool.allocate(Layout.of(64), Duration.ofMinutes(5));
        freer.join();
        assertEquals(only.address(), got.address());
        assertEquals(42, got.get(ValueLayout.JAVA_LONG, 8), "the freer's write happens-before the taker's read");
        assertEquals(0, pool.poolStats().exhaustions());
    }

    @Test
    void shouldThrowExhaustedWhenTheWaitEnds() {
        FixedBlockPool pool = pool(64, 8, 1);
        pool.allocate(Layout.of(64));
        AllocationException e = assertThrows(AllocationException.class,
                () -> pool.allocate(Layout.of(64), Duration.ofMillis(5)));
        assertEquals(AllocationException.Reason.EXHAUSTED, e.reason());
        assertTrue(e.getMessage().contains("waited PT0.005S"), e.getMessage());
        assertEquals(-1, pool.indexes().acquire(Duration.ZERO));
        assertEquals(2, pool.poolStats().exhaustions());
        assertThrows(AllocationException.class, () -> pool.allocate(Layout.of(65), Duration.ofMillis(5)));
    }

    @Test
    void shouldStopWaitingWhenInterrupted() {
        FixedBlockPool pool = pool(64, 8, 1);
        pool.allocate(Layout.of(64));
        Thread.currentThread().interrupt();
        try {
            AllocationException e = assertThrows(AllocationException.class,
                    () -> pool.allocate(Layout.of(64), Duration.ofDays(1)));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void shouldTakeAndGiveBlocksInBulkAsSegments() {
        FixedBlockPool pool = pool(32, 8, 5);
        MemorySegment[] batch = new MemorySegment[8];
        assertEquals(5, pool.allocate(batch, 1, 7));
        assertNull(batch[0]);
        assertNull(batch[6]);
        assertEquals(5, pool.poolStats().inUse());
        assertEquals(1, pool.poolStats().exhaustions());
        pool.deallocate(batch, 1, 5);
        assertEquals(0, pool.poolStats().inUse());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, Pools.freeList(pool), "the batch goes back in its order");
    }

    @Test
    void shouldAllocateNothingOnTheHeapPerIndexCall() {
        FixedBlockPool pool = pool(64, 64, 16);
        BlockIndexes indexes = pool.indexes();
        int[] batch = new int[8];
        long allocated = allocatedBy(() -> {
            for (int i = 0; i < 20_000; i++) {
                int index = indexes.acquire();
                indexes.release(index);
                int n = indexes.acquire(batch, 0, batch.length);
                indexes.release(batch, 0, n);
            }
        });
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 80000 operations");
    }

    /**
     * The Allocator path keeps nothing per call but the segment it hands out, built on demand: at most one segment
     * object a pair here (the JIT removes it when the caller inlines the pair, as JMH's -prof gc shows: 0 B/op).
     */
    @Test
    void shouldAllocateAtMostTheHandedOutSegmentPerAllocatorCall() {
        FixedBlockPool pool = pool(64, 64, 16);
        Layout layout = Layout.of(64, 64);
        long allocated = allocatedBy(() -> {
            for (int i = 0; i < 20_000; i++) {
                MemorySegment segment = pool.allocate(layout);
                pool.deallocate(segment, layout);
            }
        });
        assertTrue(allocated <= 20_000L * 48 + 1024, "allocated " + allocated + " bytes in 20000 pairs");
    }

    private static long allocatedBy(Runnable work) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        work.run(); // warm up: this thread's counter cell, class loading, JIT
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
