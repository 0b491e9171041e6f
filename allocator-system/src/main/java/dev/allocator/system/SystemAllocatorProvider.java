package dev.allocator.system;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code system}: creates a {@link SystemAllocator}. It takes no backing allocator, so it is always
 * the last stage of a spec, and two options:
 * <ul>
 *   <li>{@code scopeThreshold} (a size, default {@code 128KiB}): blocks of at least this many bytes get a scope of
 *       their own, closed before they are freed, so that touching one after its free throws
 *       {@link IllegalStateException} instead of faulting on memory the C library may have unmapped. {@code 0}
 *       scopes every block (a use after free of any size then throws; each allocation costs a shared arena and each
 *       free a handshake with every thread).</li>
 *   <li>{@code track} ({@code true} or {@code false}, default {@code true}): record every small allocation, which
 *       every check needs: double, slice and size-mismatch frees rejected, {@code close} freeing what is live, exact
 *       {@code stats}. {@code false} trusts each free as {@code free} does (a double free is undefined; see
 *       {@link SystemAllocator#SystemAllocator(long, boolean)}) and saves the two atomic operations per allocate and
 *       free that the registry costs.</li>
 * </ul>
 *
 * {@snippet :
 * try (Allocator system = Allocators.open("system(scopeThreshold=0)")) {
 *     MemorySegment segment = system.allocate(Layout.of(64));
 *     system.deallocate(segment, Layout.of(64));
 * }
 * }
 */
public final class SystemAllocatorProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("scopeThreshold", "128KiB",
                    "blocks of at least this size get their own scope, closed before free (0: every block)"),
            ProviderOption.optional("track", "true",
                    "record small allocations: double/slice/size-mismatch frees rejected, close frees them, exact"
                            + " stats; false trusts every free like C's free"));

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
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public boolean usesBacking() {
        return false;
    }

    /**
     * Creates a system allocator.
     *
     * @param raw     the options: {@code scopeThreshold}, {@code track}, or none
     * @param backing ignored (pass {@code null})
     * @throws IllegalArgumentException when an option is unknown, {@code scopeThreshold} is not a size or
     *                                  {@code track} is neither {@code true} nor {@code false}
     */
    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        return new SystemAllocator(options.size("scopeThreshold"), options.bool("track"));
    }
}
