package dev.allocator.api.internal;

import dev.allocator.api.AllocatorProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The providers found through {@link ServiceLoader}, by name, and the problems met while finding them.
 *
 * <p>Discovery never fails as a whole: a provider class that cannot be loaded or instantiated, one with an invalid
 * name, and a second provider claiming a name already taken are each recorded as a problem naming the class, and the
 * rest are used. When two providers claim one name, the one whose class name sorts first wins, so the choice does not
 * depend on class-path order.
 *
 * @param byName   the usable providers, sorted by name
 * @param problems one line per provider that could not be used
 */
public record ProviderRegistry(Map<String, AllocatorProvider> byName, List<String> problems) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    /** A bound on iterator errors in a row, so a broken loader cannot spin forever. */
    private static final int MAX_ERRORS = 1000;

    /**
     * Finds every provider visible to {@code loader}.
     *
     * @param loader the class loader to search (on the module path, providers in named modules are found too)
     * @return the registry
     */
    public static ProviderRegistry discover(ClassLoader loader) {
        List<AllocatorProvider> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Iterator<AllocatorProvider> iterator = ServiceLoader.load(AllocatorProvider.class, loader).iterator();
        int errors = 0;
        while (errors < MAX_ERRORS) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.add(iterator.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                errors++;
                problems.add("allocator provider could not be loaded: " + e.getMessage());
            }
        }
        return of(found, problems);
    }

    /**
     * Builds a registry from providers already instantiated.
     *
     * @param found    the providers
     * @param problems problems met so far, added to
     * @return the registry
     */
    public static ProviderRegistry of(List<AllocatorProvider> found, List<String> problems) {
        List<AllocatorProvider> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing(p -> p.getClass().getName()));
        Map<String, AllocatorProvider> byName = new TreeMap<>();
        List<String> allProblems = new ArrayList<>(problems);
        for (AllocatorProvider provider : sorted) {
            String className = provider.getClass().getName();
            String name;
            try {
                name = provider.name();
            } catch (RuntimeException e) {
                allProblems.add("allocator provider " + className + " failed in name(): " + e);
                continue;
            }
            if (name == null || !NAME.matcher(name).matches()) {
                allProblems.add("allocator provider " + className + " has an invalid name '" + name
                        + "' (must match " + NAME.pattern() + ")");
                continue;
            }
            AllocatorProvider previous = byName.putIfAbsent(name, provider);
            if (previous != null) {
                allProblems.add("allocator providers " + previous.getClass().getName() + " and " + className
                        + " both claim the name '" + name + "'; using " + previous.getClass().getName());
            }
        }
        return new ProviderRegistry(Collections.unmodifiableMap(byName), List.copyOf(allProblems));
    }
}
