package dev.allocator.tests.trust.system;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write to a freed 64 MiB block (which glibc serves with mmap and unmaps on free) throws
 * {@link IllegalStateException} through every stack that ends in {@code system}, instead of killing the JVM. Each
 * scenario runs in a child JVM, so a regression shows as a crash there, not here.
 */
class LargeUseAfterFreeTest {

    /** Allocates 64 MiB from the spec in {@code args[0]}, frees it, writes to it; exits 0 only on the exception. */
    public static final class WriteAfterFree {
        public static void main(String[] args) {
            Layout layout = Layout.of(64L << 20, 8);
            try (Allocator allocator = Allocators.open(args[0])) {
                MemorySegment block = allocator.allocate(layout);
                block.fill((byte) 1);
                allocator.deallocate(block, layout);
                try {
                    block.set(ValueLayout.JAVA_LONG, 8, 42L);
                } catch (IllegalStateException expected) {
                    System.out.println("rejected: " + expected.getMessage());
                    return;
                }
            }
            System.out.println("the write after free was accepted");
            System.exit(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"system", "checked > system", "sizeclasses > system", "budget(limit=1GiB) > system",
            "stats(jmx=false) > system", "pool(blockSize=64, capacity=16) | system"})
    void shouldRejectWriteToAFreedLargeBlockWithoutCrashing(String spec) {
        ChildJvm.Ended ended = ChildJvm.run(WriteAfterFree.class, Duration.ofSeconds(120), spec);
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains("rejected: "), ended::toString);
    }
}
