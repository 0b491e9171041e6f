package dev.allocator.api.internal;

import dev.allocator.api.Allocator;

import java.util.Objects;

/**
 * A process-wide allocator ({@code Allocators.system()}, {@code Allocators.defaultAllocator()}): every call goes to
 * the allocator it wraps, except {@link #close()}, which does nothing, so one careless try-with-resources cannot break
 * the default for the whole process.
 */
public final class NonClosingAllocator extends DelegatingAllocator {

    /**
     * Wraps an allocator.
     *
     * @param delegate the allocator that does the work, never closed through this wrapper
     */
    public NonClosingAllocator(Allocator delegate) {
        super(Objects.requireNonNull(delegate, "delegate"));
    }

    /** Does nothing: the process-wide allocator lives as long as the JVM. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return delegate + " (process-wide)";
    }
}
