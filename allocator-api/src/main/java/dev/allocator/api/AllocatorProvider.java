package dev.allocator.api;

import java.util.List;
import java.util.Map;

/**
 * The service-provider interface: one implementation per kind of allocator, found through
 * {@link java.util.ServiceLoader} and named in specs ({@code pool(blockSize=64, capacity=4096) > system}).
 *
 * <p>Register an implementation both ways, so it is found on the module path and on the class path:
 * {@snippet :
 * // module-info.java
 * module com.example.slab {
 *     requires dev.allocator.api;
 *     provides dev.allocator.api.AllocatorProvider with com.example.slab.SlabProvider;
 * }
 * // and the file META-INF/services/dev.allocator.api.AllocatorProvider containing:
 * // com.example.slab.SlabProvider
 * }
 *
 * <p>Implementations need a public no-argument constructor (or a public static {@code provider()} method on the
 * module path) and must be thread-safe.
 */
public interface AllocatorProvider {

    /**
     * The name specs use for this provider: lower-case letters, digits, {@code -} and {@code _}, starting with a
     * letter.
     *
     * @return the name, e.g. {@code "pool"}
     */
    String name();

    /**
     * One line saying what this provider's allocators do, for listings.
     *
     * @return the description
     */
    default String description() {
        return name();
    }

    /**
     * The options a spec stage may give this provider, for validation and error messages. A spec naming an option
     * not in this list is rejected before {@link #create} is called, and so is one that leaves out a required option.
     *
     * @return the options, in the order they should be listed
     */
    default List<ProviderOption> options() {
        return List.of();
    }

    /**
     * Whether the allocators this provider creates take their memory from a backing allocator. Providers that go to
     * the operating system themselves ({@code system}) return {@code false}; a spec may then put no stage after
     * them.
     *
     * @return {@code true} when {@link #create} needs a backing allocator
     */
    default boolean usesBacking() {
        return true;
    }

    /**
     * Creates an allocator.
     *
     * <p>The new allocator <b>owns</b> {@code backing}: its {@link Allocator#close()} must give its memory back to
     * {@code backing} and then close it. If this method throws, it must leave {@code backing} open (the caller
     * closes it).
     *
     * @param options the stage's options by name, as written in the spec (values are text; {@link Options} parses
     *                them); options left out are absent
     * @param backing the allocator to take memory from, or {@code null} when {@link #usesBacking()} is false
     * @return a new allocator
     * @throws IllegalArgumentException when an option's value is bad; the message names the option and the value
     */
    Allocator create(Map<String, String> options, Allocator backing);
}
