package dev.allocator.tests.trust.arena;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.tests.support.ThreadedWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stack with a confined arena, closed from a thread other than the arena's owner: the close throws before anything
 * changes, so the owner can go on using the stack and then close all of it.
 */
class WrongThreadCloseTest {

    private static boolean isWrongThread(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof WrongThreadException) {
                return true;
            }
        }
        return false;
    }

    /** Every stage asks the one beneath it ({@code Allocator.requireCloseable}) before it changes anything. */
    @ParameterizedTest
    @ValueSource(strings = {"arena(chunkSize=64KiB) > system",
            "arena(chunkSize=64KiB) > pool(blockSize=64KiB, capacity=4) > system",
            "pool(blockSize=64, capacity=16) > arena(chunkSize=64KiB) > system",
            "checked > arena(chunkSize=64KiB) > system",
            "stats > arena(chunkSize=64KiB) > system",
            "budget(limit=1MiB) > arena(chunkSize=64KiB) > system",
            "sizeclasses > arena(chunkSize=1MiB) > system",
            "checked > sizeclasses > arena(chunkSize=1MiB) > system",
            "arena(chunkSize=64KiB) | system",
            "system | arena(chunkSize=64KiB)",
            "(pool(blockSize=64, capacity=16) | sizeclasses) > arena(chunkSize=1MiB) > system"})
    void shouldThrowBeforeChangingAnythingWhenClosedFromAnotherThread(String spec) throws Exception {
        Allocator top = Allocators.open(spec);
        MemorySegment before = top.allocate(Layout.of(64, 8));
        Throwable thrown = ThreadedWorkload.inOtherThread(top::close).getFirst();
        assertTrue(isWrongThread(thrown), thrown::toString);
        before.set(ValueLayout.JAVA_LONG, 0, 1);
        MemorySegment after = top.allocate(Layout.of(64, 8));
        after.set(ValueLayout.JAVA_LONG, 0, 2);
        top.deallocate(after, Layout.of(64, 8));
        top.deallocate(before, Layout.of(64, 8));
        top.close();
        assertThrows(IllegalStateException.class, () -> top.allocate(Layout.of(64, 8)));
        assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_LONG, 0),
                "closed by the owner, every stage is closed and its segments are dead");
    }
}
