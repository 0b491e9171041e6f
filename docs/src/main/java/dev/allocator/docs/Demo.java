package dev.allocator.docs;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.Options;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The demo: lists the providers found through {@link java.util.ServiceLoader}, opens a spec, allocates and frees,
 * and prints the stats.
 *
 * {@snippet lang = shell :
 * ./mvnw -q -pl docs -am -Pdemo verify -DskipTests -Ddemo.spec="arena(chunkSize=64KiB) > system"
 * }
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args the spec to open (one argument), or none for {@code pool(blockSize=256, capacity=1024) > system}
     */
    public static void main(String[] args) {
        String spec = args.length > 0 ? String.join(" ", args) : "pool(blockSize=256, capacity=1024) > system";

        System.out.println("Providers found through ServiceLoader:");
        for (AllocatorProvider provider : Allocators.providers()) {
            System.out.printf("  %-12s %s%n               module %s; options: %s%n", provider.name(), provider.description(),
                    provider.getClass().getModule().getName(), Options.describe(provider.options()));
        }
        for (String problem : Allocators.providerProblems()) {
            System.out.println("  problem: " + problem);
        }

        System.out.println();
        System.out.println("Opening: " + spec);
        try (Allocator allocator = Allocators.open(spec)) {
            System.out.println("  got " + allocator + " (" + allocator.getClass().getName() + ")");
            Layout layout = Layout.of(256, 64);
            MemorySegment[] segments = new MemorySegment[1000];
            for (int i = 0; i < segments.length; i++) {
                segments[i] = allocator.allocate(layout);
                segments[i].set(ValueLayout.JAVA_INT, 0, i);
            }
            System.out.println("  allocated " + segments.length + " segments of " + layout + ": " + allocator.stats());
            for (int i = 0; i < segments.length; i++) {
                if (segments[i].get(ValueLayout.JAVA_INT, 0) != i) {
                    throw new AssertionError("segment " + i + " lost its contents");
                }
                allocator.deallocate(segments[i], layout);
            }
            System.out.println("  freed them all:                       " + allocator.stats());

            MemorySegment greeting = allocator.allocateFrom("hello from " + allocator);
            System.out.println("  JDK interop, allocateFrom(String):    \"" + greeting.getString(0) + "\"");
            allocator.deallocate(greeting, Layout.of(greeting.byteSize()));
            System.out.println("  final " + allocator);
        }
    }
}
