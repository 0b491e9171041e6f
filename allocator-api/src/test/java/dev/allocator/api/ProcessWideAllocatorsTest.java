package dev.allocator.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Allocators#system()} and {@link Allocators#defaultAllocator()} when they cannot be opened: each call throws
 * the documented exception, never an {@code Error} from a class that failed to initialise, and a later call behaves
 * the same. Each test loads a fresh copy of the API in a class loader of its own, so its first use is really the
 * first.
 */
class ProcessWideAllocatorsTest {

    /** A fresh copy of the API's classes, with the fake providers of this module's tests or with none. */
    private static ClassLoader freshApi(boolean withFakeProviders) throws Exception {
        List<URL> path = new ArrayList<>();
        path.add(Allocators.class.getProtectionDomain().getCodeSource().getLocation());
        if (withFakeProviders) {
            path.add(ProcessWideAllocatorsTest.class.getProtectionDomain().getCodeSource().getLocation());
        }
        return new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** Calls a static no-argument method of the fresh {@code Allocators}; returns what it threw, or fails. */
    private static Throwable thrownBy(ClassLoader api, String method) throws Exception {
        Method call = Class.forName(Allocators.class.getName(), true, api).getMethod(method);
        try {
            call.invoke(null);
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
        return fail(method + "() should have thrown");
    }

    @Test
    void shouldThrowIllegalStateNamingTheMissingSystemProviderAtEachCall() throws Exception {
        ClassLoader api = freshApi(false);
        for (String method : List.of("system", "system", "defaultAllocator", "defaultAllocator")) {
            Throwable thrown = thrownBy(api, method);
            assertEquals(IllegalStateException.class.getName(), thrown.getClass().getName(), thrown::toString);
            assertTrue(thrown.getMessage().contains("no allocator provider named 'system' was found")
                    && thrown.getMessage().contains("dev.allocator:allocator-system")
                    && thrown.getMessage().contains("providers found: none"), thrown.getMessage());
        }
    }

    /** What a test runs while the property holds a value. */
    private interface Scenario {
        void run(ClassLoader api) throws Exception;
    }

    /** Runs {@code scenario} over a fresh API while {@link Allocators#SPEC_PROPERTY} is {@code spec}. */
    private static void withProperty(String spec, Scenario scenario) throws Exception {
        String before = System.getProperty(Allocators.SPEC_PROPERTY);
        System.setProperty(Allocators.SPEC_PROPERTY, spec);
        try {
            scenario.run(freshApi(true));
        } finally {
            if (before == null) {
                System.clearProperty(Allocators.SPEC_PROPERTY);
            } else {
                System.setProperty(Allocators.SPEC_PROPERTY, before);
            }
        }
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void shouldThrowSpecExceptionNamingTheBadPropertyAtEachCall() throws Exception {
        withProperty("stage(label=a) > pol", api -> {
            for (int call = 0; call < 3; call++) {
                Throwable thrown = thrownBy(api, "defaultAllocator");
                assertEquals(SpecException.class.getName(), thrown.getClass().getName(), thrown::toString);
                assertEquals("at column 18: bad spec in the system property dev.allocator.spec: unknown allocator "
                        + "'pol'; known: stage, system\n  stage(label=a) > pol\n                   ^",
                        thrown.getMessage());
                assertNotNull(thrown.getCause());
                assertEquals(SpecException.class.getName(), thrown.getCause().getClass().getName());
            }
            Method system = Class.forName(Allocators.class.getName(), true, api).getMethod("system");
            assertSame(system.invoke(null), system.invoke(null), "the system allocator opens regardless");
        });
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void shouldNameThePropertyWhenAProviderOfItsSpecFails() throws Exception {
        withProperty("stage(label=a, fail=true)", api -> {
            for (int call = 0; call < 2; call++) {
                Throwable thrown = thrownBy(api, "defaultAllocator");
                assertEquals(IllegalStateException.class.getName(), thrown.getClass().getName(), thrown::toString);
                assertTrue(thrown.getMessage().startsWith("the default allocator cannot be opened from the system "
                        + "property dev.allocator.spec=stage(label=a, fail=true): "), thrown.getMessage());
                assertNotNull(thrown.getCause());
            }
        });
    }
}
