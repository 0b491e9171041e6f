package dev.allocator.arena;

import dev.allocator.api.Layout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** wipe=always: the backing allocator gets nothing but zeros back, and reset and rewind zero what they end. */
class WipeTest {

    private static void scribble(BumpArena arena, int count) {
        for (int i = 0; i < count; i++) {
            MemorySegment segment = arena.allocate(Layout.of(40 + i % 90, 1L << (i % 6)));
            segment.fill((byte) 0x5C);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldZeroEveryChunkBeforeGivingItBack(Flavour flavour) {
        TestBacking backing = new TestBacking();
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(512).withKeepChunks(1)
                .withWipe(Wipe.ALWAYS));
        scribble(arena, 100);
        arena.allocate(Layout.of(2000, 8)).fill((byte) 0x77);
        BumpArena.Mark mark = arena.mark();
        scribble(arena, 50);
        arena.rewind(mark);
        scribble(arena, 50);
        arena.reset();
        scribble(arena, 100);
        arena.close();
        assertTrue(backing.returns() > 10, "chunks went back on reset and close: " + backing.returns());
        assertEquals(0, backing.liveBlocks());
        assertEquals(java.util.List.of(), backing.dirtyReturns());
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldGiveDirtyChunksBackWithoutWipe(Flavour flavour) {
        TestBacking backing = new TestBacking();
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(512));
        scribble(arena, 20);
        arena.close();
        assertFalse(backing.dirtyReturns().isEmpty(), "the checking backing allocator does see dirty chunks");
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldZeroWhatResetAndRewindEnd(Flavour flavour) {
        TestBacking backing = new TestBacking();
        BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(4096).withWipe(Wipe.ALWAYS));
        MemorySegment kept = arena.allocate(Layout.of(64, 8));
        kept.fill((byte) 1);
        BumpArena.Mark mark = arena.mark();
        MemorySegment ended = arena.allocate(Layout.of(64, 8));
        ended.fill((byte) 2);
        MemorySegment rolledBack = arena.allocate(Layout.of(64, 8));
        rolledBack.fill((byte) 3);
        arena.deallocate(rolledBack, Layout.of(64, 8));
        arena.rewind(mark);
        MemorySegment reused = arena.allocate(Layout.of(128, 8));
        assertEquals(ended.address(), reused.address());
        assertEquals(-1, reused.mismatch(MemorySegment.ofArray(new byte[128])), "rewind zeroed the ended bytes");
        assertEquals(1, kept.get(ValueLayout.JAVA_BYTE, 63), "bytes before the mark are untouched");
        arena.reset();
        MemorySegment afterReset = arena.allocate(Layout.of(192, 8));
        assertEquals(-1, afterReset.mismatch(MemorySegment.ofArray(new byte[192])), "reset zeroed the used bytes");
        arena.close();
    }
}
