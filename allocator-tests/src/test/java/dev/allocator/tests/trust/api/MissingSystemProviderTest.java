package dev.allocator.tests.trust.api;

import dev.allocator.api.Allocators;
import dev.allocator.api.SpecException;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The API, the pool, the arena and the compose module without {@code allocator-system}: a fresh copy of their
 * classes in a class loader of their own, with every entry of the class path but the system allocator's and the
 * tests'. The process-wide allocators say what is missing at every call, and specs say it as a {@link SpecException}.
 */
class MissingSystemProviderTest {

    private static ClassLoader withoutSystemProvider() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            boolean needed = entry.contains("allocator-api") || entry.contains("allocator-pool")
                    || entry.contains("allocator-arena") || entry.contains("allocator-compose");
            if (needed && !entry.contains("test-classes")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** What the fresh {@code Allocators.method(args)} threw; fails when it returned. */
    private static Throwable thrownBy(ClassLoader loader, String method, Object... args) throws Exception {
        Class<?> allocators = Class.forName(Allocators.class.getName(), true, loader);
        Method call = args.length == 0 ? allocators.getMethod(method) : allocators.getMethod(method, String.class);
        try {
            call.invoke(null, args);
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
        return fail(method + " should have thrown");
    }

    @Test
    void shouldSayWhatIsMissingAtEveryCall() throws Exception {
        ClassLoader loader = withoutSystemProvider();
        for (String method : List.of("system", "defaultAllocator", "system")) {
            Throwable thrown = thrownBy(loader, method);
            assertEquals(IllegalStateException.class.getName(), thrown.getClass().getName(), thrown::toString);
            assertTrue(thrown.getMessage().contains("no allocator provider named 'system' was found: add "
                    + "dev.allocator:allocator-system"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("providers found: arena,"), thrown.getMessage());
        }
        Throwable spec = thrownBy(loader, "open", "pool(blockSize=64, capacity=4)");
        assertEquals(SpecException.class.getName(), spec.getClass().getName(), spec::toString);
        assertTrue(spec.getMessage().contains("unknown allocator 'system' (is dev.allocator:allocator-system on the "
                + "path?)"), spec.getMessage());
    }
}
