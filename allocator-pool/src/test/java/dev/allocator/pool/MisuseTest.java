package dev.allocator.pool;

import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.BlockStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every misuse throws the right type, names the block, and leaves counts and free-list as they were. */
class MisuseTest {

    private static final Layout BLOCK = Layout.of(64, 16);

    private final RecordingAllocator backing = new RecordingAllocator();
    private FixedBlockPool pool;
    private MemorySegment held;
    private MemorySegment freed;

    @BeforeEach
    void setUp() {
        pool = FixedBlockPool.builder().block(BLOCK).capacity(4).cache(0).backing(backing, true).build(); // exact list checks; cached: CacheTest
        held = pool.allocate(BLOCK);
        freed = pool.allocate(BLOCK);
        pool.deallocate(freed, BLOCK);
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    /** Runs the misuse, checks type and message, and that nothing changed. */
    private <T extends Throwable> void assertRejected(Class<T> type, Executable misuse, String... named) {
        PoolStats before = pool.poolStats();
        int[] list = Pools.freeList(pool);
        long head = Pools.list(pool).head();
        T e = assertThrows(type, misuse);
        for (String text : named) {
            assertTrue(e.getMessage().contains(text), () -> "'" + e.getMessage() + "' lacks '" + text + "'");
        }
        assertEquals(before, pool.poolStats(), "counts changed");
        assertArrayEquals(list, Pools.freeList(pool), "free-list changed");
        assertEquals(head, Pools.list(pool).head(), "head changed");
        // and the pool still works
        MemorySegment again = pool.allocate(BLOCK);
        pool.deallocate(again, BLOCK);
    }

    private String at(int index) {
        return "block " + index + " at " + Checks.hex(Pools.core(pool).slab.address(index));
    }

    @Test
    void shouldRejectDoubleFree() {
        assertRejected(IllegalStateException.class, () -> pool.deallocate(freed, BLOCK), at(1), "double free");
    }

    @Test
    void shouldRejectDoubleFreeOfAnIndex() {
        assertRejected(IllegalStateException.class, () -> pool.indexes().release(1), at(1), "double free");
        assertRejected(IllegalStateException.class, () -> pool.indexes().release(3), at(3), "double free");
    }

    @Test
    void shouldRejectDoubleFreeAndWipe() {
        assertRejected(IllegalStateException.class, () -> pool.deallocateAndWipe(freed, BLOCK), at(1));
    }

    @Test
    void shouldRejectAForeignSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(64, 16);
            assertRejected(IllegalArgumentException.class, () -> pool.deallocate(foreign, BLOCK),
                    "segment at " + Checks.hex(foreign.address()), "not allocated by pool(");
        }
    }

    @Test
    void shouldRejectAnotherPoolsBlock() {
        try (FixedBlockPool other = FixedBlockPool.builder().block(BLOCK).capacity(1).backing(backing, false)
                .build()) {
            MemorySegment theirs = other.allocate(BLOCK);
            assertRejected(IllegalArgumentException.class, () -> pool.deallocate(theirs, BLOCK),
                    Checks.hex(theirs.address()));
        }
    }

    @ParameterizedTest(name = "slice at offset {0}")
    @ValueSource(longs = {1, 8, 63})
    void shouldRejectASliceThatIsNotABlockStart(long offset) {
        MemorySegment slice = held.asSlice(offset, 1);
        assertRejected(IllegalArgumentException.class, () -> pool.deallocate(slice, Layout.of(1)),
                "starts " + offset + " bytes into " + at(0), "not a slice");
    }

    @Test
    void shouldRejectAWrongLayoutSize() {
        assertRejected(IllegalArgumentException.class, () -> pool.deallocate(held, Layout.of(32, 16)),
                at(0), "layout 32 B aligned 16", "segment has 64 bytes");
    }

    @Test
    void shouldRejectAWrongLayoutAlignment() {
        assertRejected(IllegalArgumentException.class, () -> pool.deallocate(held, Layout.of(64, 64)),
                at(0), "layout 64 B aligned 64");
    }

    @Test
    void shouldRejectAShortSegmentWithTheFullLayout() {
        MemorySegment start = held.asSlice(0, 16);
        assertRejected(IllegalArgumentException.class, () -> pool.deallocate(start, BLOCK), at(0),
                "segment has 16 bytes");
    }

    @ParameterizedTest(name = "requested {0}")
    @ValueSource(longs = {-1, 65, Long.MAX_VALUE})
    void shouldRejectAnAcquireForMoreThanABlock(long requested) {
        assertRejected(IllegalArgumentException.class, () -> pool.indexes().acquireFor(requested),
                "requested=" + requested, "between 0 and the block size 64");
    }

    @Test
    void shouldCountAnAcquireForTheRequestedBytes() {
        int index = pool.indexes().acquireFor(40);
        assertEquals(64 + 40, pool.poolStats().bytesInUse(), "the held block's 64 and the 40 asked for");
        pool.indexes().release(index);
        assertEquals(64, pool.poolStats().bytesInUse());
    }

    @Test
    void shouldFindABlockByItsStartAddressOnly() {
        long start = held.address();
        int index = pool.indexes().indexOf(held);
        assertEquals(index, pool.indexes().blockAt(start));
        assertEquals(-1, pool.indexes().blockAt(start + 8), "inside a block");
        assertEquals(-1, pool.indexes().blockAt(start - 64L * (index + 1)), "before the slab");
        assertEquals(-1, pool.indexes().blockAt(Pools.core(pool).slab.address(0) + 4 * pool.stride()), "past it");
    }

    @ParameterizedTest(name = "index {0}")
    @ValueSource(ints = {-1, 4, Integer.MAX_VALUE})
    void shouldRejectAnIndexOutOfRange(int index) {
        assertRejected(IllegalArgumentException.class, () -> pool.indexes().release(index), "index=" + index,
                "between 0 and 3");
        assertRejected(IllegalArgumentException.class, () -> pool.indexes().segment(index), "index=" + index);
    }

    @Test
    void shouldRejectABulkReleaseWithOneFreeBlockAndReleaseNone() {
        int[] batch = new int[2];
        assertEquals(2, pool.indexes().acquire(batch, 0, 2));
        assertArrayEquals(new int[]{1, 2}, batch);
        int[] bad = {1, 2, 3}; // 3 is free
        assertRejected(IllegalStateException.class, () -> pool.indexes().release(bad, 0, 3), at(3), "double free");
        pool.indexes().release(batch, 0, 2); // 1 and 2 are still allocated: the failed call undid its marks
    }

    @Test
    void shouldRejectABulkReleaseListingABlockTwice() {
        int[] batch = new int[2];
        assertEquals(2, pool.indexes().acquire(batch, 0, 2));
        int[] twice = {batch[0], batch[1], batch[0]};
        assertRejected(IllegalStateException.class, () -> pool.indexes().release(twice, 0, 3),
                at(batch[0]), "double free");
        pool.indexes().release(batch, 0, 2);
    }

    @Test
    void shouldRejectABulkReleaseWithAnIndexOutOfRange() {
        int[] batch = new int[1];
        assertEquals(1, pool.indexes().acquire(batch, 0, 1));
        int[] bad = {batch[0], 99};
        assertRejected(IllegalArgumentException.class, () -> pool.indexes().release(bad, 0, 2), "index=99");
        pool.indexes().release(batch, 0, 1);
    }

    @Test
    void shouldRejectABulkSegmentReleaseWithASliceAndReleaseNone() {
        MemorySegment[] batch = new MemorySegment[2];
        assertEquals(2, pool.allocate(batch, 0, 2));
        MemorySegment[] bad = {batch[0], batch[1].asSlice(8)};
        assertRejected(IllegalArgumentException.class, () -> pool.deallocate(bad, 0, 2), "starts 8 bytes into");
        MemorySegment[] shortOne = {batch[0], batch[1].asSlice(0, 8)};
        assertRejected(IllegalArgumentException.class, () -> pool.deallocate(shortOne, 0, 2), "segment has 8 bytes");
        pool.deallocate(batch, 0, 2);
    }

    @ParameterizedTest(name = "offset {0}, count {1}")
    @org.junit.jupiter.params.provider.CsvSource({"-1, 1", "0, -1", "2, 2", "0, 4"})
    void shouldRejectABulkRangeOutsideTheArray(int offset, int count) {
        int[] three = new int[3];
        assertRejected(IllegalArgumentException.class, () -> pool.indexes().acquire(three, offset, count),
                "offset=" + offset, "count=" + count, "length 3");
        assertRejected(IllegalArgumentException.class, () -> pool.indexes().release(three, offset, count),
                "offset=" + offset, "count=" + count);
    }

    @Test
    void shouldRejectEverythingButOwnsAndStatsAfterClose() {
        pool.close();
        String closed = "is closed";
        assertTrue(assertThrows(IllegalStateException.class, () -> pool.allocate(BLOCK)).getMessage()
                .contains(closed));
        assertThrows(IllegalStateException.class, () -> pool.tryAllocate(BLOCK));
        assertThrows(IllegalStateException.class, () -> pool.deallocate(held, BLOCK));
        assertThrows(IllegalStateException.class, () -> pool.indexes().acquire());
        assertThrows(IllegalStateException.class, () -> pool.indexes().release(0));
        assertThrows(IllegalStateException.class, () -> pool.indexes().acquire(new int[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> held.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0),
                "a segment the pool handed out is dead after close");
        assertTrue(pool.owns(held));
        assertEquals(1, pool.poolStats().inUse());
        assertTrue(pool.toString().endsWith(", closed)"), pool.toString());
        pool.close(); // twice does nothing
        assertTrue(backing.closed, "a pool that owns its backing closes it");
    }

    @Test
    void shouldRejectBuildingWithoutSizeOrCapacity() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FixedBlockPool.builder().blockSize(8).build());
        assertTrue(e.getMessage().contains("capacity=unset"), e.getMessage());
    }

    @Test
    void shouldRejectBadBuilderValues() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FixedBlockPool.builder().blockSize(0))
                .getMessage().contains("blockSize=0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FixedBlockPool.builder().blockSize(1L << 40))
                .getMessage().contains("blockSize=" + (1L << 40)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FixedBlockPool.builder().alignment(24))
                .getMessage().contains("alignment=24"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FixedBlockPool.builder().capacity(0))
                .getMessage().contains("capacity=0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FixedBlockPool.builder().blockSize(BlockStates.MAX_REQUESTED).capacity(1 << 24).build())
                .getMessage().contains("overflows"));
    }

    @Test
    void shouldLeaveTheBackingOpenWhenTheSlabCannotBeHad() {
        RecordingAllocator refusing = new RecordingAllocator();
        refusing.refuse = true;
        assertThrows(dev.allocator.api.AllocationException.class,
                () -> FixedBlockPool.builder().blockSize(8).capacity(8).backing(refusing, true).build());
        assertTrue(!refusing.closed);
        refusing.close();
    }
}
