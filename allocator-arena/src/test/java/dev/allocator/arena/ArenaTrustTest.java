package dev.allocator.arena;

import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.allocator.arena.ConfinedBumpArenaTest.fromAnotherThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the arena must never get wrong: a slice or a second free of the latest allocation changes nothing, a dead
 * segment is reported as dead whatever happened to its memory, allocators built over the arena are closed before it
 * takes memory back, the arena built over a backing it does not own is closed with that backing, and a confined
 * arena's close, reset and rewind from another thread change nothing.
 */
class ArenaTrustTest {

    private final TestBacking backing = new TestBacking();
    private final List<BumpArena> opened = new ArrayList<>();
    private final List<String> closings = new CopyOnWriteArrayList<>();

    /** A dependent that records its close, and can be told to refuse it. */
    private final class Dependent implements AutoCloseable {
        private final String name;
        private volatile boolean refuse;

        Dependent(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            if (refuse) {
                throw new IllegalStateException(name + " refuses to close");
            }
            closings.add(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private BumpArena open(Flavour flavour, long chunkSize) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(chunkSize));
        opened.add(arena);
        return arena;
    }

    @AfterEach
    void closeArenas() {
        opened.forEach(BumpArena::close);
        backing.release();
    }

    private static void assertNotAnAllocation(BumpArena arena, MemorySegment segment) {
        ArenaStats before = arena.arenaStats();
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> arena.deallocate(segment, Layout.of(segment.byteSize())));
        assertTrue(thrown.getMessage().contains("is not an allocation of " + arena), thrown.getMessage());
        assertEquals(before, arena.arenaStats(), "a rejected free changes no count");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectFreeingASliceOfTheLatestAllocationAndChangeNothing(Flavour flavour) {
        BumpArena arena = open(flavour, 4096);
        MemorySegment older = arena.allocate(Layout.of(16, 8));
        MemorySegment latest = arena.allocate(Layout.of(16, 8));
        assertNotAnAllocation(arena, latest.asSlice(8));
        assertNotAnAllocation(arena, latest.asSlice(0, 8));
        assertNotAnAllocation(arena, latest.asSlice(4, 4));
        MemorySegment next = arena.allocate(Layout.of(8, 8));
        assertEquals(latest.address() + 16, next.address(), "the live latest allocation is not handed out again");
        arena.deallocate(next, Layout.of(8, 8));
        arena.deallocate(latest, Layout.of(16, 8));
        arena.deallocate(older, Layout.of(16, 8));
        assertEquals(0, arena.arenaStats().bytesInUse());
        assertEquals(0, arena.arenaStats().liveAllocations());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectFreeingTheLatestAllocationTwice(Flavour flavour) {
        BumpArena arena = open(flavour, 4096);
        MemorySegment kept = arena.allocate(Layout.of(8, 8));
        MemorySegment latest = arena.allocate(Layout.of(32, 8));
        arena.deallocate(latest, Layout.of(32, 8));
        assertNotAnAllocation(arena, latest);
        assertNotAnAllocation(arena, latest.asSlice(16));
        assertEquals(8, arena.arenaStats().bytesInUse());
        assertEquals(latest.address(), arena.allocate(Layout.of(32, 8)).address(), "rolled back once, exactly");
        assertTrue(kept.scope().isAlive());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldReportADedicatedSegmentFreedAfterResetOrRewindAsDead(Flavour flavour) {
        BumpArena arena = open(flavour, 1024);
        MemorySegment big = arena.allocate(Layout.of(8192, 16));
        arena.reset();
        BumpArena.Mark mark = arena.mark();
        MemorySegment bigAfterMark = arena.allocate(Layout.of(8192, 16));
        arena.rewind(mark);
        for (MemorySegment dead : List.of(big, bigAfterMark)) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> arena.deallocate(dead, Layout.of(8192, 16)));
            assertTrue(thrown.getMessage().contains("in a scope that has ended"), thrown.getMessage());
        }
        assertEquals(0, arena.arenaStats().liveAllocations());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldReportASegmentOfAChunkGivenBackOnResetAsDead(Flavour flavour) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(1024).withKeepChunks(0));
        opened.add(arena);
        MemorySegment small = arena.allocate(Layout.of(64, 8));
        arena.reset();
        assertEquals(0, arena.arenaStats().chunksHeld());
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> arena.deallocate(small, Layout.of(64, 8)));
        assertTrue(thrown.getMessage().contains("in a scope that has ended"), thrown.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldCloseDependentsNewestFirstBeforeResetRewindAndClose(Flavour flavour) {
        BumpArena arena = open(flavour, 1024);
        arena.addDependent(new Dependent("a"));
        arena.addDependent(new Dependent("b"));
        arena.reset();
        assertEquals(List.of("b", "a"), closings);
        BumpArena.Mark mark = arena.mark();
        arena.addDependent(new Dependent("c"));
        arena.rewind(mark);
        arena.addDependent(new Dependent("d"));
        arena.close();
        assertEquals(List.of("b", "a", "c", "d"), closings, "each closed once, before the memory went back");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldThrowAndChangeNothingWhenADependentDoesNotClose(Flavour flavour) {
        BumpArena arena = open(flavour, 1024);
        MemorySegment live = arena.allocate(Layout.of(64, 8));
        BumpArena.Mark mark = arena.mark();
        MemorySegment afterMark = arena.allocate(Layout.of(64, 8));
        Dependent stubborn = new Dependent("stubborn");
        stubborn.refuse = true;
        arena.addDependent(stubborn);
        ArenaStats before = arena.arenaStats();
        for (Executable call : List.<Executable>of(arena::reset, () -> arena.rewind(mark), arena::close)) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, call);
            assertTrue(thrown.getMessage().contains("dependent=stubborn did not close"), thrown.getMessage());
            assertTrue(live.scope().isAlive() && afterMark.scope().isAlive(), "no scope ended");
            assertEquals(before, arena.arenaStats());
        }
        afterMark.set(ValueLayout.JAVA_LONG, 0, 7);
        stubborn.refuse = false;
        arena.rewind(mark);
        assertFalse(afterMark.scope().isAlive());
        assertEquals(List.of("stubborn"), closings);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldCloseWithABackingItDoesNotOwnAndForgetItselfOnClose(Flavour flavour) {
        BumpArena first = open(flavour, 1024);
        BumpArena second = open(flavour, 1024);
        assertEquals(2, backing.dependents());
        MemorySegment segment = first.allocate(Layout.of(64, 8));
        second.close();
        assertEquals(1, backing.dependents(), "a closed arena is no longer a dependent");
        backing.close();
        assertFalse(segment.scope().isAlive(), "the backing's close closed the arena first");
        assertEquals(0, backing.liveBlocks(), "the arena gave its chunk back before the backing closed");
        assertEquals(0, backing.dependents());
        assertThrows(IllegalStateException.class, () -> first.allocate(Layout.of(8)));
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldNotRegisterWithABackingItOwns(Flavour flavour) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withCloseBacking(true));
        opened.add(arena);
        assertEquals(0, backing.dependents());
        arena.close();
        assertTrue(backing.isClosed());
    }

