/**
 * The allocator API: {@link dev.allocator.api.Allocator}, {@link dev.allocator.api.Layout}, the
 * {@link dev.allocator.api.AllocatorProvider} SPI and {@link dev.allocator.api.Allocators}, which finds providers
 * through {@link java.util.ServiceLoader} and opens allocators from spec strings.
 *
 * <p>This module depends on the JDK alone. Backends ({@code dev.allocator.system}, {@code dev.allocator.pool},
 * {@code dev.allocator.arena}) {@code provides} their {@code AllocatorProvider}; third parties do the same, or list
 * their provider in {@code META-INF/services/dev.allocator.api.AllocatorProvider} on the class path.
 */
module dev.allocator.api {
    exports dev.allocator.api;

    uses dev.allocator.api.AllocatorProvider;
}
