package dev.allocator.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An allocator that adds one concern (a budget, counters, checks) to a backing allocator and forwards the rest. The
 * wrappers in this module extend it; so may yours.
 *
 * {@snippet :
 * final class Tracing extends ForwardingAllocator {
 *     Tracing(Allocator backing) { super("tracing", backing, true); }
 *
 *     @Override
 *     public MemorySegment allocate(Layout layout) {
 *         System.out.println("allocate " + layout);
 *         return super.allocate(layout);
 *     }
 * }
 * }
 *
 * <p>Thread-safe when the backing allocator is. {@link #close()} runs {@link #onClose()} once, then closes the
 * backing allocator when this wrapper owns it; every later call but {@code close}, {@code owns} and {@code stats}
 * throws {@link IllegalStateException}.
 */
public abstract class ForwardingAllocator implements Allocator {

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(ForwardingAllocator.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The allocator this one forwards to. */
    protected final Allocator backing;
    private final String name;
    private final boolean ownsBacking;
    private final Dependents dependents = new Dependents();
    private volatile boolean closed;

    /**
     * Creates a wrapper.
     *
     * @param name        the name shown by {@link #toString()}, e.g. {@code "budget(256 MiB)"}
     * @param backing     the allocator to forward to
     * @param ownsBacking whether {@link #close()} closes {@code backing}
     */
    protected ForwardingAllocator(String name, Allocator backing, boolean ownsBacking) {
        this.name = Objects.requireNonNull(name, "name");
        this.backing = Objects.requireNonNull(backing, "backing");
        this.ownsBacking = ownsBacking;
    }

    /**
     * Throws when this allocator is closed.
     *
     * @throws IllegalStateException when closed
     */
    protected final void requireOpen() {
        Checks.requireOpen(closed, this);
    }

    /**
     * Asks the backing allocator in one of its three ways, for subclasses that do the same around each.
     *
     * @param layout         the request
     * @param throwOnFailure {@code allocate} rather than {@code tryAllocate}
     * @param zeroed         {@code allocateZeroed} (which always throws on failure)
     * @return the segment, or {@code null} from {@code tryAllocate}
     */
    protected final MemorySegment allocateFromBacking(Layout layout, boolean throwOnFailure, boolean zeroed) {
        return zeroed ? backing.allocateZeroed(layout)
                : throwOnFailure ? backing.allocate(layout) : backing.tryAllocate(layout);
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        requireOpen();
        return backing.allocate(layout);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        requireOpen();
        return backing.tryAllocate(layout);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        requireOpen();
        return backing.allocateZeroed(layout);
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        requireOpen();
        backing.deallocate(segment, layout);
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return backing.owns(segment);
    }

    @Override
    public AllocatorStats stats() {
        return backing.stats();
    }

    /**
     * Runs once, from the first {@link #close()}, before the backing allocator is closed: give back what this wrapper
     * holds, report what it found. An exception thrown here is rethrown by {@code close()} after the backing
     * allocator is closed.
     */
    protected void onClose() {
    }

    /**
     * Asks the backing allocator: a wrapper gives memory back to it, and closes it when it owns it. {@link #close()}
     * calls this first; a subclass that has more to check calls {@code super.requireCloseable()} too.
     */
    @Override
    public void requireCloseable() {
        backing.requireCloseable();
    }

    /** Records {@code dependent}, to be closed first by {@link #close()}; returns {@code true}. */
    @Override
    public boolean addDependent(AutoCloseable dependent) {
        dependents.add(dependent);
        return true;
    }

    @Override
    public void removeDependent(AutoCloseable dependent) {
        dependents.remove(dependent);
    }

    /**
     * Closes the allocators built over this one ({@link #addDependent}), runs {@link #onClose()} once, then closes
     * the backing allocator when this wrapper owns it.
     *
     * @throws IllegalStateException when a dependent does not close; nothing else changed then, and {@code close()}
     *                               may be called again
     * @throws WrongThreadException  when the backing allocator is confined to another thread (a wrapper over it is
     *                               too); nothing changed then
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        requireCloseable();
        dependents.closeAll(this);
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        RuntimeException failure = null;
        try {
            onClose();
        } catch (RuntimeException e) {
            failure = e;
        }
        if (ownsBacking) {
            try {
                backing.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    protected final boolean isClosed() {
        return closed;
    }

    /** Returns {@code "name > backing"}, the allocator's spec-like shape. */
    @Override
    public String toString() {
        return name + " > " + backing;
    }

    /**
     * Lists the backing allocator's measures: a subclass with figures of its own lists them, then calls this.
     */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        backing.measures(sink);
    }
}