    @Test
    void shouldRejectCloseResetAndRewindFromAnotherThreadBeforeClosingDependents() throws InterruptedException {
        BumpArena arena = open(Flavour.CONFINED, 1024);
        MemorySegment segment = arena.allocate(Layout.of(64, 8));
        BumpArena.Mark mark = arena.mark();
        arena.addDependent(new Dependent("pool"));
        ArenaStats before = arena.arenaStats();
        for (Executable call : List.<Executable>of(arena::close, arena::reset, () -> arena.rewind(mark))) {
            assertInstanceOf(WrongThreadException.class, fromAnotherThread(call));
            assertEquals(List.of(), closings, "the dependent is not closed");
            assertTrue(segment.scope().isAlive());
            assertEquals(before, arena.arenaStats());
        }
        arena.close();
        assertEquals(List.of("pool"), closings);
    }

    @Test
    void shouldMakeTheBackingsCloseFromAnotherThreadFailWhileAConfinedArenaIsOpen() throws InterruptedException {
        BumpArena arena = open(Flavour.CONFINED, 1024);
        MemorySegment segment = arena.allocate(Layout.of(64, 8));
        Throwable thrown = fromAnotherThread(backing::close);
        IllegalStateException refused = assertInstanceOf(IllegalStateException.class, thrown);
        assertInstanceOf(WrongThreadException.class, refused.getCause());
        assertFalse(backing.isClosed());
        segment.set(ValueLayout.JAVA_LONG, 0, 1);
        assertSame(arena, opened.getFirst());
        backing.close();
        assertFalse(segment.scope().isAlive());
    }
}
