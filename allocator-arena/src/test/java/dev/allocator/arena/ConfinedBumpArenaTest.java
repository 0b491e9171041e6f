package dev.allocator.arena;

import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Confinement: every use from another thread throws WrongThreadException, and the arena keeps working. */
class ConfinedBumpArenaTest {

    private final TestBacking backing = new TestBacking();
    private final ConfinedBumpArena arena = BumpArena.ofConfined(backing, ArenaOptions.defaults().withChunkSize(1024));

    @AfterEach
    void close() {
        arena.close();
    }

    /** What {@code call} threw on a thread named intruder, or null. */
    static Throwable fromAnotherThread(Executable call) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                call.execute();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "intruder");
        thread.start();
        thread.join();
        return thrown.get();
    }

    private void assertWrongThread(Executable call) throws InterruptedException {
        Throwable thrown = fromAnotherThread(call);
        assertInstanceOf(WrongThreadException.class, thrown);
        assertTrue(thrown.getMessage().contains("confined to thread " + Thread.currentThread().getName()),
                thrown.getMessage());
        assertTrue(thrown.getMessage().contains("used from thread intruder"), thrown.getMessage());
    }

    @Test
    void shouldRejectEveryMutatingCallFromAnotherThread() throws InterruptedException {
        MemorySegment segment = arena.allocate(Layout.of(16, 8));
        BumpArena.Mark mark = arena.mark();
        assertWrongThread(() -> arena.allocate(Layout.of(8)));
        assertWrongThread(() -> arena.allocate(8, 8));
        assertWrongThread(() -> arena.tryAllocate(Layout.of(8)));
        assertWrongThread(() -> arena.allocateFrom("x"));
        assertWrongThread(() -> arena.deallocate(segment, Layout.of(16, 8)));
        assertWrongThread(arena::mark);
        assertWrongThread(() -> arena.rewind(mark));
        assertWrongThread(arena::reset);
        assertWrongThread(arena::close);
        arena.rewind(mark);
        MemorySegment after = arena.allocate(Layout.of(8));
        after.set(ValueLayout.JAVA_LONG, 0, 1);
        assertEquals(1, arena.arenaStats().liveAllocations() - 1, "16 B before the mark, 8 B after the rewind");
    }

    @Test
    void shouldConfineItsSegmentsToTheOwnerThreadLikeTheJdk() throws InterruptedException {
        MemorySegment segment = arena.allocate(Layout.of(8, 8));
        Throwable thrown = fromAnotherThread(() -> segment.get(ValueLayout.JAVA_LONG, 0));
        assertInstanceOf(WrongThreadException.class, thrown);
    }

    @Test
    void shouldAnswerStatsOwnsAndScopeFromAnyThread() throws InterruptedException {
        MemorySegment segment = arena.allocate(Layout.of(8, 8));
        List<Object> answers = new ArrayList<>();
        Throwable thrown = fromAnotherThread(() -> {
            answers.add(arena.arenaStats().bytesInUse());
            answers.add(arena.owns(segment));
            answers.add(arena.scope());
        });
        assertEquals(null, thrown);
        assertEquals(List.of(8L, true, arena.scope()), answers);
    }
}
