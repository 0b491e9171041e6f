package dev.allocator.tests.trust.arena;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.arena.ArenaOptions;
import dev.allocator.arena.BumpArena;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes into arena memory that has gone back to the operating system: segments of a dedicated chunk after reset or
 * rewind, and segments of an arena whose system allocator (kept by the caller) was closed. Chunks of 1 MiB and more
 * are mmap'd by glibc and unmapped by free, so a write that reached them would crash: each scenario runs in a child
 * JVM, which must end normally, every write having thrown {@link IllegalStateException}.
 */
class ArenaMemoryGoneTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Exits 0 when writing through {@code segment} throws IllegalStateException; 1 when the write went through. */
    static void expectDead(String what, MemorySegment segment) {
        try {
            segment.set(ValueLayout.JAVA_LONG, segment.byteSize() - 8, 42L);
        } catch (IllegalStateException dead) {
            System.out.println(what + ": write refused: " + dead.getMessage());
            return;
        }
        System.out.println(what + ": the write went through, into memory the arena gave back");
        System.exit(1);
    }

    /** A dedicated chunk (16 MiB, over a 64 KiB chunk size) written after reset, and another after rewind. */
    public static final class DedicatedChunkAfterReset {
        public static void main(String[] args) {
            Layout big = Layout.of(16L << 20, 64);
            for (String spec : new String[] {"arena(chunkSize=64KiB) > system",
                    "arena(chunkSize=64KiB, shared=true) > system"}) {
                try (BumpArena arena = (BumpArena) Allocators.open(spec)) {
                    MemorySegment beforeReset = arena.allocate(big).fill((byte) 1);
                    arena.reset();
                    expectDead(spec + ", after reset", beforeReset);
                    BumpArena.Mark mark = arena.mark();
                    MemorySegment afterMark = arena.allocate(big).fill((byte) 2);
                    arena.rewind(mark);
                    expectDead(spec + ", after rewind", afterMark);
                    MemorySegment freed = arena.allocate(big);
                    arena.deallocate(freed, big);
                    arena.reset();
                    expectDead(spec + ", freed, then reset", freed);
                }
            }
        }
    }

    /** An arena built in code over a system allocator the caller keeps, which the caller then closes. */
    public static final class SystemClosedUnderArena {
        public static void main(String[] args) {
            for (Function<Allocator, BumpArena> flavour : java.util.List.<Function<Allocator, BumpArena>>of(
                    BumpArena::ofConfined, BumpArena::ofShared)) {
                Allocator system = Allocators.open("system");
                BumpArena arena = flavour.apply(system);
                MemorySegment small = arena.allocate(Layout.of(64, 8)).fill((byte) 1);
                MemorySegment dedicated = arena.allocate(Layout.of(4L << 20, 64)).fill((byte) 1);
                system.close();
                expectDead(arena + ", its system closed, small segment", small);
                expectDead(arena + ", its system closed, dedicated segment", dedicated);
                try {
                    arena.allocate(Layout.of(8));
                    System.out.println(arena + " still allocates after its system closed");
                    System.exit(2);
                } catch (IllegalStateException closed) {
                    System.out.println(arena + " is closed: " + closed.getMessage());
                }
            }
        }
    }

    /** Runs {@code scenario} in a child JVM, which must end normally having printed {@code expected}. */
    private static void assertEndsNormally(Class<?> scenario, String expected) {
        ChildJvm.Ended ended = ChildJvm.run(scenario, TIMEOUT);
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains(expected), ended::toString);
    }

    @Test
    void shouldRefuseWritesIntoADedicatedChunkGivenBackOnResetOrRewind() {
        assertEndsNormally(DedicatedChunkAfterReset.class, "freed, then reset: write refused");
    }

    /** Passes once the system allocator honours dependents (another part of issue 12). */
    @Test
    void shouldCloseAnArenaWhenTheSystemAllocatorItDoesNotOwnCloses() {
        assertEndsNormally(SystemClosedUnderArena.class, "arena(shared, chunkSize=1048576, wipe=none) is closed");
    }

    @Test
    void shouldCloseAnArenaWhenAnArenaItIsBuiltOverResets() {
        try (BumpArena outer = BumpArena.ofConfined(Allocators.system(), ArenaOptions.defaults())) {
            BumpArena inner = BumpArena.ofConfined(outer, ArenaOptions.defaults().withChunkSize(64 << 10));
            MemorySegment segment = inner.allocate(Layout.of(64, 8));
            outer.reset();
            assertFalse(segment.scope().isAlive(), "the outer arena's reset closed the inner arena first");
            assertTrue(inner.arenaStats().chunksHeld() == 0, "the inner arena gave its chunk back");
            MemorySegment fresh = outer.allocate(Layout.of(64, 8));
            fresh.set(ValueLayout.JAVA_LONG, 0, 1);
        }
    }
}
