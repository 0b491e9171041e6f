package dev.allocator.tests.trust.checked;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checked mode catches a use after free of any size: touching a freed segment throws {@link IllegalStateException}.
 * Each scenario runs in a child JVM, since without the check the touch may land on unmapped memory.
 */
class CheckedUseAfterFreeTest {

    /** Allocates {@code args[1]} bytes from spec {@code args[0]}, frees, reads and writes: exits 0 when both throw. */
    public static final class TouchAfterFree {
        public static void main(String[] args) {
            Layout layout = Layout.of(Long.parseLong(args[1]), 8);
            int rejected = 0;
            try (Allocator allocator = Allocators.open(args[0])) {
                MemorySegment block = allocator.allocate(layout);
                block.fill((byte) 1);
                allocator.deallocate(block, layout);
                try {
                    System.out.println("read after free gave " + block.get(ValueLayout.JAVA_LONG, 0));
                } catch (IllegalStateException expected) {
                    rejected++;
                    System.out.println("read rejected: " + expected.getMessage());
                }
                try {
                    block.set(ValueLayout.JAVA_LONG, 0, 42L);
                } catch (IllegalStateException expected) {
                    rejected++;
                    System.out.println("write rejected: " + expected.getMessage());
                }
            }
            System.exit(rejected == 2 ? 0 : 2);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"checked > system; 64", "checked > system; 4096",
            "checked > system; 67108864", "checked(sites=true, guard=0, quarantine=0) > system; 64",
            "checked > pool(blockSize=256, capacity=16); 64", "checked > sizeclasses > system; 100"})
    void shouldRejectUseAfterFree(String spec, long size) {
        ChildJvm.Ended ended = ChildJvm.run(TouchAfterFree.class, Duration.ofSeconds(120), spec, String.valueOf(size));
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains("read rejected: "), ended::toString);
    }

    @Test
    void shouldLeaveUseAfterFreeToTheQuarantineWithScopesOff() {
        ChildJvm.Ended ended = ChildJvm.run(TouchAfterFree.class, Duration.ofSeconds(120),
                "checked(scopes=false) > system", "64");
        assertFalse(ended.crashed(), ended::toString);
        assertFalse(ended.output().contains("read rejected"), "scopes=false switches the scope off: " + ended);
        assertEquals(1, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains("write after free"), "the quarantine saw the write at close: " + ended);
    }
}
