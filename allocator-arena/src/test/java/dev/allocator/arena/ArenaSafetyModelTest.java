package dev.allocator.arena;

import dev.allocator.api.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The arena's rows of the memory-safety model that no other test shows: what a use after free and a racing double
 * free do by default.
 */
class ArenaSafetyModelTest {

    private final TestBacking backing = new TestBacking();

    @AfterEach
    void release() {
        backing.release();
    }

    /** Like free: a freed segment stays usable until its scope ends, and a rolled-back one aliases the next. */
    @ParameterizedTest
    @EnumSource(Flavour.class)
    void shouldLeaveAFreedSegmentAccessibleUntilItsScopeEndsLikeFree(Flavour flavour) {
        try (BumpArena arena = flavour.open(backing, ArenaOptions.defaults().withChunkSize(4096))) {
            MemorySegment older = arena.allocate(Layout.of(16, 8));
            MemorySegment latest = arena.allocate(Layout.of(16, 8));
            arena.deallocate(older, Layout.of(16, 8));
            arena.deallocate(latest, Layout.of(16, 8));
            older.set(ValueLayout.JAVA_LONG, 0, 1);
            MemorySegment next = arena.allocate(Layout.of(16, 8));
            assertEquals(latest.address(), next.address(), "the rolled-back bytes are handed out again");
            next.set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(42, latest.get(ValueLayout.JAVA_LONG, 0), "the freed segment sees the new allocation");
            arena.reset();
            assertThrows(IllegalStateException.class, () -> older.get(ValueLayout.JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> latest.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Test
    void shouldLetExactlyOneOfTwoRacingFreesOfTheLatestAllocationThrough() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (BumpArena arena = BumpArena.ofShared(backing, ArenaOptions.defaults().withChunkSize(4096))) {
            MemorySegment kept = arena.allocate(Layout.of(8, 8));
            for (int round = 0; round < 200; round++) {
                MemorySegment segment = arena.allocate(Layout.of(24, 8));
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<Throwable> free = () -> {
                    start.await();
                    try {
                        arena.deallocate(segment, Layout.of(24, 8));
                        return null;
                    } catch (IllegalArgumentException refused) {
                        return refused;
                    }
                };
                List<Future<Throwable>> results = new ArrayList<>(List.of(threads.submit(free), threads.submit(free)));
                int refused = 0;
                for (Future<Throwable> result : results) {
                    Throwable thrown = result.get();
                    if (thrown != null) {
                        assertInstanceOf(IllegalArgumentException.class, thrown);
                        refused++;
                    }
                }
                assertEquals(1, refused, "round " + round);
                assertEquals(1, arena.arenaStats().liveAllocations(), "round " + round);
                assertEquals(kept.address() + 8, arena.allocate(Layout.of(8, 8)).address(), "rolled back once");
                arena.reset();
                kept = arena.allocate(Layout.of(8, 8));
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
