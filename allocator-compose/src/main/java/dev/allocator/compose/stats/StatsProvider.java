package dev.allocator.compose.stats;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code stats}: a {@link StatsAllocator} over the stage beneath it.
 *
 * {@snippet :
 * Allocator allocator = Allocators.open("stats(name=frames, sites=true) > pool(blockSize=2KiB, capacity=4096)");
 * }
 */
public final class StatsProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("name", "allocator", "the name under dev.allocator:type=Allocator in JMX"),
            ProviderOption.optional("sites", "false", "count allocations by call site: true | false"),
            ProviderOption.optional("jmx", "true", "register an MXBean: true | false"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public StatsProvider() {
    }

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public String description() {
        return "counters by size and call site, exported through JMX and JFR";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        return new StatsAllocator(options.string("name"), backing, options.bool("sites"), options.bool("jmx"), true);
    }
}
