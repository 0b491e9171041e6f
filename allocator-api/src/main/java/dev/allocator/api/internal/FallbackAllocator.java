package dev.allocator.api.internal;

import dev.allocator.api.AllocationException;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Tries a primary allocator and, when it cannot satisfy a request, a secondary one; deallocations and {@code owns}
 * are routed by {@link Allocator#owns(MemorySegment)}. Written {@code primary | secondary} in specs. Owns both: closing
 * it closes the primary, then the secondary.
 *
 * <p>Thread-safe when both allocators are.
 */
public final class FallbackAllocator implements Allocator {

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(FallbackAllocator.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Allocator primary;
    private final Allocator secondary;
    private final Dependents dependents = new Dependents();
    private final LongAdder failures = new LongAdder();
    private volatile boolean closed;

    /**
     * Creates a fallback allocator that owns both allocators.
     *
     * @param primary   tried first
     * @param secondary tried when the primary returns {@code null} from {@code tryAllocate}
     */
    public FallbackAllocator(Allocator primary, Allocator secondary) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.secondary = Objects.requireNonNull(secondary, "secondary");
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException what the secondary throws when neither can satisfy the request (its reason and
     *                             message are the secondary's)
     */
    @Override
    public MemorySegment allocate(Layout layout) {
        Checks.requireOpen(closed, this);
        MemorySegment segment = primary.tryAllocate(layout);
        if (segment != null) {
            return segment;
        }
        try {
            return secondary.allocate(layout);
        } catch (AllocationException e) {
            failures.increment();
            throw e;
        }
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        Checks.requireOpen(closed, this);
        MemorySegment segment = primary.tryAllocate(layout);
        if (segment == null) {
            segment = secondary.tryAllocate(layout);
            if (segment == null) {
                failures.increment();
            }
        }
        return segment;
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        Checks.requireOpen(closed, this);
        MemorySegment segment = primary.tryAllocate(layout);
        if (segment != null) {
            return segment.fill((byte) 0);
        }
        try {
            return secondary.allocateZeroed(layout);
        } catch (AllocationException e) {
            failures.increment();
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when neither allocator owns {@code segment}, or what the owner throws
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Checks.requireOpen(closed, this);
        if (primary.owns(segment)) {
            primary.deallocate(segment, layout);
        } else if (secondary.owns(segment)) {
            secondary.deallocate(segment, layout);
        } else {
            throw new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " of "
                    + segment.byteSize() + " bytes was not allocated by " + this);
        }
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return primary.owns(segment) || secondary.owns(segment);
    }

    /** Sums both allocators' counters; {@code failures} counts requests neither could satisfy. */
    @Override
    public AllocatorStats stats() {
        AllocatorStats a = primary.stats();
        AllocatorStats b = secondary.stats();
        return new AllocatorStats(a.allocations() + b.allocations(), a.deallocations() + b.deallocations(),
                failures.sum(), a.bytesInUse() + b.bytesInUse(), a.bytesReserved() + b.bytesReserved());
    }

    /** Lists the primary's measures, then the secondary's. */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        primary.measures(sink);
        secondary.measures(sink);
    }

    @Override
    public boolean addDependent(AutoCloseable dependent) {
        dependents.add(dependent);
        return true;
    }

    @Override
    public void removeDependent(AutoCloseable dependent) {
        dependents.remove(dependent);
    }

    /** Asks both allocators: a fallback closes both. */
    @Override
    public void requireCloseable() {
        primary.requireCloseable();
        secondary.requireCloseable();
    }

    /**
     * Closes the allocators built over this one ({@link #addDependent}), then both allocators.
     *
     * @throws IllegalStateException when a dependent does not close; nothing else changed then
     * @throws WrongThreadException  when either allocator is confined to another thread; nothing changed then
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        requireCloseable();
        dependents.closeAll(this);
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            primary.close();
        } finally {
            secondary.close();
        }
    }

    /** Returns {@code "(primary | secondary)"}. */
    @Override
    public String toString() {
        return "(" + primary + " | " + secondary + ")";
    }
}
