package dev.allocator.api.fake;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A stage over a backing allocator, with one required and two optional options. */
public final class StageProvider implements AllocatorProvider {

    @Override
    public String name() {
        return "stage";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of(ProviderOption.required("label", "name recorded on close"),
                ProviderOption.optional("size", "0", "a size, parsed to check it"),
                ProviderOption.optional("fail", "false", "true: create throws IllegalStateException"));
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, options());
        options.size("size");
        if (options.bool("fail")) {
            throw new IllegalStateException("stage refused to start");
        }
        return new RecordingAllocator(options.string("label"), Objects.requireNonNull(backing, "backing"));
    }
}
