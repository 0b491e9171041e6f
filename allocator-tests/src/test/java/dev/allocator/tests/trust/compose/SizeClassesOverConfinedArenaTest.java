package dev.allocator.tests.trust.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.compose.sizeclasses.SizeClassAllocator;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Size classes over a confined arena (issue 12, finding 9 and the close from any thread): the idle trimmer, which runs
 * on its own thread, leaves the arena's slabs to the owner instead of dying on {@link WrongThreadException}; a close
 * from another thread throws before anything changes.
 */
class SizeClassesOverConfinedArenaTest {

    private static final Layout SMALL = Layout.of(16);

    @Test
    void shouldLeaveAConfinedArenasSlabsToItsOwnerWhoGivesThemBackWithTrim() throws Exception {
        try (SizeClassAllocator allocator = (SizeClassAllocator) Allocators.open("sizeclasses(idleMillis=1) > arena")) {
            allocator.deallocate(allocator.allocate(SMALL), SMALL);
            allocator.releaseThreadCaches();
            Thread.sleep(200);                                          // about 200 trimmer periods
            assertEquals(1, allocator.slabCount(), "the trimmer thread cannot give a confined arena's slab back");
            MemorySegment again = allocator.allocate(SMALL);            // and the slab still serves
            allocator.deallocate(again, SMALL);
            allocator.releaseThreadCaches();
            assertEquals(1, allocator.trim(), "the owner gives it back");
            assertEquals(0, allocator.slabCount());
            assertEquals(0, allocator.stats().bytesReserved());
            assertEquals(0, allocator.stats().bytesInUse());
        }
    }

    @Test
    void shouldRefuseACloseFromAnotherThreadBeforeChangingAnything() throws Exception {
        Allocator allocator = Allocators.open("sizeclasses > arena");
        MemorySegment small = allocator.allocate(SMALL);
        MemorySegment large = allocator.allocate(Layout.of(1 << 20));
        small.set(ValueLayout.JAVA_INT, 0, 42);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> CompletableFuture.runAsync(allocator::close).get(10, TimeUnit.SECONDS));
        assertInstanceOf(WrongThreadException.class, refused.getCause(), refused.toString());
        assertEquals(42, small.get(ValueLayout.JAVA_INT, 0), "nothing changed: the block is still live");
        allocator.deallocate(small, SMALL);
        allocator.deallocate(large, Layout.of(1 << 20));
        allocator.deallocate(allocator.allocate(SMALL), SMALL);
        allocator.close();                                              // the owner closes everything
        assertThrows(IllegalStateException.class, () -> small.get(ValueLayout.JAVA_INT, 0));
        assertThrows(IllegalStateException.class, () -> allocator.allocate(SMALL));
    }
}
