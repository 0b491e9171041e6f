package dev.allocator.pool;

import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WipeTest {

    private static final Layout BLOCK = Layout.of(48, 16);

    private static FixedBlockPool pool(RecordingAllocator backing, Wipe wipe) {
        return FixedBlockPool.builder().block(BLOCK).capacity(4).wipe(wipe).backing(backing, false).build();
    }

    @ParameterizedTest(name = "wipe={0}")
    @EnumSource(Wipe.class)
    void shouldZeroTheWholeSlabOnCloseWhenThePolicySaysSo(Wipe wipe) {
        RecordingAllocator backing = new RecordingAllocator();
        FixedBlockPool pool = pool(backing, wipe);
        MemorySegment neverFreed = pool.allocate(BLOCK);
        neverFreed.fill((byte) 0x5A);
        MemorySegment freed = pool.allocate(BLOCK);
        freed.fill((byte) 0x5A);
        pool.deallocate(freed, BLOCK);
        pool.close();
        assertEquals(List.of(wipe.onClose()), backing.returnedAllZero, "slab returned all zero?");
        assertEquals(1, backing.deallocations);
        assertFalse(backing.closed, "a pool built with backing(.., false) leaves it open");
        backing.close();
    }

    @ParameterizedTest(name = "wipe={0}")
    @EnumSource(Wipe.class)
    void shouldZeroABlockWhenFreedWhenThePolicySaysSo(Wipe wipe) {
        RecordingAllocator backing = new RecordingAllocator();
        try (FixedBlockPool pool = pool(backing, wipe)) {
            MemorySegment block = pool.allocate(BLOCK);
            block.fill((byte) 0x5A);
            pool.deallocate(block, BLOCK);
            // the bytes after the free-list's 4-byte link, while the block is free
            assertEquals(wipe.onFree(), RecordingAllocator.allZero(block.asSlice(4)));
            MemorySegment again = pool.allocate(BLOCK);
            assertEquals(block.address(), again.address());
            assertEquals(wipe.onFree(), RecordingAllocator.allZero(again), "taken again: all zero, link included");
        }
        backing.close();
    }

    @ParameterizedTest(name = "wipe={0}")
    @EnumSource(value = Wipe.class, names = {"FREE", "ALWAYS"})
    void shouldHandOutOnlyZeroBlocksWhenWipingOnFree(Wipe wipe) {
        RecordingAllocator backing = new RecordingAllocator(); // fills its memory with 0xA5
        try (FixedBlockPool pool = pool(backing, wipe)) {
            for (int i = 0; i < 4; i++) {
                assertTrue(RecordingAllocator.allZero(pool.allocate(BLOCK)), "block " + i);
            }
        }
        backing.close();
    }

    @Test
    void shouldZeroOnDeallocateAndWipeWhateverThePolicy() {
        RecordingAllocator backing = new RecordingAllocator();
        try (FixedBlockPool pool = pool(backing, Wipe.NONE)) {
            MemorySegment block = pool.allocate(BLOCK);
            block.fill((byte) 0x5A);
            pool.deallocateAndWipe(block, BLOCK);
            assertTrue(RecordingAllocator.allZero(block.asSlice(4)));
            assertEquals(0, pool.poolStats().inUse());
        }
        backing.close();
    }

    @Test
    void shouldZeroBlocksReleasedInBulkWhenWipingOnFree() {
        RecordingAllocator backing = new RecordingAllocator();
        try (FixedBlockPool pool = pool(backing, Wipe.FREE)) {
            int[] batch = new int[3];
            assertEquals(3, pool.indexes().acquire(batch, 0, 3));
            for (int index : batch) {
                pool.indexes().segment(index).fill((byte) 0x5A);
            }
            pool.indexes().release(batch, 0, 3);
            for (int index : batch) {
                assertTrue(RecordingAllocator.allZero(pool.indexes().segment(index).asSlice(4)), "block " + index);
            }
        }
        backing.close();
    }

    @Test
    void shouldInvalidateEverySegmentAndCloseAnOwnedBacking() {
        RecordingAllocator backing = new RecordingAllocator();
        FixedBlockPool pool = FixedBlockPool.builder().block(BLOCK).capacity(2).wipe(Wipe.ALWAYS)
                .backing(backing, true).build();
        MemorySegment live = pool.allocate(BLOCK);
        MemorySegment slice = live.asSlice(8, 8);
        MemorySegment byIndex = pool.indexes().segment(1);
        pool.close();
        assertThrows(IllegalStateException.class, () -> live.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> slice.set(ValueLayout.JAVA_LONG, 0, 1));
        assertThrows(IllegalStateException.class, () -> byIndex.get(ValueLayout.JAVA_INT, 0));
        assertEquals(List.of(true), backing.returnedAllZero);
        assertTrue(backing.closed);
    }
}
