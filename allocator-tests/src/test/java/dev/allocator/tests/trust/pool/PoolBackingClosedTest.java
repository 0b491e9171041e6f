package dev.allocator.tests.trust.pool;

import dev.allocator.api.Layout;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.system.SystemAllocator;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A pool built over a system allocator the caller keeps ({@code backing(system, false)}), then that system allocator
 * closed: the pool must have been closed first, so touching its segment throws IllegalStateException instead of
 * reaching freed memory (issue 12, finding 3). Runs in a child JVM, since the old behaviour touches freed memory.
 * Needs the system allocator to honour dependents (another part of issue 12).
 */
class PoolBackingClosedTest {

    @Test
    void shouldMakePoolSegmentsInaccessibleWhenTheSystemBackingIsClosed() {
        ChildJvm.Ended ended = ChildJvm.run(Scenario.class, Duration.ofSeconds(60));
        assertFalse(ended.crashed(), ended.toString());
        assertEquals(0, ended.exitCode(), ended.toString());
    }

    /** The scenario: exits 0 when the touch throws IllegalStateException, 1 when it reaches the memory. */
    public static final class Scenario {
        public static void main(String[] args) {
            SystemAllocator system = new SystemAllocator();
            FixedBlockPool pool = FixedBlockPool.builder().blockSize(64).capacity(1024).backing(system, false)
                    .build();
            MemorySegment block = pool.allocate(Layout.of(64, 8));
            system.close();
            try {
                block.set(ValueLayout.JAVA_LONG, 0, 42L);
                System.out.println("the pool's segment was still accessible after its backing closed: " + pool);
                System.exit(1);
            } catch (IllegalStateException expected) {
                System.out.println("refused: " + expected.getMessage());
                System.exit(0);
            }
        }
    }
}
