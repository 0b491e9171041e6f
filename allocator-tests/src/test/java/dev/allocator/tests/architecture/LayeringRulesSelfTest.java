package dev.allocator.tests.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules must be able to fail: checked here against small fixtures, not the project's classes. */
class LayeringRulesSelfTest {

    /** Touches {@code sun.misc.Unsafe}, as no main class may. */
    @SuppressWarnings({"removal", "unused"})
    static final class UsesUnsafe {
        private sun.misc.Unsafe unsafe;

        int addressSize() {
            return unsafe.addressSize();
        }
    }

    /** Uses the FFM API only. */
    static final class UsesSegments {
        long size(MemorySegment segment) {
            return segment.byteSize();
        }
    }

    @Test
    void shouldCatchAClassThatUsesUnsafe() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesUnsafe.class);
        AssertionError e = assertThrows(AssertionError.class,
                () -> LayeringRules.NO_UNSAFE_OR_JDK_INTERNALS.check(classes));
        assertTrue(e.getMessage().contains("sun.misc.Unsafe"), e.getMessage());
        assertTrue(e.getMessage().contains("because memory is MemorySegment"), e.getMessage());
    }

    @Test
    void shouldPassAClassThatUsesTheFfmApi() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesSegments.class);
        assertDoesNotThrow(() -> LayeringRules.NO_UNSAFE_OR_JDK_INTERNALS.check(classes));
    }
}
