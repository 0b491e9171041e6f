package dev.allocator.tests.trust.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocators;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented maximum pool, {@code pool(blockSize=8, capacity=1073741824)}, in a small heap: a prompt
 * AllocationException naming the heap it needs, not an OutOfMemoryError after long garbage collection (issue 12,
 * finding 13).
 */
class PoolHeapTest {

    @Test
    void shouldRefuseAPoolTooLargeForTheHeapPromptly() {
        ChildJvm.Ended ended = ChildJvm.run(Scenario.class, List.of("-Xmx64m"), Duration.ofSeconds(60));
        assertEquals(0, ended.exitCode(), ended.toString());
        assertTrue(ended.output().contains("TOO_LARGE") && ended.output().contains("of Java heap")
                && ended.output().contains("-Xmx"), ended.output());
    }

    /** Exits 0 when building the pool throws AllocationException within 5 s, 1 otherwise. */
    public static final class Scenario {
        public static void main(String[] args) {
            long start = System.nanoTime();
            try {
                Allocators.open("pool(blockSize=8, capacity=1073741824) > system").close();
                System.out.println("built a pool of 2^30 blocks in a 64 MiB heap");
                System.exit(1);
            } catch (AllocationException e) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println(e.reason() + " after " + millis + " ms: " + e.getMessage());
                System.exit(millis < 5_000 ? 0 : 1);
            }
        }
    }
}
