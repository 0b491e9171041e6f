package dev.allocator.tests.trust.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.compose.sizeclasses.SizeClassAllocator;
import dev.allocator.pool.Wipe;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Memory-safety rows of size classes that could crash the JVM if wrong, each in a child JVM: a segment used after the
 * allocator's close, and after the close of a backing the allocator does not own, throws
 * {@link IllegalStateException} instead of touching freed memory.
 */
class SizeClassesSafetyTest {

    /** Exits 0 when touching {@code segment} throws IllegalStateException; 2 when it does not. */
    static void expectDead(MemorySegment segment, String what) {
        try {
            segment.set(ValueLayout.JAVA_LONG, 0, 42L);
            System.out.println(what + ": the write went through");
            System.exit(2);
        } catch (IllegalStateException expected) {
            System.out.println(what + ": " + expected.getMessage());
        }
    }

    /** Small and large segments used after the size classes closed (they own the backing). */
    public static final class UseAfterClose {
        public static void main(String[] args) {
            Allocator allocator = Allocators.open("sizeclasses(maxClass=1KiB, slabSize=1MiB) > system");
            MemorySegment small = allocator.allocate(Layout.of(64));
            MemorySegment large = allocator.allocate(Layout.of(1 << 20));
            allocator.close();
            expectDead(small, "small");
            expectDead(large, "large");
        }
    }

    /** A segment used after the backing, which the size classes do not own, closed first. */
    public static final class UseAfterBackingClose {
        public static void main(String[] args) {
            Allocator kept = Allocators.open("stats(jmx=false) > system");   // closes its dependents first
            SizeClassAllocator allocator = new SizeClassAllocator(kept, 1024, 1 << 20, 0, Wipe.NONE, true, false);
            MemorySegment small = allocator.allocate(Layout.of(64));
            kept.close();
            expectDead(small, "small after the backing's close");
            try {
                allocator.allocate(Layout.of(64));
                System.exit(3);
            } catch (IllegalStateException closedFirst) {
                System.out.println("closed by the backing: " + closedFirst.getMessage());
            }
        }
    }

    @Test
    void shouldMakeEverySegmentThrowAfterClose() {
        ChildJvm.Ended ended = ChildJvm.run(UseAfterClose.class, Duration.ofSeconds(60));
        assertEquals(0, ended.exitCode(), ended.toString());
    }

    @Test
    void shouldBeClosedByABackingItDoesNotOwnBeforeThatBackingFreesItsSlabs() {
        ChildJvm.Ended ended = ChildJvm.run(UseAfterBackingClose.class, Duration.ofSeconds(60));
        assertEquals(0, ended.exitCode(), ended.toString());
    }
}
