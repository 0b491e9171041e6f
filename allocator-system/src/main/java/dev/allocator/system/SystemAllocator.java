package dev.allocator.system;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.system.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Allocates with the C library ({@code malloc}, {@code aligned_alloc} for alignments above what {@code malloc}
 * guarantees, {@code calloc} for {@link #allocateZeroed zeroed} memory) and frees with {@code free}, through the FFM
 * {@link java.lang.foreign.Linker}.
 *
 * {@snippet :
 * try (SystemAllocator system = new SystemAllocator()) {
 *     MemorySegment page = system.allocate(Layout.of(4096, 4096));
 *     system.deallocate(page, Layout.of(4096, 4096));
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe without locks on the hot path: any thread may allocate and any thread may deallocate. Actions
 *       before {@code deallocate} in one thread happen-before a later allocation that returns the same memory in
 *       another (the registry's remove and put are ordered, and the C library's own locking orders the memory).</li>
 *   <li>Every segment belongs to this allocator's own shared scope, so after {@link #close()} touching any segment it
 *       handed out throws {@link IllegalStateException} instead of reading freed memory, and
 *       {@link #owns(MemorySegment)} is an identity test on that scope (slices of its segments are owned too).</li>
 *   <li>Size 0: a distinct zero-length segment that must be deallocated like any other (one byte is taken from
 *       {@code malloc} so that each has its own address).</li>
 *   <li>Alignment up to {@link #MAX_ALIGNMENT} (1 GiB); larger alignments throw {@link AllocationException} with
 *       reason {@code UNSUPPORTED_ALIGNMENT}. A request the C library refuses (more than the machine has) throws
 *       reason {@code OUT_OF_NATIVE_MEMORY}, and {@link #tryAllocate} returns {@code null}.</li>
 *   <li>{@link #deallocate} throws {@link IllegalArgumentException} for a segment from elsewhere and for a layout or
 *       segment size that does not match the allocation, and {@link IllegalStateException} for an address that holds
 *       no live allocation (a double free, or a slice that does not start where its allocation starts). Like every
 *       address-keyed check it cannot see a stale segment whose address {@code malloc} has since handed out again.</li>
 *   <li>{@link #close()} frees every allocation still live. {@code allocate}, {@code deallocate} and the others then
 *       throw {@link IllegalStateException}; {@link #owns}, {@link #stats()} and {@code close()} still work.</li>
 * </ul>
 *
 * <p>Each live allocation is recorded in a concurrent map (address to size), which costs two small heap objects per
 * allocation. For garbage-free allocation on a hot path, put a pool or an arena over this allocator.
 */
public final class SystemAllocator implements Allocator {

    /*
     * Maintainers' notes.
     *
     * Ownership and liveness are two separate questions:
     *  - "did this memory come from here" is answered by the segment's scope: every segment is a slice of
     *    `everything`, all of memory reinterpreted once into this allocator's shared arena, and scopes compare by
     *    identity;
     *  - "is this address a live allocation, of this size" is answered by the registry `live`, address -> segment.
     *
     * allocate: C call -> slice of `everything` -> registry put -> re-check `closed` (set before the scope is
     * closed): if close() began in between, the caller gets IllegalStateException, and
     * whoever removes the entry (us or close()'s sweep) frees it, exactly once, because
     * ConcurrentHashMap.remove(key, value) succeeds once.
     *
     * deallocate: scope check -> size checks -> registry remove(address, size), the linearization point: of two
     * racing frees of one block exactly one removes it and calls free(); the other reports a double free.
     *
     * close: CAS closed false -> true (once), close the scope (invalidates every segment, so no thread can touch
     * memory we are about to free), then sweep the registry with remove(key, value) + free.
     */

    /** The largest alignment {@link #allocate} accepts: 1 GiB. */
    public static final long MAX_ALIGNMENT = 1L << 30;

    /** What {@code malloc} guarantees on every 64-bit platform the JDK runs on (glibc, musl, macOS). */
    static final long MALLOC_ALIGNMENT = 16;

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(SystemAllocator.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena scope = Arena.ofShared();
    /** All of memory, in this allocator's scope: every segment handed out is a slice of it. */
    private final MemorySegment everything = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, scope, null);
    /** Live allocations: address to the segment handed out (which knows its size). */
    private final ConcurrentHashMap<Long, MemorySegment> live = new ConcurrentHashMap<>();
    private final LongAdder allocations = new LongAdder();
    private final LongAdder deallocations = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytesInUse = new LongAdder();
    private volatile boolean closed;

    /** Creates a system allocator with a scope of its own. */
    public SystemAllocator() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException   reason {@code UNSUPPORTED_ALIGNMENT} above {@link #MAX_ALIGNMENT}, reason
     *                               {@code OUT_OF_NATIVE_MEMORY} when the C library refuses
     * @throws IllegalStateException when this allocator is closed
     */
    @Override
    public MemorySegment allocate(Layout layout) {
        return allocate(layout, false, true);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when this allocator is closed
     */
    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout, false, false);
    }

    /**
     * Allocates zeroed memory: {@code calloc} when {@code malloc}'s alignment suffices, else {@code aligned_alloc}
     * and a fill.
     *
     * @throws AllocationException   as {@link #allocate(Layout)}
     * @throws IllegalStateException when this allocator is closed
     */
    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        return allocate(layout, true, true);
    }

    private MemorySegment allocate(Layout layout, boolean zeroed, boolean throwOnFailure) {
        Objects.requireNonNull(layout, "layout");
        Checks.requireOpen(closed, this);
        final long size = layout.size();
        final long alignment = layout.alignment();
        if (alignment > MAX_ALIGNMENT) {
            return fail(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, layout,
                    "alignment above " + MAX_ALIGNMENT + " is not supported", throwOnFailure);
        }
        final long request = Math.max(size, 1);
        final long address;
        if (alignment <= MALLOC_ALIGNMENT) {
            address = zeroed ? Libc.calloc(request) : Libc.malloc(request);
        } else {
            address = Libc.alignedAlloc(alignment, request);
        }
        if (address == 0) {
            return fail(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, layout,
                    "the C library has no memory for it", throwOnFailure);
        }
        final MemorySegment segment = everything.asSlice(address, size);
        live.put(address, segment);
        if (closed) {
            if (live.remove(address, segment)) {
                Libc.free(address);
            }
            throw new IllegalStateException(this + " is closed");
        }
        if (zeroed && alignment > MALLOC_ALIGNMENT) {
            segment.fill((byte) 0);
        }
        allocations.increment();
        bytesInUse.add(size);
        return segment;
    }

    private MemorySegment fail(AllocationException.Reason reason, Layout layout, String why, boolean throwOnFailure) {
        failures.increment();
        if (throwOnFailure) {
            throw new AllocationException(reason, layout, this + " cannot allocate " + layout + ": " + why);
        }
        return null;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code segment} did not come from this allocator, or its size or
     *                                  {@code layout.size()} does not match the allocation at its address
     * @throws IllegalStateException    when no live allocation starts at the segment's address (double free), or this
     *                                  allocator is closed
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        Checks.requireOpen(closed, this);
        if (!owns(segment)) {
            throw new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " of "
                    + segment.byteSize() + " bytes was not allocated by " + this);
        }
        final long address = segment.address();
        final Long key = address;   // boxed once for both map calls
        final MemorySegment recorded = live.get(key);
        if (recorded == null) {
            throw notLive(address);
        }
        final long size = recorded.byteSize();
        if (layout.size() != size || segment.byteSize() != size) {
            throw new IllegalArgumentException("the allocation at " + Checks.hex(address) + " has " + size
                    + " bytes, but the segment has " + segment.byteSize() + " and the layout says " + layout);
        }
        if (!live.remove(key, recorded)) {
            throw notLive(address);
        }
        Libc.free(address);
        deallocations.increment();
        bytesInUse.add(-size);
    }

    private IllegalStateException notLive(long address) {
        return new IllegalStateException("no live allocation of " + this + " starts at " + Checks.hex(address)
                + ": it was deallocated already (double free), or the segment is a slice that starts inside one");
    }

    /**
     * {@inheritDoc}
     *
     * <p>True for every segment this allocator handed out and for slices of them, live or not; false for any other
     * segment. Works after close.
     */
    @Override
    public boolean owns(MemorySegment segment) {
        return segment.scope().equals(scope.scope());
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code bytesReserved} equals {@code bytesInUse}: the C library's own overhead is not visible from here.
     */
    @Override
    public AllocatorStats stats() {
        long inUse = bytesInUse.sum();
        return new AllocatorStats(allocations.sum(), deallocations.sum(), failures.sum(), inUse, inUse);
    }

    /**
     * Frees every allocation still live and invalidates every segment this allocator handed out. Closing twice
     * does nothing.
     *
     * @throws IllegalStateException when another thread is using one of this allocator's segments in a native call
     *                               right now (the JDK refuses to close the scope then); nothing was freed, and
     *                               {@code close()} may be called again
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            scope.close();
        } catch (IllegalStateException inUse) {
            closed = false;
            throw inUse;
        }
        for (var entry : live.entrySet()) {
            if (live.remove(entry.getKey(), entry.getValue())) {
                Libc.free(entry.getKey());
                bytesInUse.add(-entry.getValue().byteSize());
            }
        }
    }

    /** Returns {@code "system"}. */
    @Override
    public String toString() {
        return "system";
    }
}
