package dev.allocator.api.internal;

import dev.allocator.api.Allocator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backing allocator shared by the alternatives of a choice ({@code (a | b) > arena}): each alternative gets a
 * {@link #handle()} that it owns and closes, and the backing allocator is closed when the last handle is.
 */
public final class SharedBacking {

    private final Allocator backing;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean taken;

    /**
     * Shares an allocator.
     *
     * @param backing the allocator; closed when the last handle is
     */
    public SharedBacking(Allocator backing) {
        this.backing = backing;
    }

    /**
     * A new handle on the shared allocator.
     *
     * @return an allocator that forwards to the shared one and, on close, releases its share
     */
    public Allocator handle() {
        taken = true;
        open.incrementAndGet();
        return new Handle();
    }

    /** Closes the shared allocator when no handle was ever taken (a build failed before any alternative). */
    public void closeIfUnused() {
        if (!taken) {
            backing.close();
        }
    }

    private final class Handle extends DelegatingAllocator {
        private final AtomicInteger closed = new AtomicInteger();

        Handle() {
            super(backing);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(0, 1) && open.decrementAndGet() == 0) {
                backing.close();
            }
        }
    }
}
