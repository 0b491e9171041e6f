package dev.allocator.secure;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code secure}: creates a {@link SecureAllocator}. It takes no backing allocator (it maps its
 * own pages, so it is the last stage of a spec) and no options: every protection is always on, so that a spec cannot
 * quietly weaken it.
 *
 * {@snippet :
 * try (Allocator tokens = Allocators.open("pool(blockSize=64, capacity=1024, wipe=always) > secure")) {
 *     MemorySegment token = tokens.allocate(Layout.of(64));
 *     tokens.deallocate(token, Layout.of(64));   // wiped by the pool; the slab is wiped by secure on close
 * }
 * }
 */
public final class SecureAllocatorProvider implements AllocatorProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public SecureAllocatorProvider() {
    }

    @Override
    public String name() {
        return "secure";
    }

    @Override
    public String description() {
        return "memory for secrets: guard pages, mlock, no core dumps, canaries, access toggles, wiped on free";
    }

    @Override
    public List<ProviderOption> options() {
        return List.of();
    }

    @Override
    public boolean usesBacking() {
        return false;
    }

    /**
     * Creates a secure allocator.
     *
     * @param raw     no options
     * @param backing ignored (pass {@code null})
     * @throws IllegalArgumentException when an option is given
     */
    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options.of(name(), raw, options());
        return new SecureAllocator();
    }
}
