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
 * <p>Options:
 * <ul>
 *   <li>{@code onLeak} ({@code log} | {@code throw} | {@code free}, default {@code log}): what close() does about
 *       leaks ({@link LeakPolicy}).</li>
 *   <li>{@code sites} ({@code true} | {@code false}, default {@code false}): record where each allocation was made,
 *       named in every report.</li>
 *   <li>{@code scopes} ({@code true} | {@code false}, default {@code true}): each allocation gets a scope of its own,
 *       closed when it is freed, so a use after free throws {@link IllegalStateException}.</li>
 *   <li>{@code guard} (a size from 0 to 4KiB, default {@code 16}): guard bytes before and after each allocation,
 *       verified on free and at close, to catch overruns by native code; 0 for none.</li>
 *   <li>{@code quarantine} (a size, default {@code 1MiB}): freed blocks held back, filled with a pattern that is
 *       verified when they leave, to catch writes after free through raw addresses; 0 for none.</li>
 * </ul>
 * A bad value makes {@code Allocators.open} throw {@link dev.allocator.api.SpecException} naming it.
 *
 * {@snippet :
 * Allocator allocator = Allocators.open("checked(onLeak=throw, sites=true) > system");
 * Allocator bookkeepingOnly = Allocators.open("checked(scopes=false, guard=0, quarantine=0) > system");
 * }
 */
public final class CheckedProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("onLeak", "log", "what close() does about leaks: log | throw | free"),
            ProviderOption.optional("sites", "false", "record where each allocation was made: true | false"),
            ProviderOption.optional("scopes", "true",
                    "each allocation gets its own scope, closed on free, so a use after free throws: true | false"),
            ProviderOption.optional("guard", "16",
                    "guard bytes before and after each allocation, verified on free and close: 0 to 4KiB"),
            ProviderOption.optional("quarantine", "1MiB",
                    "bytes of freed blocks held back, filled with a pattern verified when they leave: a size, 0 off"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public CheckedProvider() {
    }

    @Override
    public String name() {
        return "checked";
    }

    @Override
    public String description() {
        return "tracks live allocations, rejects double/foreign frees and size mismatches, reports leaks on close, "
                + "catches use after free, overruns and writes after free";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        Coverage coverage = new Coverage(options.bool("scopes"), options.size("guard"), options.size("quarantine"));
        return new CheckedAllocator(backing, options.choice("onLeak", LeakPolicy.class), options.bool("sites"),
                coverage, true);
    }
}
