package dev.allocator.arena;

import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour both flavours share: bumping, chunks, deallocate, scopes, reset, marks, close, stats. */
@SuppressWarnings("restricted")
class BumpArenaTest {

    private final TestBacking backing = new TestBacking();
    private final List<BumpArena> opened = new ArrayList<>();

    private BumpArena open(Flavour flavour, long chunkSize) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(chunkSize));
        opened.add(arena);
        return arena;
    }

    @AfterEach
    void closeArenas() {
        opened.forEach(BumpArena::close);
    }

    static Stream<Arguments> sizesAndAlignments() {
        List<Arguments> cases = new ArrayList<>();
        for (Flavour flavour : Flavour.values()) {
            for (long size : new long[] {0, 1, 7, 16, 63, 100, 4096}) {
                for (long alignment : new long[] {1, 2, 8, 16, 64, 256, 4096}) {
                    cases.add(Arguments.of(flavour, size, alignment));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("sizesAndAlignments")
    void shouldHonourSizeAndAlignment(Flavour flavour, long size, long alignment) {
        BumpArena arena = open(flavour, 8192);
        arena.allocate(Layout.of(3, 1));
        for (int i = 0; i < 5; i++) {
            MemorySegment segment = arena.allocate(Layout.of(size, alignment));
            assertEquals(size, segment.byteSize());
            assertEquals(0, segment.address() % alignment, () -> "address " + segment.address());
            assertEquals(arena.scope(), segment.scope());
        }
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldBumpWithinOneChunkThenTakeAnother(Flavour flavour) {
        BumpArena arena = open(flavour, 1024);
        MemorySegment a = arena.allocate(Layout.of(100, 8));
        MemorySegment b = arena.allocate(Layout.of(100, 8));
        assertEquals(a.address() + 104, b.address());
        assertEquals(1, backing.allocations());
        for (int i = 0; i < 10; i++) {
            arena.allocate(Layout.of(100, 8));
        }
        assertEquals(2, backing.allocations());
        ArenaStats stats = arena.arenaStats();
        assertEquals(2, stats.chunksHeld());
        assertEquals(2048, stats.bytesReserved());
        assertEquals(1200, stats.bytesInUse());
        assertEquals(12, stats.allocations());
        assertTrue(stats.wastedBytes() >= 1024 - 10 * 104, stats::toString);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldGiveAnOversizedRequestADedicatedChunkAndReturnItOnReset(Flavour flavour) {
        BumpArena arena = open(flavour, 1024);
        MemorySegment small = arena.allocate(Layout.of(16, 8));
        MemorySegment big = arena.allocate(Layout.of(5000, 64));
        MemorySegment after = arena.allocate(Layout.of(16, 8));
        assertEquals(5000, big.byteSize());
        assertEquals(0, big.address() % 64);
        assertEquals(small.address() + 16, after.address(), "the standard chunk stays current");
        assertEquals(2, backing.liveBlocks());
        arena.reset();
        assertEquals(1, backing.liveBlocks(), "the dedicated chunk went back, the standard one was kept");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRollBackTheLatestAllocationOnly(Flavour flavour) {
        BumpArena arena = open(flavour, 4096);
        MemorySegment a = arena.allocate(Layout.of(64, 8));
        MemorySegment b = arena.allocate(Layout.of(64, 8));
        arena.deallocate(a, Layout.of(64, 8));
        MemorySegment c = arena.allocate(Layout.of(64, 8));
        assertEquals(b.address() + 64, c.address(), "deallocating a non-latest segment reuses nothing");
        arena.deallocate(c, Layout.of(64, 8));
        MemorySegment d = arena.allocate(Layout.of(64, 8));
        assertEquals(c.address(), d.address(), "deallocating the latest segment rolls the pointer back");
        assertEquals(128, arena.arenaStats().bytesInUse());
        assertEquals(2, arena.arenaStats().liveAllocations());
    }

    static Stream<Arguments> flavoursAndDirections() {
        return Stream.of(Flavour.values()).flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
    }

    /**
     * A zero-byte allocation at a chunk's edge has the address of the neighbouring chunk's edge when the backing
     * places chunks back to back (mmap does): freeing it once the arena has moved to that neighbour must not be
     * judged against the neighbour's latest allocation.
     */
    @ParameterizedTest
    @MethodSource("flavoursAndDirections")
    void shouldAcceptFreeOfAZeroByteAllocationAtTheEdgeOfAnAdjacentChunk(Flavour flavour, boolean descending) {
        backing.carveAdjacent(64 << 10, descending);
        BumpArena arena = open(flavour, 1024);
        MemorySegment atStart = arena.allocate(Layout.of(0, 1));
        MemorySegment fill = arena.allocate(Layout.of(1024, 1));
        MemorySegment atEnd = arena.allocate(Layout.of(0, 1));
        MemorySegment next = arena.allocate(Layout.of(16, 1));
        assertEquals(descending ? atStart.address() : atEnd.address(),
                descending ? next.address() + 1024 : next.address(), "the backing placed the chunks back to back");

        arena.deallocate(atStart, Layout.of(0, 1));
        arena.deallocate(atEnd, Layout.of(0, 1));
        assertEquals(2, arena.arenaStats().liveAllocations());
        arena.deallocate(next, Layout.of(16, 1));
        assertEquals(next.address(), arena.allocate(Layout.of(16, 1)).address(),
                "the latest allocation of the new chunk is still rolled back");
        arena.deallocate(fill, Layout.of(1024, 1));
        assertEquals(16, arena.arenaStats().bytesInUse());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldKillOldSegmentsOnResetAndReuseTheMemory(Flavour flavour) {
        BumpArena arena = open(flavour, 4096);
        MemorySegment old = arena.allocate(Layout.of(64, 8));
        old.set(ValueLayout.JAVA_LONG, 0, 42);
        MemorySegment.Scope oldScope = arena.scope();
        arena.reset();
        assertFalse(old.scope().isAlive());
        IllegalStateException dead = assertThrows(IllegalStateException.class,
                () -> old.get(ValueLayout.JAVA_LONG, 0));
        assertTrue(dead.getMessage().contains("closed") || dead.getMessage().contains("alive"), dead.getMessage());
        MemorySegment fresh = arena.allocate(Layout.of(64, 8));
        assertEquals(old.address(), fresh.address(), "same memory, new scope");
        assertNotEquals(oldScope, arena.scope());
        assertEquals(1, backing.allocations(), "the chunk was kept");
        assertEquals(1, arena.arenaStats().resets());
        assertEquals(64, arena.arenaStats().bytesInUse());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldKeepAtMostKeepChunksOnReset(Flavour flavour) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(256).withKeepChunks(2));
        opened.add(arena);
        for (int i = 0; i < 10; i++) {
            arena.allocate(Layout.of(200, 8));
        }
        assertEquals(10, backing.liveBlocks());
        arena.reset();
        assertEquals(2, backing.liveBlocks());
        assertEquals(2, arena.arenaStats().chunksHeld());
        for (int i = 0; i < 3; i++) {
            arena.allocate(Layout.of(200, 8));
        }
        assertEquals(11, backing.allocations(), "two chunks reused, one new");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRewindToAMarkKeepingWhatCameBefore(Flavour flavour) {
        BumpArena arena = open(flavour, 256);
        MemorySegment before = arena.allocate(Layout.of(100, 8));
        before.fill((byte) 7);
        MemorySegment.Scope baseScope = arena.scope();
        BumpArena.Mark mark = arena.mark();
        assertNotEquals(baseScope, arena.scope());
        MemorySegment inside = arena.allocate(Layout.of(100, 8));
        MemorySegment inNewChunk = arena.allocate(Layout.of(200, 8));
        arena.rewind(mark);
        assertThrows(IllegalStateException.class, () -> inside.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> inNewChunk.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(7, before.get(ValueLayout.JAVA_BYTE, 99), "allocations before the mark live on");
        MemorySegment again = arena.allocate(Layout.of(100, 8));
        assertEquals(inside.address(), again.address(), "the pointer moved back to the mark");
        arena.rewind(mark);
        assertThrows(IllegalStateException.class, () -> again.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(100, arena.arenaStats().bytesInUse());
        assertEquals(1, arena.arenaStats().liveAllocations());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldInvalidateInnerMarksOnRewindToAnOuterOne(Flavour flavour) {
        BumpArena arena = open(flavour, 256);
        BumpArena.Mark outer = arena.mark();
        arena.allocate(Layout.of(10));
        BumpArena.Mark inner = arena.mark();
        MemorySegment innerSegment = arena.allocate(Layout.of(10));
        arena.rewind(inner);
        assertThrows(IllegalStateException.class, () -> innerSegment.get(ValueLayout.JAVA_BYTE, 0));
        arena.rewind(outer);
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class, () -> arena.rewind(inner));
        assertTrue(stale.getMessage().contains(inner.toString()), stale.getMessage());
        arena.rewind(outer);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldBeUsableAsAJdkArena(Flavour flavour) {
        Arena arena = open(flavour, 4096);
        MemorySegment text = arena.allocateFrom("hello, arena");
        assertEquals("hello, arena", text.getString(0));
        MemorySegment ints = arena.allocateFrom(ValueLayout.JAVA_INT, 1, 2, 3);
        assertEquals(3, ints.getAtIndex(ValueLayout.JAVA_INT, 2));
        MemorySegment reinterpreted = MemorySegment.ofAddress(text.address()).reinterpret(5, arena, null);
        assertEquals(arena.scope(), reinterpreted.scope());
        arena.close();
        assertThrows(IllegalStateException.class, () -> text.getString(0));
        assertThrows(IllegalStateException.class, () -> reinterpreted.get(ValueLayout.JAVA_BYTE, 0));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldGiveEveryChunkBackOnCloseAndCloseTwiceQuietly(Flavour flavour) {
        BumpArena arena = open(flavour, 256);
        for (int i = 0; i < 5; i++) {
            arena.allocate(Layout.of(200, 8));
        }
        arena.allocate(Layout.of(1000, 8));
        arena.close();
        arena.close();
        assertEquals(0, backing.liveBlocks());
        assertFalse(backing.isClosed(), "a backing allocator it does not own stays open");
        assertEquals(0, arena.arenaStats().chunksHeld());
        assertEquals(0, arena.arenaStats().liveAllocations());
        assertThrows(IllegalStateException.class, () -> arena.allocate(Layout.of(8)));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldCloseTheBackingItOwns(Flavour flavour) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withCloseBacking(true));
        arena.allocate(Layout.of(8));
        arena.close();
        assertTrue(backing.isClosed());
        assertEquals(0, backing.liveBlocks());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldOwnItsSegmentsOnly(Flavour flavour) {
        BumpArena arena = open(flavour, 4096);
        MemorySegment mine = arena.allocate(Layout.of(16));
        assertTrue(arena.owns(mine));
        assertTrue(arena.owns(mine.asSlice(4, 4)));
        try (Arena other = Arena.ofConfined()) {
            assertFalse(arena.owns(other.allocate(16)));
        }
        assertFalse(arena.owns(MemorySegment.ofArray(new byte[4])));
        arena.reset();
        assertTrue(arena.owns(mine), "a dead segment over memory the arena holds");
        arena.close();
        assertFalse(arena.owns(mine));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldReportItsFlavour(Flavour flavour) {
        BumpArena arena = open(flavour, 4096);
        assertEquals(flavour == Flavour.SHARED, arena.isShared());
        assertTrue(arena.toString().contains(flavour.name().toLowerCase(java.util.Locale.ROOT)), arena::toString);
        assertSame(flavour == Flavour.SHARED ? SharedBumpArena.class : ConfinedBumpArena.class, arena.getClass());
    }
}
