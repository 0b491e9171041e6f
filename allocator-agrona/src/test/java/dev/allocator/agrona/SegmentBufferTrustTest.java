package dev.allocator.agrona;

import dev.allocator.api.Allocators;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifetime rule of docs/agrona.md where no memory is touched after it went back (a read of a closed pool's block
 * runs in a child JVM: allocator-tests' {@code AgronaViewAfterCloseTest}), and bad input: every refused call throws
 * with a "what must hold: name=value" message and leaves the view as it was.
 */
class SegmentBufferTrustTest {

    private static FixedBlockPool pool() {
        return FixedBlockPool.builder().blockSize(64).capacity(1).cache(0).backing(Allocators.system(), false)
                .build();
    }

    @Test
    void shouldSeeTheNextOwnersDataThroughAViewOfAFreedBlock() {
        try (FixedBlockPool pool = pool()) {
            BlockIndexes blocks = pool.indexes();
            int id = blocks.acquire();
            SegmentBuffer view = new SegmentBuffer(blocks.segment(id));
            blocks.release(id);
            int next = blocks.acquire();
            assertEquals(id, next, "the one block again");
            blocks.segment(next).set(JAVA_LONG, 8, 42L);
            assertEquals(42L, view.getLong(8), "a freed pooled block stays mapped: the view sees its next owner");
            blocks.release(next);
        }
    }

    @Test
    void shouldRefuseToWrapASegmentOfAClosedAllocator() {
        MemorySegment segment;
        try (Arena arena = Arena.ofConfined()) {
            segment = arena.allocate(64);
        }
        SegmentBuffer view = new SegmentBuffer(MemorySegment.ofArray(new byte[8]));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> view.wrap(segment));
        assertTrue(refused.getMessage().startsWith("the segment's scope must be alive (its allocator was closed): "
                + "segment="), refused.getMessage());
        assertEquals(8, view.capacity(), "a refused wrap leaves the view as it was");
    }

    @Test
    void shouldRefuseTheRawAddressOfAClosedPoolsBlock() {
        FixedBlockPool pool = pool();
        SegmentBuffer view = new SegmentBuffer(pool.indexes().segment(0));
        assertEquals(pool.indexes().segment(0).address(), view.addressOffset());
        pool.close();
        IllegalStateException refused = assertThrows(IllegalStateException.class, view::addressOffset);
        assertTrue(refused.getMessage().contains("scope must be alive"), refused.getMessage());
        assertTrue(view.toString().contains("capacity=64"), "toString reads no memory: " + view);
    }

    @Test
    void shouldRejectBadWrapsWithChecksMessages() {
        byte[] array = new byte[64];
        SegmentBuffer view = new SegmentBuffer(MemorySegment.ofArray(array));
        assertEquals("segment", assertThrows(NullPointerException.class, () -> view.wrap((MemorySegment) null))
                .getMessage());
        assertEquals("segment.byteSize() must be between 0 and 2147483647: segment.byteSize()=2147483648",
                assertThrows(IllegalArgumentException.class,
                        () -> view.wrap(MemorySegment.NULL.reinterpret(1L << 31))).getMessage());
        assertEquals("a heap segment must be backed by a byte[]: heapBase=long[]",
                assertThrows(IllegalArgumentException.class, () -> view.wrap(MemorySegment.ofArray(new long[2])))
                        .getMessage());
        assertEquals("offset must be between 0 and 64: offset=-1", assertThrows(IllegalArgumentException.class,
                () -> view.wrap(array, -1, 4)).getMessage());
        assertEquals("length must be between 0 and 4: length=8", assertThrows(IllegalArgumentException.class,
                () -> view.wrap(MemorySegment.ofArray(array), 60, 8)).getMessage());
        assertEquals("length must be between 0 and 60: length=61", assertThrows(IllegalArgumentException.class,
                () -> view.wrap(new SegmentBuffer(MemorySegment.ofArray(array)), 4, 61)).getMessage());
        assertEquals("length must be >= 0: length=-1", assertThrows(IllegalArgumentException.class,
                () -> view.wrap(0L, -1)).getMessage());
        assertEquals(64, view.capacity(), "refused wraps leave the view as it was");
        assertSame(array, view.byteArray());
    }

    @Test
    void shouldRejectBadAccessesWithMessagesNamingTheValues() {
        SegmentBuffer view = new SegmentBuffer(MemorySegment.ofArray(new byte[16]));
        assertEquals("index and length must lie within the capacity: index=10, length=8, capacity=16",
                assertThrows(IndexOutOfBoundsException.class, () -> view.boundsCheck(10, 8)).getMessage());
        assertEquals("limit must be at most the capacity: limit=17, capacity=16",
                assertThrows(IndexOutOfBoundsException.class, () -> view.checkLimit(17)).getMessage());
        assertEquals("the encoded string must fit maxEncodedLength: maxEncodedLength=1, encoded length=2",
                assertThrows(IllegalArgumentException.class, () -> view.putStringUtf8(0, "\u00e9", 1)).getMessage());
        assertEquals("value must be natural and fit in 2 digits: value=123",
                assertThrows(NumberFormatException.class, () -> view.putNaturalPaddedIntAscii(0, 2, 123))
                        .getMessage());
        assertEquals(0L, view.getLong(0), "a refused padded number writes nothing (Agrona's writes digits first)");
    }

    @Test
    void shouldRefuseWritesToAReadOnlySegment() {
        SegmentBuffer view = new SegmentBuffer(MemorySegment.ofArray(new byte[16]).asReadOnly());
        assertEquals("Attempt to write a read-only segment", assertThrows(IllegalArgumentException.class,
                () -> view.putInt(0, 1, ByteOrder.BIG_ENDIAN)).getMessage());
        assertEquals(0, view.getInt(0));
    }
}
