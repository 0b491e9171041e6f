package dev.allocator.api.fake;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;

import java.util.Map;

/** Listed in META-INF/services but cannot be instantiated: discovery must report it and go on. */
public final class BrokenProvider implements AllocatorProvider {

    public BrokenProvider() {
        throw new IllegalStateException("broken on purpose");
    }

    @Override
    public String name() {
        return "broken";
    }

    @Override
    public Allocator create(Map<String, String> options, Allocator backing) {
        throw new UnsupportedOperationException();
    }
}
