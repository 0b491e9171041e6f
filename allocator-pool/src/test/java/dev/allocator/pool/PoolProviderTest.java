package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolProviderTest {

    @Test
    void shouldOpenAPoolOverSystemFromASpec() {
        try (Allocator allocator = Allocators.open("pool(blockSize=64, capacity=4096) > system")) {
            FixedBlockPool pool = assertInstanceOf(FixedBlockPool.class, allocator);
            assertEquals(64, pool.blockSize());
            assertEquals(64, pool.alignment());
            assertEquals(4096, pool.capacity());
            assertEquals(Wipe.NONE, pool.wipe());
            assertTrue(pool.checksDoubleFree());
            MemorySegment block = pool.allocate(Layout.of(64, 64));
            pool.deallocate(block, Layout.of(64, 64));
            assertEquals("pool(64 B x 4096, 0 in use, high-water 1, 0 exhausted)", pool.toString());
        }
    }

    @Test
    void shouldReadEveryOption() {
        try (FixedBlockPool pool = (FixedBlockPool) Allocators.open(
                "pool(blockSize=2KiB, capacity=16, alignment=4KiB, wipe=always, checkDoubleFree=false)")) {
            assertEquals(2048, pool.blockSize());
            assertEquals(4096, pool.alignment());
            assertEquals(4096, pool.stride());
            assertEquals(Wipe.ALWAYS, pool.wipe());
            assertFalse(pool.checksDoubleFree());
        }
    }

    @Test
    void shouldCloseTheBackingItWasGiven() {
        RecordingAllocator backing = new RecordingAllocator();
        Allocator pool = new PoolProvider().create(Map.of("blockSize", "32", "capacity", "2"), backing);
        pool.close();
        assertEquals(1, backing.deallocations);
        assertTrue(backing.closed);
    }

    @Test
    void shouldLeaveTheBackingOpenWhenCreateFails() {
        RecordingAllocator backing = new RecordingAllocator();
        assertThrows(IllegalArgumentException.class,
                () -> new PoolProvider().create(Map.of("blockSize", "32", "capacity", "0"), backing));
        assertFalse(backing.closed);
        assertEquals(0, backing.allocations);
        backing.close();
    }

    @Test
    void shouldBeFoundByServiceLoader() {
        AllocatorProvider provider = Allocators.provider("pool").orElseThrow();
        assertInstanceOf(PoolProvider.class, provider);
        assertTrue(Allocators.providerProblems().isEmpty(), Allocators.providerProblems().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "pool(blockSize=64) | needs option capacity",
            "pool(capacity=4) | needs option blockSize",
            "pool(blockSize=lots, capacity=4) | blockSize=lots",
            "pool(blockSize=0, capacity=4) | blockSize=0",
            "pool(blockSize=64, capacity=0) | capacity=0",
            "pool(blockSize=64, capacity=-3) | capacity=-3",
            "pool(blockSize=64, capacity=2000000000) | capacity=2000000000",
            "pool(blockSize=64, capacity=4, alignment=24) | alignment=24",
            "pool(blockSize=64, capacity=4, alignment=wide) | alignment=wide",
            "pool(blockSize=64, capacity=4, wipe=sometimes) | wipe=sometimes",
            "pool(blockSize=64, capacity=4, checkDoubleFree=yes) | checkDoubleFree=yes",
            "pool(blockSize=64, capacity=4, colour=red) | no option 'colour'"})
    void shouldRejectBadOptionsNamingTheValue(String spec, String named) {
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open(spec));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e.getMessage().contains("blockSize (required)"), "lists the accepted options: " + e.getMessage());
    }
}
