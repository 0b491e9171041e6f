package dev.allocator.tests.trust.compose;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Size classes whose slabs would need too much Java heap for their per-block structures (issue 12, finding 13): the
 * request fails at once with an {@link AllocationException} instead of an {@link OutOfMemoryError} after long garbage
 * collection, nothing leaks, and the classes whose slabs fit keep working. Runs in a child JVM with a 32 MiB heap.
 */
class SizeClassesHeapTest {

    /** The scenario: exits 0 when a 16 B request fails promptly and a 64 KiB one still works. */
    public static final class TooManyBlocks {
        public static void main(String[] args) {
            try (Allocator sizeClasses = Allocators.open("sizeclasses(slabSize=1GiB) > system")) {
                long start = System.nanoTime();
                try {
                    sizeClasses.allocate(Layout.of(16));        // 2^20 blocks of 16 B: about 96 MiB of heap
                    System.out.println("allocated: no refusal");
                    System.exit(2);
                } catch (AllocationException expected) {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    System.out.println("refused in " + millis + " ms: " + expected.getMessage());
                    if (millis > 5_000 || sizeClasses.stats().bytesReserved() != 0) {
                        System.exit(3);
                    }
                }
                Layout large = Layout.of(64 * 1024);                // 16384 blocks: fits
                sizeClasses.deallocate(sizeClasses.allocate(large), large);
                if (sizeClasses.stats().allocations() != 1 || sizeClasses.stats().failures() != 1) {
                    System.out.println("stats: " + sizeClasses.stats());
                    System.exit(4);
                }
                System.out.println("ok " + sizeClasses.stats());
            }
        }
    }

    @Test
    void shouldRefuseASlabTooLargeForTheHeapPromptlyAndKeepWorking() {
        ChildJvm.Ended ended = ChildJvm.run(TooManyBlocks.class, List.of("-Xmx32m"), Duration.ofSeconds(60));
        assertEquals(0, ended.exitCode(), ended.toString());
    }
}
