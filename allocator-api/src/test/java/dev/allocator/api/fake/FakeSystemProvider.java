package dev.allocator.api.fake;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;

import java.util.Map;

/** Stands in for the real {@code system} provider, which the API module cannot see. */
public final class FakeSystemProvider implements AllocatorProvider {

    @Override
    public String name() {
        return "system";
    }

    @Override
    public boolean usesBacking() {
        return false;
    }

    @Override
    public Allocator create(Map<String, String> options, Allocator backing) {
        Options.of(name(), options, options());
        return new RecordingAllocator("system", null);
    }
}
