package dev.allocator.arena;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error path: the exception's type, a message naming the bad value, and an arena that keeps working. */
class ArenaErrorsTest {

    private final TestBacking backing = new TestBacking();
    private final List<BumpArena> opened = new ArrayList<>();

    private BumpArena open(Flavour flavour) {
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(1024));
        opened.add(arena);
        return arena;
    }

    @AfterEach
    void closeArenas() {
        opened.forEach(BumpArena::close);
    }

    private static <T extends Throwable> void assertFails(Class<T> type, String expected, Executable call) {
        T thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(expected),
                () -> "message should contain '" + expected + "': " + thrown.getMessage());
    }

    /** The arena still bumps, deallocates, marks and resets as before. */
    private static void assertStillWorks(BumpArena arena) {
        long before = arena.arenaStats().liveAllocations();
        MemorySegment segment = arena.allocate(Layout.of(24, 8));
        segment.fill((byte) 1);
        BumpArena.Mark mark = arena.mark();
        arena.allocate(Layout.of(8));
        arena.rewind(mark);
        arena.deallocate(segment, Layout.of(24, 8));
        assertEquals(before, arena.arenaStats().liveAllocations());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectANegativeSizeNamingIt(Flavour flavour) {
        BumpArena arena = open(flavour);
        assertFails(IllegalArgumentException.class, "byteSize=-1", () -> arena.allocate(-1, 8));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectAnAlignmentThatIsNotAPowerOfTwoNamingIt(Flavour flavour) {
        BumpArena arena = open(flavour);
        assertFails(IllegalArgumentException.class, "byteAlignment=24", () -> arena.allocate(8, 24));
        assertFails(IllegalArgumentException.class, "byteAlignment=0", () -> arena.allocate(8, 0));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldReportARefusedChunkWithTheRequestAndTheReason(Flavour flavour) {
        BumpArena arena = open(flavour);
        backing.refuseNext(1);
        AllocationException refused = assertThrows(AllocationException.class,
                () -> arena.allocate(Layout.of(100, 8)));
        assertEquals(AllocationException.Reason.EXHAUSTED, refused.reason());
        assertEquals(Layout.of(100, 8), refused.request());
        assertTrue(refused.getMessage().contains(arena.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("100 B aligned 8"), refused.getMessage());
        assertTrue(refused.getMessage().contains("test-backing"), refused.getMessage());
        assertEquals(1, arena.arenaStats().failures());
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldReturnNullFromTryAllocateWhenAChunkIsRefused(Flavour flavour) {
        BumpArena arena = open(flavour);
        backing.refuseNext(1);
        assertNull(arena.tryAllocate(Layout.of(100, 8)));
        backing.refuseNext(1);
        assertNull(arena.tryAllocate(Layout.of(5000, 8)), "a dedicated chunk too");
        assertEquals(2, arena.arenaStats().failures());
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldReportARefusedDedicatedChunk(Flavour flavour) {
        BumpArena arena = open(flavour);
        backing.refuseNext(1);
        assertFails(AllocationException.class, "dedicated chunk of 5000 B aligned 16",
                () -> arena.allocate(Layout.of(5000, 8)));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectASegmentFromElsewhereNamingIt(Flavour flavour) {
        BumpArena arena = open(flavour);
        try (Arena other = Arena.ofConfined()) {
            MemorySegment foreign = other.allocate(16);
            String named = Checks.hex(foreign.address()) + " of 16 bytes was not allocated by " + arena;
            assertFails(IllegalArgumentException.class, named, () -> arena.deallocate(foreign, Layout.of(16)));
        }
        assertFails(IllegalArgumentException.class, "was not allocated by",
                () -> arena.deallocate(MemorySegment.ofArray(new byte[8]), Layout.of(8)));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectALayoutThatDoesNotMatchTheSegment(Flavour flavour) {
        BumpArena arena = open(flavour);
        MemorySegment segment = arena.allocate(Layout.of(16, 8));
        assertFails(IllegalArgumentException.class, "has 16 bytes, but the layout says 32 B aligned 8",
                () -> arena.deallocate(segment, Layout.of(32, 8)));
        MemorySegment odd = arena.allocate(Layout.of(1, 1));
        long stricter = Long.lowestOneBit(odd.address()) * 2;
        assertFails(IllegalArgumentException.class, "alignment=" + stricter,
                () -> arena.deallocate(odd, Layout.of(1, stricter)));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectASegmentWhoseScopeHasEnded(Flavour flavour) {
        BumpArena arena = open(flavour);
        MemorySegment old = arena.allocate(Layout.of(16, 8));
        arena.reset();
        assertFails(IllegalStateException.class, Checks.hex(old.address()) + " of 16 bytes was allocated by " + arena,
                () -> arena.deallocate(old, Layout.of(16, 8)));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectAMarkOfAnotherArenaNamingIt(Flavour flavour) {
        BumpArena arena = open(flavour);
        BumpArena other = open(flavour);
        BumpArena.Mark foreign = other.mark();
        assertFails(IllegalArgumentException.class, foreign + " belongs to another arena",
                () -> arena.rewind(foreign));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectAMarkFromBeforeAReset(Flavour flavour) {
        BumpArena arena = open(flavour);
        BumpArena.Mark mark = arena.mark();
        arena.reset();
        assertFails(IllegalArgumentException.class, mark + " is no longer valid", () -> arena.rewind(mark));
        assertThrows(NullPointerException.class, () -> arena.rewind(null));
        assertStillWorks(arena);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldRejectEveryCallButCloseOwnsAndStatsAfterClose(Flavour flavour) {
        BumpArena arena = open(flavour);
        MemorySegment segment = arena.allocate(Layout.of(8));
        BumpArena.Mark mark = arena.mark();
        arena.close();
        String closed = arena + " is closed";
        assertFails(IllegalStateException.class, closed, () -> arena.allocate(Layout.of(8)));
        assertFails(IllegalStateException.class, closed, () -> arena.allocate(8, 8));
        assertFails(IllegalStateException.class, closed, () -> arena.tryAllocate(Layout.of(8)));
        assertFails(IllegalStateException.class, closed, () -> arena.deallocate(segment, Layout.of(8)));
        assertFails(IllegalStateException.class, closed, arena::reset);
        assertFails(IllegalStateException.class, closed, arena::mark);
        assertFails(IllegalStateException.class, closed, () -> arena.rewind(mark));
        assertEquals(0, arena.arenaStats().chunksHeld());
        arena.close();
    }
}
