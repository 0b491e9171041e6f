package dev.allocator.tests.contract;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.allocator.api.Allocators;
import dev.allocator.api.AllocatorProvider;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails the build when a provider found through ServiceLoader is not covered by any {@link AllocatorContract}
 * subclass: a new provider must come with a contract subject.
 */
class ProviderCoverageTest {

    /** What {@link #contractSubjects()} found: the class import takes seconds, so it runs once per JVM. */
    private static List<Subject> scanned;

    /** The subjects of every concrete {@link AllocatorContract} subclass among this module's test classes. */
    static synchronized List<Subject> contractSubjects() throws ReflectiveOperationException {
        if (scanned == null) {
            scanned = List.copyOf(scan());
        }
        return scanned;
    }

    private static List<Subject> scan() throws ReflectiveOperationException {
        List<Subject> subjects = new ArrayList<>();
        for (JavaClass javaClass : new ClassFileImporter().importPackages("dev.allocator.tests")) {
            if (javaClass.isAssignableTo(AllocatorContract.class)
                    && !javaClass.getModifiers().contains(JavaModifier.ABSTRACT)) {
                Constructor<?> constructor = javaClass.reflect().getDeclaredConstructor();
                constructor.setAccessible(true);
                subjects.add(((AllocatorContract) constructor.newInstance()).subject());
            }
        }
        return subjects;
    }

    /** An option list: parentheses holding an {@code =}. */
    private static final Pattern OPTIONS = Pattern.compile("\\([^()]*=[^()]*\\)");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    /**
     * The provider names a spec uses, with the {@code system} stage a spec gets when it does not end in one. Read
     * from the text (option lists removed, then every name), so it does not depend on the parser's internals.
     */
    static Set<String> providersOf(String spec) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = NAME.matcher(OPTIONS.matcher(spec).replaceAll(" "));
        while (matcher.find()) {
            names.add(matcher.group());
        }
        names.add("system");
        return names;
    }

    @Test
    void shouldCoverEveryDiscoveredProviderWithAContractSubject() throws ReflectiveOperationException {
        List<Subject> subjects = contractSubjects();
        assertFalse(subjects.isEmpty(), "no contract test classes were found");
        Set<String> covered = new TreeSet<>();
        subjects.forEach(subject -> covered.addAll(providersOf(subject.spec())));
        Set<String> missing = new TreeSet<>();
        for (AllocatorProvider provider : Allocators.providers()) {
            if (!covered.contains(provider.name())) {
                missing.add(provider.name() + " (" + provider.getClass().getName() + ")");
            }
        }
        assertTrue(missing.isEmpty(), () -> "providers without a contract subject: " + missing
                + "; add a subclass of AllocatorContract for each; covered: " + covered);
    }

    @Test
    void shouldLoadEveryProviderWithoutProblems() {
        assertTrue(Allocators.providerProblems().isEmpty(), () -> String.join("\n", Allocators.providerProblems()));
        assertFalse(Allocators.providers().isEmpty());
    }
}
