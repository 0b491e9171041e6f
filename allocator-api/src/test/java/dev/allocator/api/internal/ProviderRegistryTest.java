package dev.allocator.api.internal;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderRegistryTest {

    /** A provider whose name is chosen per instance; subclasses give distinct class names. */
    static class Named implements AllocatorProvider {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Allocator create(Map<String, String> options, Allocator backing) {
            throw new UnsupportedOperationException();
        }
    }

    static final class Alpha extends Named {
        Alpha(String name) {
            super(name);
        }
    }

    static final class Beta extends Named {
        Beta(String name) {
            super(name);
        }
    }

    static final class Gamma extends Named {
        Gamma(String name) {
            super(name);
        }
    }

    static final class ThrowingName extends Named {
        ThrowingName() {
            super("unused");
        }

        @Override
        public String name() {
            throw new IllegalStateException("no name today");
        }
    }

    /** Listed in a services file by {@link #shouldReportProviderThatCannotBeInstantiatedByClassName}. */
    public static final class FailsInConstructor extends Named {
        public FailsInConstructor() {
            super("never");
            throw new IllegalStateException("constructor refused");
        }
    }

    @Test
    void shouldSortProvidersByName() {
        ProviderRegistry registry = ProviderRegistry.of(
                List.of(new Alpha("zeta"), new Beta("alpha"), new Gamma("mid")), List.of());
        assertEquals(List.of("alpha", "mid", "zeta"), new ArrayList<>(registry.byName().keySet()));
        assertTrue(registry.problems().isEmpty());
    }

    @Test
    void shouldResolveDuplicateNamesByClassNameWhateverTheOrder() {
        Beta beta = new Beta("pool");
        Alpha alpha = new Alpha("pool");
        for (List<AllocatorProvider> order : List.<List<AllocatorProvider>>of(List.of(beta, alpha),
                List.of(alpha, beta))) {
            ProviderRegistry registry = ProviderRegistry.of(order, List.of());
            assertSame(alpha, registry.byName().get("pool"));
            assertEquals(1, registry.problems().size());
            String problem = registry.problems().getFirst();
            assertTrue(problem.contains(Alpha.class.getName()) && problem.contains(Beta.class.getName())
                    && problem.contains("'pool'") && problem.contains("using " + Alpha.class.getName()), problem);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Pool", "1pool", "po ol", "pool!", "_pool", "pööl"})
    void shouldReportInvalidNameByClassName(String name) {
        ProviderRegistry registry = ProviderRegistry.of(List.of(new Alpha(name), new Beta("ok")), List.of());
        assertEquals(List.of("ok"), new ArrayList<>(registry.byName().keySet()));
        String problem = registry.problems().getFirst();
        assertTrue(problem.contains(Alpha.class.getName()) && problem.contains("invalid name '" + name + "'"),
                problem);
    }

    @Test
    void shouldReportNullName() {
        ProviderRegistry registry = ProviderRegistry.of(List.of(new Alpha(null)), List.of());
        assertTrue(registry.byName().isEmpty());
        assertTrue(registry.problems().getFirst().contains("invalid name 'null'"), registry.problems().getFirst());
    }

    @Test
    void shouldReportProviderWhoseNameThrowsAndKeepTheOthers() {
        ProviderRegistry registry = ProviderRegistry.of(List.of(new ThrowingName(), new Beta("ok")),
                List.of("earlier problem"));
        assertEquals(List.of("ok"), new ArrayList<>(registry.byName().keySet()));
        assertEquals("earlier problem", registry.problems().get(0));
        String problem = registry.problems().get(1);
        assertTrue(problem.contains(ThrowingName.class.getName()) && problem.contains("no name today"), problem);
    }

    @Test
    void shouldReportProviderThatCannotBeInstantiatedByClassName(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services/" + AllocatorProvider.class.getName());
        Files.createDirectories(services.getParent());
        String missing = "com.example.DoesNotExist";
        Files.writeString(services, FailsInConstructor.class.getName() + "\n" + missing + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ProviderRegistryTest.class.getClassLoader())) {
            ProviderRegistry registry = ProviderRegistry.discover(loader);
            assertTrue(registry.problems().stream().anyMatch(p -> p.contains(FailsInConstructor.class.getName())),
                    registry.problems()::toString);
            assertTrue(registry.problems().stream().anyMatch(p -> p.contains(missing)),
                    registry.problems()::toString);
            assertTrue(registry.byName().values().stream().noneMatch(FailsInConstructor.class::isInstance));
        }
    }
}
