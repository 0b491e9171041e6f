package dev.allocator.arena;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The arena through specs: the object returned, every option, bad values, and composition with system and pool. */
class ArenaProviderTest {

    @Test
    void shouldBeFoundByName() {
        assertTrue(Allocators.provider("arena").isPresent(), () -> "problems: " + Allocators.providerProblems());
    }

    @Test
    void shouldReturnTheArenaItselfConfinedByDefault() {
        try (Allocator allocator = Allocators.open("arena > system")) {
            ConfinedBumpArena arena = assertInstanceOf(ConfinedBumpArena.class, allocator);
            Arena jdk = assertInstanceOf(Arena.class, allocator);
            MemorySegment text = jdk.allocateFrom("spec");
            assertEquals("spec", text.getString(0));
            assertEquals("arena(confined, chunkSize=1048576, wipe=none)", arena.toString());
        }
    }

    @Test
    void shouldTakeEveryOption() {
        try (Allocator allocator = Allocators.open("arena(chunkSize=64KiB, shared=true, wipe=always, keepChunks=1)"
                + " > system")) {
            SharedBumpArena arena = assertInstanceOf(SharedBumpArena.class, allocator);
            assertEquals("arena(shared, chunkSize=65536, wipe=always)", arena.toString());
            for (int i = 0; i < 3; i++) {
                arena.allocate(Layout.of(60_000, 8));
            }
            assertEquals(3, arena.arenaStats().chunksHeld());
            arena.reset();
            assertEquals(1, arena.arenaStats().chunksHeld(), "keepChunks=1");
        }
    }

    @Test
    void shouldEndEverySegmentOnClose() {
        MemorySegment segment;
        try (Allocator allocator = Allocators.open("arena(chunkSize=4KiB) > system")) {
            segment = allocator.allocate(Layout.of(8, 8));
            segment.set(ValueLayout.JAVA_LONG, 0, 1L);
            assertEquals(4096, allocator.stats().bytesReserved());
        }
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "arena(chunkSize=0) > system          | chunkSize=0",
            "arena(chunkSize=2TiB) > system       | chunkSize=2TiB",
            "arena(chunkSize=lots) > system       | chunkSize=lots",
            "arena(shared=maybe) > system         | shared=maybe",
            "arena(wipe=sometimes) > system       | wipe=sometimes",
            "arena(keepChunks=-1) > system        | keepChunks=-1",
            "arena(keepChunks=many) > system      | keepChunks=many",
            "arena(chunks=4) > system             | 'chunks'"})
    void shouldRejectABadOptionNamingIt(String spec, String named) {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Allocators.open(spec));
        assertTrue(bad.getMessage().contains(named), bad.getMessage());
        try (Allocator stillWorks = Allocators.open("arena > system")) {
            stillWorks.allocate(Layout.of(8));
        }
    }

    @Test
    void shouldTakeItsChunksFromAPoolOfChunkSizedBlocks() {
        try (Allocator allocator = Allocators.open("arena(chunkSize=4KiB) > pool(blockSize=4KiB, capacity=3)")) {
            BumpArena arena = (BumpArena) allocator;
            for (int i = 0; i < 3; i++) {
                arena.allocate(Layout.of(4000, 8)).fill((byte) i);
            }
            AllocationException exhausted = assertThrows(AllocationException.class,
                    () -> arena.allocate(Layout.of(4000, 8)));
            assertEquals(AllocationException.Reason.EXHAUSTED, exhausted.reason());
            assertTrue(exhausted.getMessage().contains("4000 B aligned 8"), exhausted.getMessage());
            arena.reset();
            arena.allocate(Layout.of(4000, 8));
            AllocationException tooLarge = assertThrows(AllocationException.class,
                    () -> arena.allocate(Layout.of(10_000, 8)));
            assertEquals(AllocationException.Reason.TOO_LARGE, tooLarge.reason());
        }
    }

    @Test
    void shouldServeAPoolItsSlab() {
        try (Allocator pool = Allocators.open("pool(blockSize=64, capacity=128) > arena(chunkSize=4KiB)")) {
            MemorySegment block = pool.allocate(Layout.of(64, 8));
            block.set(ValueLayout.JAVA_LONG, 56, 7L);
            pool.deallocate(block, Layout.of(64, 8));
        }
    }

    @Test
    void shouldServeAPoolThatOtherThreadsUseWhenShared() throws Exception {
        String spec = "pool(blockSize=64, capacity=128) > arena(chunkSize=4KiB, shared=true)";
        try (Allocator pool = Allocators.open(spec)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    MemorySegment block = pool.allocate(Layout.of(64, 8));
                    block.set(ValueLayout.JAVA_LONG, 0, 42L);
                    pool.deallocate(block, Layout.of(64, 8));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.start();
            other.join();
            assertNull(failure.get());
        }
    }
}
