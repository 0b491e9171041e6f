package dev.allocator.tests.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@link LayeringRules} over the main classes of every module (test classes are not imported). */
@AnalyzeClasses(packages = "dev.allocator", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringRulesTest {

    @ArchTest
    static final ArchTests LAYERING = ArchTests.in(LayeringRules.class);

    /** Rules over nothing pass vacuously: make sure every module's main classes were imported. */
    @ArchTest
    static void shouldImportTheMainClassesOfEveryModule(JavaClasses classes) {
        Set<String> packages = new TreeSet<>();
        for (JavaClass javaClass : classes) {
            packages.add(javaClass.getPackageName());
        }
        for (String expected : Set.of("dev.allocator.api", "dev.allocator.system", "dev.allocator.pool",
                "dev.allocator.arena", "dev.allocator.compose", "dev.allocator.pages", "dev.allocator.secure",
                "dev.allocator.ring", "dev.allocator.shm", "dev.allocator.agrona")) {
            assertTrue(packages.contains(expected), () -> "no main classes imported from " + expected + ": "
                    + packages);
        }
        assertTrue(packages.stream().noneMatch(p -> p.startsWith("dev.allocator.tests")),
                () -> "test classes were imported: " + packages);
    }
}
