package dev.allocator.system;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;
import dev.allocator.api.Scopes;
import dev.allocator.system.internal.Libc;
import dev.allocator.system.internal.LiveTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
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
 *   <li>Thread-safe: any thread may allocate and any thread may deallocate. The registry takes one short spin lock
 *       per call, one of many picked by the block's address, so threads working on different blocks rarely meet.
 *       Actions before {@code deallocate} in one thread happen-before a later allocation that returns the same
 *       memory in another (both take the same stripe's lock, and the C library's own locking orders the memory).</li>
 *   <li>Large blocks, those of at least {@link #scopeThreshold()} bytes (default {@link #DEFAULT_SCOPE_THRESHOLD},
 *       glibc's default {@code mmap} threshold), each get a shared scope of their own, closed by {@code deallocate}
 *       and {@code close} before the memory goes back to the C library: touching a freed large block throws
 *       {@link IllegalStateException}, even though {@code free} may have unmapped it. Smaller blocks are slices of
 *       one segment in this allocator's own shared scope: touching a freed small block is undefined, as with
 *       {@code malloc} (it reads or corrupts whatever the C library keeps there; put {@code checked} over this
 *       allocator to catch it, or pass a threshold of 0 to scope every block).</li>
 *   <li>After {@link #close()} touching any segment this allocator handed out throws {@link IllegalStateException}.
 *       {@link #owns(MemorySegment)} is true for every segment it handed out and for slices of them, live or not
 *       (the shared scope, or a large block's own scope, compared by identity).</li>
 *   <li>Size 0: a distinct zero-length segment that must be deallocated like any other (one byte is taken from
 *       {@code malloc} so that each has its own address).</li>
 *   <li>Alignment up to {@link #MAX_ALIGNMENT} (1 GiB); larger alignments throw {@link AllocationException} with
 *       reason {@code UNSUPPORTED_ALIGNMENT}. A request the C library refuses (more than the machine has) throws
 *       reason {@code OUT_OF_NATIVE_MEMORY}, and {@link #tryAllocate} returns {@code null}.</li>
 *   <li>{@link #deallocate} throws {@link IllegalArgumentException} for a segment from elsewhere and for a layout or
 *       segment size that does not match the allocation, and {@link IllegalStateException} for an address that holds
 *       no live allocation (a double free, or a slice that does not start where its allocation starts). Of two
 *       racing frees of one block exactly one frees it. A stale large segment is recognised by its scope even when
 *       {@code malloc} has since handed its address out again; a stale small segment is not (no address-keyed check
 *       can tell it from the new allocation).</li>
 *   <li>{@link #close()} first closes the allocators registered with {@link #addDependent} (newest first), then
 *       frees every allocation still live. {@code allocate}, {@code deallocate} and the others then throw
 *       {@link IllegalStateException}; {@link #owns}, {@link #stats()} and {@code close()} still work.</li>
 *   <li>{@link #stats()}: {@code bytesInUse} and {@code liveAllocations} are never negative, also while other
 *       threads allocate, free and close.</li>
 *   <li>The checks of small blocks above (double, slice and size-mismatch frees; {@code close} freeing them; their
 *       stats) need the registry, on by default; {@code track=false} ({@link #SystemAllocator(long, boolean)})
 *       turns it off for callers that would rather pay what {@code malloc} costs and trust every free.</li>
 * </ul>
 *
 * <p>Each live allocation is recorded in a garbage-free registry (address to size, in primitive arrays striped by
 * address, one spin lock per stripe): a small allocation and its free allocate nothing on the Java heap beyond the
 * returned segment, which the JIT can scalar-replace when the caller's use of it is inlined. A large block also
 * costs a shared arena, and closing it a handshake with every thread (a few microseconds).
 */
public final class SystemAllocator implements Allocator {

    /*
     * Maintainers' notes.
     *
     * Ownership and liveness are two separate questions:
     *  - "did this memory come from here" is answered by the segment's scope: a small block is a slice of
     *    `everything`, all of memory reinterpreted once into this allocator's shared arena; a large block (size >=
     *    scopeThreshold) is reinterpreted into an arena of its own, kept by `large` (LargeBlocks). Scopes compare by
     *    identity.
     *  - "is this address a live allocation, of this size" is answered by `live` (LiveTable: address -> size) for
     *    small blocks, by `large` (address -> segment and arena) for large ones.
     *
     * Why large blocks: glibc serves requests from 128 KiB up (the mmap threshold, rising with frees up to 32 MiB)
     * with mmap and free() unmaps them at once: a stale slice of `everything` would fault, a JVM crash. Smaller
     * memory goes back to the OS only when a heap's top is trimmed; their use after free is undefined, as in C.
     *
     * allocate: C call -> record (live.add, or large.add) -> re-check `closed` (set before any scope is closed): if
     * close() began in between, the caller gets IllegalStateException, and whoever removes the entry (us or close()'s
     * sweep) frees it and counts it, exactly once.
     *
     * deallocate, small: scope is ours -> live.remove(address, size), the linearization point: it removes the entry
     * only if its size is the layout's, and of two racing frees of one block exactly one removes it and calls free();
     * the other, and any mismatch, goes to slowFree for the exact error (nothing changed). Large: LargeBlocks.remove,
     * which also compares the segment's scope with the live block's, so a stale segment is told from a new block.
     *
     * close: dependents first (nothing changes if one throws) -> CAS closed false -> true (once) -> close every
     * large arena, then the shared scope (invalidates every segment, so no thread can touch memory we are about to
     * free; if the JDK refuses because a native call holds one, `closed` goes back to false and nothing is freed)
     * -> sweep both registries, freeing what they remove.
     *
     * track=false: small blocks skip `live` entirely (allocate records nothing, deallocate frees after the scope and
     * size checks, close only invalidates them); large blocks are still recorded.
     *
     * Counters: the registries count adds, removes and bytes (see theirs for why a snapshot is never negative);
     * stats() adds them up. An allocation undone because close() raced it counts as allocated and deallocated.
     */

    /** The largest alignment {@link #allocate} accepts: 1 GiB. */
    public static final long MAX_ALIGNMENT = 1L << 30;

    /** Blocks of at least this many bytes get a scope of their own by default: 128 KiB, glibc's mmap threshold. */
    public static final long DEFAULT_SCOPE_THRESHOLD = 128L << 10;

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

    private final long scopeThreshold;
    private final boolean track;
    private final Arena scope = Arena.ofShared();
    private final MemorySegment.Scope shared = scope.scope();
    /** All of memory, in this allocator's scope: every small segment handed out is a slice of it. */
    private final MemorySegment everything = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, scope, null);
    private final LiveTable live = new LiveTable();
    private final LargeBlocks large = new LargeBlocks();
    private final Dependents dependents = new Dependents();
    private final LongAdder failures = new LongAdder();
    private volatile boolean closed;

    /** Creates a system allocator that scopes blocks of {@link #DEFAULT_SCOPE_THRESHOLD} bytes and more. */
    public SystemAllocator() {
        this(DEFAULT_SCOPE_THRESHOLD);
    }

    /**
     * Creates a system allocator that gives every block of at least {@code scopeThreshold} bytes a scope of its own.
     *
     * @param scopeThreshold {@code 0} scopes every block (every use after free throws; each allocation then costs an
     *                       arena and each free a handshake), {@link Long#MAX_VALUE} none
     * @throws IllegalArgumentException when {@code scopeThreshold < 0}
     */
    public SystemAllocator(long scopeThreshold) {
        this(scopeThreshold, true);
    }

    /**
     * Creates a system allocator that gives every block of at least {@code scopeThreshold} bytes a scope of its own
     * and, unless {@code track} is false, records every smaller one.
     *
     * @param scopeThreshold as {@link #SystemAllocator(long)}
     * @param track          {@code true} (the default) keeps every check; {@code false} trusts small frees as
     *                       {@code free} does: a double free or a free of a slice starting inside a block is
     *                       undefined, {@code close()} invalidates small blocks without freeing them, and
     *                       {@code stats()} counts large blocks and failures only (foreign and size-mismatched
     *                       segments are still rejected)
     * @throws IllegalArgumentException when {@code scopeThreshold < 0}
     */
    public SystemAllocator(long scopeThreshold, boolean track) {
        this.scopeThreshold = Checks.requireNonNegative(scopeThreshold, "scopeThreshold");
        this.track = track;
    }

    /** @return the size in bytes from which each block gets a scope of its own */
    public long scopeThreshold() {
        return scopeThreshold;
    }

    /** @return whether small allocations are recorded (see {@link #SystemAllocator(long, boolean)}) */
    public boolean tracks() {
        return track;
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
        final MemorySegment segment;
        if (size >= scopeThreshold) {
            segment = large.add(address, size);
        } else {
            segment = everything.asSlice(address, size);
            if (track) {
                live.add(address, size);
            }
        }
        if (closed) {
            undo(segment);
        }
        if (zeroed && alignment > MALLOC_ALIGNMENT) {
            segment.fill((byte) 0);
        }
        return segment;
    }

    /** Takes back an allocation that close() raced: frees it unless close()'s sweep did; then throws. */
    private void undo(MemorySegment segment) {
        final long address = segment.address();
        final long size = segment.byteSize();
        if (segment.scope() == shared) {
            if (!track || live.remove(address, size) == size) {
                Libc.free(address);
            }
        } else {
            large.remove(segment, size);
        }
        throw new IllegalStateException(this + " is closed");
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
        final long address = segment.address();
        final long size = layout.size();
        if (segment.scope() == shared && segment.byteSize() == size) {
            final long recorded = track ? live.remove(address, size) : size;
            if (recorded != size) {
                throw FreeErrors.refused(segment, layout, recorded, this);
            }
            Libc.free(address);
            return;
        }
        slowFree(segment, layout);
    }

    /** Every free but a small block whose segment has the layout's size: large blocks, and the bad frees. */
    private void slowFree(MemorySegment segment, Layout layout) {
        final long size = layout.size();
        if (segment.scope() == shared) {
            throw track ? FreeErrors.refused(segment, layout, live.sizeOf(segment.address()), this)
                    : FreeErrors.sizeMismatch(segment, layout);
        }
        if (!large.owns(segment.scope())) {
            throw FreeErrors.foreign(segment, this);
        }
        final long recorded = large.remove(segment, size);
        if (recorded != size || segment.byteSize() != size) {
            throw FreeErrors.refused(segment, layout, recorded, this);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>True for every segment this allocator handed out and for slices of them, live or not; false for any other
     * segment. Works after close.
     */
    @Override
    public boolean owns(MemorySegment segment) {
        MemorySegment.Scope of = segment.scope();
        return of == shared || large.owns(of);
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code bytesReserved} equals {@code bytesInUse}: the C library's own overhead is not visible from here.
     */
    @Override
    public AllocatorStats stats() {
        long[] counts = new long[3];
        live.addCountsTo(counts);
        large.addCountsTo(counts);
        return new AllocatorStats(counts[0], counts[1], failures.sum(), counts[2], counts[2]);
    }

    /** Records {@code dependent}, closed first by {@link #close()}; returns {@code true}. */
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
     * Closes the allocators built over this one ({@link #addDependent}), then frees every allocation still live and
     * invalidates every segment this allocator handed out. Closing twice does nothing.
     *
     * @throws IllegalStateException when a dependent does not close, or another thread is using one of this
     *                               allocator's segments in a native call right now (the JDK refuses to close its
     *                               scope then); nothing was freed, and {@code close()} may be called again (large
     *                               blocks whose scopes were closed before the refusal stay inaccessible)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        dependents.closeAll(this);
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            large.closeArenas();
            Scopes.closeIfAlive(scope);
        } catch (IllegalStateException inUse) {
            closed = false;
            throw inUse;
        }
        live.removeAll((address, size) -> Libc.free(address));
        large.removeAll();
    }

    /** Returns {@code "system"}. */
    @Override
    public String toString() {
        return "system";
    }
}
