package dev.allocator.tests.thirdparty;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * A provider that lives only in this module's test classes, registered in its own
 * {@code META-INF/services/dev.allocator.api.AllocatorProvider}: proof that a third party can plug in.
 */
public final class CountingProvider implements AllocatorProvider {

    @Override
    public String name() {
        return "counting";
    }

    @Override
    public String description() {
        return "counts calls and passes them to the allocator beneath";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(ProviderOption.optional("label", "counting", "recorded when it closes"));
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, options());
        return new CountingAllocator(options.string("label"), backing);
    }
}
