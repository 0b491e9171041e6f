package dev.allocator.api;

import dev.allocator.api.internal.FallbackAllocator;
import dev.allocator.api.internal.NonClosingAllocator;
import dev.allocator.api.internal.ProviderRegistry;
import dev.allocator.api.internal.SharedBacking;
import dev.allocator.api.internal.SpecChain;
import dev.allocator.api.internal.SpecChoice;
import dev.allocator.api.internal.SpecNode;
import dev.allocator.api.internal.SpecParser;
import dev.allocator.api.internal.SpecStage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds allocator providers through {@link java.util.ServiceLoader} and opens allocators from specs.
 *
 * <p>A spec is stages joined by {@code >}; each stage is built over the one to its right, and the last over
 * {@code system} unless it is {@code system} (or another provider that takes no backing allocator):
 * {@snippet :
 * try (Allocator frames = Allocators.open("pool(blockSize=2KiB, capacity=4096) > system")) {
 *     MemorySegment frame = frames.allocate(Layout.of(2048, 64));
 *     frames.deallocate(frame, Layout.of(2048, 64));
 * }
 * }
 * Sizes take the units {@code B}, {@code KiB}, {@code MiB} and {@code GiB}; numbers are ASCII digits with underscores
 * only between two digits ({@code 1_000}; see {@link Options#parseSize(String)}). Parentheses nest at most 32 deep and
 * a spec has at most 64 stages. {@code a | b} falls back from
 * {@code a} to {@code b}; {@code >} binds tighter than {@code |} and parentheses group:
 * {@code checked(onLeak=throw) > (pool(blockSize=256, capacity=4096) | system)}. {@link #open(String)} returns the
 * top stage itself, so it can be cast to the class its provider documents; closing it closes every stage beneath
 * it, top first.
 *
 * <p>Providers are found once, with the class loader that loaded this class (on the module path: every module in
 * the boot layer that {@code provides dev.allocator.api.AllocatorProvider}). A provider that cannot be loaded does
 * not stop the others: it is reported by class name in {@link #providerProblems()} and logged as a warning.
 *
 * <p>The {@linkplain #defaultAllocator() default allocator} is chosen in this order: the spec in the system property
 * {@value #SPEC_PROPERTY}, when set; else the {@code system} provider.
 *
 * <p>All methods are thread-safe.
 */
public final class Allocators {

    /** The system property naming the spec of {@link #defaultAllocator()}. */
    public static final String SPEC_PROPERTY = "dev.allocator.spec";

    private static final String SYSTEM = "system";

    private Allocators() {
    }

    /** Discovery runs once, on first use. */
    private static final class Registry {
        static final ProviderRegistry INSTANCE = discover();

        private static ProviderRegistry discover() {
            ProviderRegistry registry = ProviderRegistry.discover(Allocators.class.getClassLoader());
            System.Logger logger = System.getLogger(Allocators.class.getName());
            for (String problem : registry.problems()) {
                logger.log(System.Logger.Level.WARNING, problem);
            }
            return registry;
        }
    }

    /** Guards the creation of {@link #system} and {@link #defaultAllocator}. */
    private static final Object LOCK = new Object();
    /** The process-wide system allocator once created; a failed attempt leaves it null, and the next call retries. */
    private static volatile Allocator system;
    /** The process-wide default allocator once created; likewise. */
    private static volatile Allocator defaultAllocator;

    /**
     * Every usable provider found through {@link java.util.ServiceLoader}, sorted by name.
     *
     * @return the providers
     */
    public static Collection<AllocatorProvider> providers() {
        return Registry.INSTANCE.byName().values();
    }

    /**
     * The provider of that name.
     *
     * @param name a provider name, such as {@code "pool"}
     * @return the provider, or empty when none has that name
     */
    public static Optional<AllocatorProvider> provider(String name) {
        return Optional.ofNullable(Registry.INSTANCE.byName().get(name));
    }

    /**
     * Providers that were found but could not be used, one line each, naming the provider's class and the problem
     * (also logged as warnings through {@link System.Logger}).
     *
     * @return the problems, empty when every provider loaded
     */
    public static List<String> providerProblems() {
        return Registry.INSTANCE.problems();
    }

    /**
     * The process-wide system allocator (malloc and free). It lives as long as the JVM: its {@code close()} does
     * nothing. Use {@code open("system")} for one of your own. Created on first use; a call that fails leaves nothing
     * behind, so every later call fails the same way (or succeeds once the cause is gone).
     *
     * @return the system allocator
     * @throws IllegalStateException when no provider named {@code system} is found (add
     *                               {@code dev.allocator:allocator-system}); the message says so
     */
    public static Allocator system() {
        Allocator result = system;
        if (result == null) {
            synchronized (LOCK) {
                if (system == null) {
                    system = new NonClosingAllocator(openSystem());
                }
                result = system;
            }
        }
        return result;
    }

    private static Allocator openSystem() {
        if (provider(SYSTEM).isEmpty()) {
            String known = String.join(", ", Registry.INSTANCE.byName().keySet());
            throw new IllegalStateException("no allocator provider named '" + SYSTEM + "' was found: add "
                    + "dev.allocator:allocator-system to the class path or module path (providers found: "
                    + (known.isEmpty() ? "none" : known) + ")");
        }
        return open(SYSTEM);
    }

    /**
     * The process-wide default allocator: the spec in the system property {@value #SPEC_PROPERTY} when it is set,
     * else {@link #system()}. Opened on first use; its {@code close()} does nothing. A call that fails leaves nothing
     * behind: every later call reads the property again and fails the same way while it stays bad.
     *
     * @return the default allocator
     * @throws SpecException         when the property holds a spec that cannot be opened: the message names the
     *                               property and shows its value; the cause is the {@code SpecException} of
     *                               {@link #open(String)}
     * @throws IllegalStateException when a provider of the property's spec fails to create its allocator (the
     *                               message names the property and its value, the cause is the provider's error),
     *                               or, without the property, when {@link #system()} throws
     */
    public static Allocator defaultAllocator() {
        Allocator result = defaultAllocator;
        if (result == null) {
            synchronized (LOCK) {
                if (defaultAllocator == null) {
                    defaultAllocator = openDefault(System.getProperty(SPEC_PROPERTY));
                }
                result = defaultAllocator;
            }
        }
        return result;
    }

    private static Allocator openDefault(String spec) {
        if (spec == null || spec.isBlank()) {
            return system();
        }
        try {
            return new NonClosingAllocator(open(spec));
        } catch (SpecException e) {
            throw new SpecException("bad spec in the system property " + SPEC_PROPERTY + ": " + e.problem(), spec,
                    e.column(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the default allocator cannot be opened from the system property "
                    + SPEC_PROPERTY + "=" + spec + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an allocator from a spec, such as {@code pool(blockSize=64, capacity=4096) > arena(chunkSize=1MiB)} or
     * {@code pool(blockSize=64, capacity=1024) | system}.
     *
     * <p>{@code >} builds the stage on its left over the one on its right; {@code |} tries the left side first and
     * falls back to the right one when it cannot satisfy a request (deallocations go to whichever
     * {@linkplain Allocator#owns owns} the segment); {@code >} binds tighter than {@code |}, and parentheses group.
     * The alternatives of a group followed by {@code >} share one instance of what follows:
     * {@code (pool(blockSize=64, capacity=1024) | pool(blockSize=4KiB, capacity=64)) > arena} builds one arena.
     *
     * @param spec the spec
     * @return the top stage, owning every stage beneath it
     * @throws SpecException     when the spec has a syntax error, names an unknown provider or option, leaves out a
     *                           required option or gives a bad value; the message says which and where, and lists
     *                           what is accepted
     * @throws RuntimeException  what a provider throws when it cannot create its allocator (e.g.
     *                           {@link AllocationException} when a pool's slab cannot be allocated); the stages
     *                           already created are closed first
     * @throws NullPointerException when {@code spec} is null
     */
    public static Allocator open(String spec) {
        SpecNode root = SpecParser.parse(spec);
        validate(spec, root, false);
        return build(spec, root, null);
    }

    /**
     * Checks names and options everywhere before anything is built, so a bad spec allocates nothing.
     *
     * @param followed whether a stage follows this node (it is left of a {@code >})
     */
    private static void validate(String spec, SpecNode node, boolean followed) {
        switch (node) {
            case SpecStage stage -> {
                AllocatorProvider provider = resolve(spec, stage);
                checkOptionNames(spec, stage, provider);
            }
            case SpecChain chain -> {
                List<SpecNode> parts = chain.parts();
                for (int i = 0; i < parts.size(); i++) {
                    boolean last = i == parts.size() - 1;
                    validate(spec, parts.get(i), !last || followed);
                    if (!last) {
                        requireTakesBacking(spec, parts.get(i), parts.get(i + 1).column());
                    }
                }
            }
            case SpecChoice choice -> {
                for (SpecNode alternative : choice.alternatives()) {
                    validate(spec, alternative, followed);
                }
            }
        }
    }

    /** Fails when the bottom of {@code node} takes no backing allocator but a stage follows it. */
    private static void requireTakesBacking(String spec, SpecNode node, int followerColumn) {
        switch (node) {
            case SpecStage stage -> {
                if (!resolve(spec, stage).usesBacking()) {
                    throw new SpecException(stage.name() + " takes no backing allocator, so no stage may follow it",
                            spec, followerColumn, null);
                }
            }
            case SpecChain chain -> requireTakesBacking(spec, chain.parts().getLast(), followerColumn);
            case SpecChoice choice -> {
                for (SpecNode alternative : choice.alternatives()) {
                    requireTakesBacking(spec, alternative, followerColumn);
                }
            }
        }
    }

    /**
     * Builds {@code node} over {@code below}, which it then owns; {@code below == null} means each bottom stage that
     * takes a backing allocator gets a {@code system} allocator of its own. On failure everything built here, and
     * {@code below}, is closed.
     */
    private static Allocator build(String spec, SpecNode node, Allocator below) {
        return switch (node) {
            case SpecStage stage -> {
                AllocatorProvider provider = resolve(spec, stage);
                Allocator backing = below;
                if (provider.usesBacking() && backing == null) {
                    SpecStage implicit = new SpecStage(SYSTEM, stage.column(), Map.of(), Map.of());
                    backing = create(spec, implicit, resolve(spec, implicit), null);
                }
                yield create(spec, stage, provider, backing);
            }
            case SpecChain chain -> {
                Allocator current = below;
                List<SpecNode> parts = chain.parts();
                for (int i = parts.size() - 1; i >= 0; i--) {
                    current = build(spec, parts.get(i), current);
                }
                yield current;
            }
            case SpecChoice choice -> buildChoice(spec, choice, below);
        };
    }

    /**
     * An allocator that tries {@code primary} and, when it cannot satisfy a request, {@code secondary} (the code form
     * of {@code primary | secondary}). Deallocations and {@code owns} are routed by {@link Allocator#owns}; closing it
     * closes both.
     * {@snippet :
     * Allocator frames = Allocators.fallback(Allocators.open("pool(blockSize=2KiB, capacity=1024)"),
     *         Allocators.open("system"));
     * }
     *
     * @param primary   tried first
     * @param secondary tried when the primary cannot satisfy a request
     * @return the fallback allocator, owning both
     */
    public static Allocator fallback(Allocator primary, Allocator secondary) {
        return new FallbackAllocator(primary, secondary);
    }

    private static Allocator buildChoice(String spec, SpecChoice choice, Allocator below) {
        SharedBacking shared = below == null ? null : new SharedBacking(below);
        List<Allocator> built = new ArrayList<>();
        try {
            for (SpecNode alternative : choice.alternatives()) {
                built.add(build(spec, alternative, shared == null ? null : shared.handle()));
            }
        } catch (RuntimeException | Error e) {
            for (Allocator allocator : built) {
                closeQuietly(allocator, e);
            }
            if (shared != null && built.isEmpty()) {
                try {
                    shared.closeIfUnused();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        Allocator result = built.getLast();
        for (int i = built.size() - 2; i >= 0; i--) {
            result = new FallbackAllocator(built.get(i), result);
        }
        return result;
    }

    private static AllocatorProvider resolve(String spec, SpecStage stage) {
        AllocatorProvider provider = Registry.INSTANCE.byName().get(stage.name());
        if (provider == null) {
            String known = String.join(", ", Registry.INSTANCE.byName().keySet());
            String hint = stage.name().equals(SYSTEM) ? " (is dev.allocator:allocator-system on the path?)" : "";
            throw new SpecException("unknown allocator '" + stage.name() + "'" + hint + "; known: "
                    + (known.isEmpty() ? "none" : known), spec, stage.column(), null);
        }
        return provider;
    }

    private static void checkOptionNames(String spec, SpecStage stage, AllocatorProvider provider) {
        List<ProviderOption> declared = provider.options();
        for (Map.Entry<String, Integer> option : stage.optionColumns().entrySet()) {
            boolean known = declared.stream().anyMatch(d -> d.name().equals(option.getKey()));
            if (!known) {
                throw new SpecException(stage.name() + " has no option '" + option.getKey() + "'; accepted: "
                        + Options.describe(declared), spec, option.getValue(), null);
            }
        }
        List<String> missing = declared.stream()
                .filter(d -> d.required() && !stage.options().containsKey(d.name()))
                .map(ProviderOption::name)
                .toList();
        if (!missing.isEmpty()) {
            throw new SpecException(stage.name() + " needs option" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + "; accepted: " + Options.describe(declared), spec,
                    stage.column(), null);
        }
    }

    private static Allocator create(String spec, SpecStage stage, AllocatorProvider provider, Allocator backing) {
        Allocator created;
        try {
            created = provider.create(stage.options(), provider.usesBacking() ? backing : null);
        } catch (IllegalArgumentException e) {
            closeQuietly(backing, e);
            throw new SpecException(e.getMessage(), spec, stage.column(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(backing, e);
            throw e;
        }
        if (created == null) {
            closeQuietly(backing, null);
            throw new IllegalStateException("allocator provider " + provider.getClass().getName()
                    + " returned null from create for stage '" + stage.name() + "'");
        }
        return created;
    }

    private static void closeQuietly(Allocator allocator, Throwable primary) {
        if (allocator == null) {
            return;
        }
        try {
            allocator.close();
        } catch (RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
