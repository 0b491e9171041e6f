package dev.allocator.tests.modulepath;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;

/**
 * Run in a child JVM by {@link ModulePathDiscoveryTest}, from the class path while the API and the system backend
 * sit on the module path: prints one line per provider found, saying whether it came from a named module, then
 * allocates through {@code system} to show the provider works there.
 */
public final class ListProviders {

    private ListProviders() {
    }

    public static void main(String[] args) {
        for (AllocatorProvider provider : Allocators.providers()) {
            Module module = provider.getClass().getModule();
            System.out.println("provider " + provider.name() + " named=" + module.isNamed() + " module="
                    + (module.isNamed() ? module.getName() : "unnamed"));
        }
        for (String problem : Allocators.providerProblems()) {
            System.out.println("problem " + problem);
        }
        try (Allocator system = Allocators.open("system")) {
            MemorySegment segment = system.allocate(Layout.of(64, 64));
            segment.fill((byte) 1);
            system.deallocate(segment, Layout.of(64, 64));
            System.out.println("allocated through " + system.getClass().getModule().getName());
        }
    }
}
