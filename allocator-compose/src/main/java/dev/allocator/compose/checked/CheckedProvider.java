package dev.allocator.compose.checked;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code checked}: a {@link CheckedAllocator} over the stage beneath it.
 *
 * {@snippet :
 * Allocator allocator = Allocators.open("checked(onLeak=throw, sites=true) > system");
 * }
 */
public final class CheckedProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("onLeak", "log", "what close() does about leaks: log | throw | free"),
            ProviderOption.optional("sites", "false", "record where each allocation was made: true | false"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public CheckedProvider() {
    }

    @Override
    public String name() {
        return "checked";
    }

    @Override
    public String description() {
        return "tracks live allocations, rejects double/foreign frees and size mismatches, reports leaks on close";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        return new CheckedAllocator(backing, options.choice("onLeak", LeakPolicy.class), options.bool("sites"), true);
    }
}
