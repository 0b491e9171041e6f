package dev.allocator.tests.fault;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider named {@code faulty}, registered in this module's test {@code META-INF/services}: builds a
 * {@link FaultyAllocator} over the next stage of a spec, which it owns, and records it under its {@code id} so that a
 * test can find it after {@code Allocators.open} ({@link #take(String)}).
 *
 * {@snippet :
 * Allocator allocator = Allocators.open("sizeclasses > faulty(id=s, probability=0.1, seed=7) > system");
 * FaultyAllocator faulty = FaultyProvider.take("s");
 * }
 *
 * <p>Options: {@code id} (default {@code faulty}), {@code failEvery} (every Nth allocation call fails; 0: none),
 * {@code failAt} ({@code none}, or call numbers from 1 such as {@code 3}, {@code 5..9} or {@code 20..} joined by
 * {@code ;}), {@code probability} (0 to 1), {@code seed}, {@code mode} ({@code null} | {@code throw}, see
 * {@link FaultyAllocator.Mode}) and {@code armed} ({@code true} | {@code false}). Thread-safe.
 */
public final class FaultyProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("id", "faulty", "the name a test finds it by"),
            ProviderOption.optional("failEvery", "0", "every Nth allocation call fails; 0: none"),
            ProviderOption.optional("failAt", "none", "calls that fail, e.g. 1;5..9;20.."),
            ProviderOption.optional("probability", "0", "each call fails with this probability, 0 to 1"),
            ProviderOption.optional("seed", "1", "the seed of the random failures"),
            ProviderOption.optional("mode", "null", "null: tryAllocate returns null | throw: it throws too"),
            ProviderOption.optional("armed", "true", "whether failures start at once: true | false"));

    /** The latest allocator created under each id. */
    private static final Map<String, FaultyAllocator> CREATED = new ConcurrentHashMap<>();

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public FaultyProvider() {
    }

    /**
     * Forgets and returns the latest allocator created under {@code id}.
     *
     * @param id the {@code id} option of its stage
     * @return the allocator
     * @throws IllegalStateException when none was created under {@code id} since the last take
     */
    public static FaultyAllocator take(String id) {
        FaultyAllocator faulty = poll(id);
        if (faulty == null) {
            throw new IllegalStateException("no faulty stage was opened with id=" + id);
        }
        return faulty;
    }

    /**
     * Forgets and returns the latest allocator created under {@code id}, if any.
     *
     * @param id the {@code id} option of its stage
     * @return the allocator, or {@code null}
     */
    public static FaultyAllocator poll(String id) {
        return CREATED.remove(id);
    }

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public String description() {
        return "makes the next stage fail at chosen or random calls, and counts what passes (tests only)";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        FaultPlan plan = FaultPlan.of(options);
        FaultyAllocator faulty = new FaultyAllocator(options.string("id"), backing, plan,
                options.choice("mode", FaultyAllocator.Mode.class), options.bool("armed"));
        CREATED.put(faulty.id(), faulty);
        return faulty;
    }
}
