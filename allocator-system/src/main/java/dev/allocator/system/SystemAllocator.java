package dev.allocator.system;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;
import dev.allocator.api.Scopes;
import dev.allocator.system.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
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
 * </ul>
 *
 * <p>Each live allocation is recorded in a concurrent map (address to segment), which costs two small heap objects
 * per allocation; a large block also costs a shared arena, and closing it a handshake with every thread (a few
 * microseconds). For garbage-free allocation on a hot path, put a pool or an arena over this allocator.
 */
public final class SystemAllocator implements Allocator {

    /*
     * Maintainers' notes.
     *
     * Ownership and liveness are two separate questions:
     *  - "did this memory come from here" is answered by the segment's scope: a small block is a slice of
     *    `everything`, all of memory reinterpreted once into this allocator's shared arena; a large block (size >=
     *    scopeThreshold) is reinterpreted into an arena of its own, whose scope is remembered in `largeScopes` (weak
     *    keys: a scope is forgotten once no segment refers to it). Scopes compare by identity.
     *  - "is this address a live allocation, of this size" is answered by the registry `live`, address -> segment;
     *    `arenas` holds the arena of each live large block, address -> arena.
     *
     * Why large blocks: glibc serves requests from 128 KiB up (the mmap threshold, rising with frees up to 32 MiB)
     * with mmap and free() unmaps them at once: a stale slice of `everything` would fault, a JVM crash. Smaller
     * memory goes back to the OS only when a heap's top is trimmed; their use after free is undefined, as in C.
     *
     * allocate: C call -> [large: new arena, arenas.put] -> bytesAllocated += size -> registry put -> re-check
     * `closed` (set before any scope is closed): if close() began in between, the caller gets
     * IllegalStateException, and whoever removes the entry (us or close()'s sweep) closes its arena, frees it and
     * counts the bytes freed, exactly once, because ConcurrentHashMap.remove(key, value) succeeds once.
     *
     * deallocate: scope check -> registry get -> same scope (a large block's stale segment has another) -> size
     * checks -> registry remove(address, segment), the linearization point: of two racing frees of one block
     * exactly one removes it, closes its arena (large) and calls free(); the other reports a double free.
     *
     * close: dependents first (nothing changes if one throws) -> CAS closed false -> true (once) -> close every
     * large arena, then the shared scope (invalidates every segment, so no thread can touch memory we are about to
     * free; if the JDK refuses because a native call holds one, `closed` goes back to false and nothing is freed)
     * -> sweep the registry with remove(key, value) + [close arena] + free.
     *
     * Counters: bytes are counted as two monotonic sums, allocated and freed; a block's bytes are added to
     * `bytesAllocated` before it is published in the registry, and to `bytesFreed` only by whoever removed it, so
     * every free's count happens-after its allocation's. stats() reads the freed sums before the allocated ones,
     * which makes bytesInUse and liveAllocations >= 0 in every snapshot.
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
    private final Arena scope = Arena.ofShared();
    /** All of memory, in this allocator's scope: every small segment handed out is a slice of it. */
    private final MemorySegment everything = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, scope, null);
    /** Live allocations: address to the segment handed out (which knows its size). */
    private final ConcurrentHashMap<Long, MemorySegment> live = new ConcurrentHashMap<>();
    /** The arena of each live large block, by address. */
    private final ConcurrentHashMap<Long, Arena> arenas = new ConcurrentHashMap<>();
    /** The scopes of the large blocks handed out, for {@link #owns}; guarded by itself. */
    private final Map<MemorySegment.Scope, Boolean> largeScopes = new WeakHashMap<>();
    private final Dependents dependents = new Dependents();
    private final LongAdder allocations = new LongAdder();
    private final LongAdder deallocations = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytesAllocated = new LongAdder();
    private final LongAdder bytesFreed = new LongAdder();
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
        this.scopeThreshold = Checks.requireNonNegative(scopeThreshold, "scopeThreshold");
    }

    /** @return the size in bytes from which each block gets a scope of its own */
    public long scopeThreshold() {
        return scopeThreshold;
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
        final MemorySegment segment = size >= scopeThreshold ? scoped(address, size) : everything.asSlice(address, size);
        bytesAllocated.add(size);
        live.put(address, segment);
        if (closed) {
            if (live.remove(address, segment)) {
                release(address, segment);
            }
            throw new IllegalStateException(this + " is closed");
        }
        if (zeroed && alignment > MALLOC_ALIGNMENT) {
            segment.fill((byte) 0);
        }
        allocations.increment();
        return segment;
    }

    /** A large block: reinterpreted into an arena of its own, recorded before the block is published. */
    private MemorySegment scoped(long address, long size) {
        Arena own = Arena.ofShared();
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(size, own, null);
        synchronized (largeScopes) {
            largeScopes.put(own.scope(), Boolean.TRUE);
        }
        arenas.put(address, own);
        return segment;
    }

    /** Gives back a block its caller has just removed from the registry: closes its arena (large), frees it. */
    private void release(long address, MemorySegment segment) {
        if (segment.scope() != scope.scope()) {
            Scopes.closeIfAlive(arenas.remove(address));
        }
        Libc.free(address);
        bytesFreed.add(segment.byteSize());
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
        if (recorded == null || recorded.scope() != segment.scope()) {
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
        release(address, recorded);
        deallocations.increment();
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
        MemorySegment.Scope of = segment.scope();
        if (of == scope.scope()) {
            return true;
        }
        synchronized (largeScopes) {
            return largeScopes.containsKey(of);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code bytesReserved} equals {@code bytesInUse}: the C library's own overhead is not visible from here.
     */
    @Override
    public AllocatorStats stats() {
        long freed = deallocations.sum();   // frees before allocations: see the maintainers' notes
        long inUse = -bytesFreed.sum() + bytesAllocated.sum();
        return new AllocatorStats(allocations.sum(), freed, failures.sum(), inUse, inUse);
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
            for (Arena own : arenas.values()) {
                Scopes.closeIfAlive(own);
            }
            Scopes.closeIfAlive(scope);
        } catch (IllegalStateException inUse) {
            closed = false;
            throw inUse;
        }
        for (var entry : live.entrySet()) {
            if (live.remove(entry.getKey(), entry.getValue())) {
                release(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Returns {@code "system"}. */
    @Override
    public String toString() {
        return "system";
    }
}
