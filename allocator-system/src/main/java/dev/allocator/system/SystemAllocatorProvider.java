package dev.allocator.system;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;

import java.util.Map;

/**
 * The provider named {@code system}: creates a {@link SystemAllocator}. It takes no options and no backing allocator,
 * so it is always the last stage of a spec.
 *
 * {@snippet :
 * try (Allocator system = Allocators.open("system")) {
 *     MemorySegment segment = system.allocate(Layout.of(64));
 *     system.deallocate(segment, Layout.of(64));
 * }
 * }
 */
public final class SystemAllocatorProvider implements AllocatorProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public SystemAllocatorProvider() {
    }

    @Override
    public String name() {
        return "system";
    }

    @Override
    public String description() {
        return "malloc, aligned_alloc, calloc and free from the C library, through the FFM Linker";
    }

    @Override
    public boolean usesBacking() {
        return false;
    }

    /**
     * Creates a system allocator.
     *
     * @param options must be empty
     * @param backing ignored (pass {@code null})
     * @throws IllegalArgumentException when an option is given
     */
    @Override
    public Allocator create(Map<String, String> options, Allocator backing) {
        Options.of(name(), options, options());
        return new SystemAllocator();
    }
}
