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

    /**
     * Records nothing and returns {@code false}: the allocator wrapped here is never closed, so nothing built over
     * it needs closing first, and a process-wide list of every arena and pool ever built over it (scanned under one
     * lock at each registration) would only cost time and hold on to what callers forgot to close.
     */
    @Override
    public boolean addDependent(AutoCloseable dependent) {
        Objects.requireNonNull(dependent, "dependent");
        return false;
    }

    /** Does nothing: see {@link #addDependent}. */
    @Override
    public void removeDependent(AutoCloseable dependent) {
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
