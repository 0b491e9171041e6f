package dev.allocator.tests.trust.api;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Allocators#defaultAllocator()} with a bad spec in {@code -Ddev.allocator.spec}, in a child JVM started with
 * that property: every call throws a {@link SpecException} naming the property, never an error from a class that
 * failed to initialise, and the rest of the API keeps working.
 */
class DefaultAllocatorPropertyTest {

    /** Calls defaultAllocator() three times; exits 0 when each threw SpecException naming the property. */
    public static final class CallsDefaultAllocator {
        public static void main(String[] args) {
            for (int call = 1; call <= 3; call++) {
                try {
                    Allocators.defaultAllocator();
                    System.out.println("call " + call + " opened the default allocator");
                    System.exit(1);
                } catch (SpecException e) {
                    if (!e.getMessage().contains("system property " + Allocators.SPEC_PROPERTY)
                            || !(e.getCause() instanceof SpecException)) {
                        System.out.println("call " + call + " does not name the property: " + e.getMessage());
                        System.exit(2);
                    }
                    System.out.println("call " + call + ": " + e.getMessage());
                }
            }
            Allocator system = Allocators.system();
            MemorySegment segment = system.allocate(Layout.of(64, 8));
            system.deallocate(segment, Layout.of(64, 8));
            System.out.println("the system allocator works");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pool(blockSize=64, capacity=_16)", "pol > system", "arena(chunkSize=\u0661\u0666KiB)",
            "nested", "unterminated"})
    void shouldThrowSpecExceptionNamingThePropertyAtEveryCall(String spec) {
        String value = switch (spec) {
            case "nested" -> "(".repeat(3000) + "system" + ")".repeat(3000);
            case "unterminated" -> "(".repeat(3000);
            default -> spec;
        };
        ChildJvm.Ended ended = ChildJvm.run(CallsDefaultAllocator.class,
                List.of("-D" + Allocators.SPEC_PROPERTY + "=" + value), Duration.ofSeconds(60));
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains("call 3: at column "), ended::toString);
        assertTrue(ended.output().contains("the system allocator works"), ended::toString);
        assertFalse(ended.output().contains("Error"), ended::toString);
    }
}
