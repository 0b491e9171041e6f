package dev.allocator.secure;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;
import dev.allocator.pages.internal.Mapping;
import dev.allocator.pages.internal.Mappings;
import dev.allocator.pages.internal.Mman;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Memory for secrets (keys, tokens, passwords), as libsodium's {@code sodium_malloc} gives C programs. Provider
 * {@code secure}; what {@code Allocators.open("secure")} returns. Each allocation is a mapping of its own
 * ({@link SecureBlockDescriptor}):
 * <ul>
 *   <li>a {@code PROT_NONE} guard page before and after it, and the user's bytes end flush against the trailing one,
 *       so that reading or writing past the end faults (the process dies with {@code SIGSEGV}) instead of reaching
 *       a neighbour. With an alignment above 1 and a size that is not a multiple of it, the address is rounded down
 *       to the alignment and the few bytes of slack before the guard hold canary bytes, checked on free;</li>
 *   <li>locked in RAM ({@code mlock}), so it never reaches swap, and excluded from core dumps
 *       ({@code MADV_DONTDUMP});</li>
 *   <li>a random 16-byte canary just before it, checked on free: a write before the allocation is reported with
 *       {@link CorruptedCanaryException}, never ignored;</li>
 *   <li>zeroed on free with {@code explicit_bzero}, which the C library guarantees no compiler removes, then
 *       unlocked and unmapped;</li>
 *   <li>a shared scope of its own, closed when it is freed: touching a freed secret from Java throws
 *       {@link IllegalStateException} instead of reaching unmapped memory.</li>
 * </ul>
 * Between uses an allocation can be made unreadable ({@link #noAccess}), read-only ({@link #readOnly}) and writable
 * again ({@link #readWrite}), like {@code sodium_mprotect_*}. <b>Touching a no-access allocation from Java, or writing
 * to a read-only one, kills the process with {@code SIGSEGV}</b>, as it would a C program: that is the protection.
 *
 * {@snippet :
 * try (SecureAllocator secrets = (SecureAllocator) Allocators.open("secure")) {
 *     MemorySegment key = secrets.allocate(Layout.of(32));
 *     // ... fill the key ...
 *     secrets.noAccess(key);      // unreadable until needed
 *     secrets.readOnly(key);      // use it
 *     secrets.noAccess(key);
 *     secrets.deallocate(key, Layout.of(32));   // wiped, unlocked, unmapped
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe: any thread may allocate, deallocate, toggle and close. Actions before {@code deallocate} in one
 *       thread happen-before a later allocation in another thread (a {@link java.util.concurrent.ConcurrentHashMap}
 *       holds the live allocations).</li>
 *   <li>Costs at least three pages (two guards, one data page) of address space and one locked page per allocation,
 *       and a handshake with every thread per free: for a few long-lived secrets, or a pool's slab
 *       ({@code pool(blockSize=64, capacity=1024, wipe=always) > secure}).</li>
 *   <li>Alignment up to a page; above it {@link AllocationException} reason {@code UNSUPPORTED_ALIGNMENT}. When
 *       {@code mlock} is refused (the process would go beyond {@code RLIMIT_MEMLOCK}, 8 MiB for an unprivileged
 *       process on current Linux; {@code ulimit -l}) the allocation throws reason {@code OUT_OF_NATIVE_MEMORY} naming
 *       the limit and its value, and {@link #tryAllocate} returns {@code null}. Memory is zero when handed out.</li>
 *   <li>{@link #deallocate} throws {@link IllegalArgumentException} for a segment from elsewhere, a slice, or a size
 *       or layout that is not the allocation's; {@link IllegalStateException} for a segment freed already (counters
 *       unchanged then); {@link CorruptedCanaryException} when the canary was overwritten (after wiping and
 *       unmapping it: it counts as freed).</li>
 *   <li>{@link #noAccess}, {@link #readOnly} and {@link #readWrite} take the allocation's segment or a slice of it and
 *       protect all its data pages; they throw as {@code deallocate} does for a foreign or freed segment.</li>
 *   <li>{@link #close()} closes the dependents ({@link #addDependent}), then wipes, unlocks and unmaps every live
 *       allocation, and then throws {@link CorruptedCanaryException} if any canary was overwritten.</li>
 * </ul>
 */
public final class SecureAllocator implements Allocator {

    /*
     * Maintainers' notes.
     *
     * allocate: mmap the whole block PROT_NONE -> mprotect the data pages RW -> mlock them (refused: unmap, fail with
     * RLIMIT_MEMLOCK) -> MADV_DONTDUMP -> write the canary -> Mappings.add; then re-check `closed` as PagesAllocator
     * does.
     * release (free and close): the scope is closed first (Mappings.take / drain), then under the mapping's monitor:
     * mprotect RW (the user may have left it no-access) -> check the canary -> explicit_bzero the data pages ->
     * munlock -> munmap. Toggles take the same monitor and check the scope is alive under it, so a toggle never
     * mprotects pages that a racing free has unmapped (and the kernel may have handed to someone else).
     */

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(SecureAllocator.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    private final long pageSize = Mman.pageSize();
    private final Canary canary = new Canary();
    private final Mappings mappings = new Mappings();
    private final Dependents dependents = new Dependents();
    private volatile boolean closed;

    /** Creates a secure allocator. */
    public SecureAllocator() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException   reason {@code UNSUPPORTED_ALIGNMENT} above a page, reason
     *                               {@code OUT_OF_NATIVE_MEMORY} when the kernel refuses the mapping or the lock
     *                               ({@code RLIMIT_MEMLOCK} named)
     * @throws IllegalStateException when this allocator is closed
     */
    @Override
    public MemorySegment allocate(Layout layout) {
        return allocate(layout, true);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when this allocator is closed
     */
    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout, false);
    }

    /** Fresh pages are zero: the same as {@link #allocate(Layout)}. */
    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        return allocate(layout, true);
    }

    private MemorySegment allocate(Layout layout, boolean throwOnFailure) {
        Objects.requireNonNull(layout, "layout");
        Checks.requireOpen(closed, this);
        final long size = layout.size();
        final long alignment = layout.alignment();
        if (alignment > pageSize) {
            return mappings.refuse(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, layout,
                    "alignment must be at most a page: alignment=" + alignment + ", page=" + pageSize,
                    throwOnFailure, this);
        }
        final long dataLength = SecureBlockDescriptor.dataLength(size, alignment, pageSize);
        final long length = SecureBlockDescriptor.mappingLength(dataLength, pageSize);
        final long base = Mman.map(length, Mman.PROT_NONE, ANON);
        if (base < 0) {
            return mappings.refuse(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, layout,
                    "mmap of " + length + " bytes failed with " + Mman.describe((int) -base), throwOnFailure, this);
        }
        final long dataStart = SecureBlockDescriptor.dataStart(base, pageSize);
        String refused = prepare(dataStart, dataLength, base, length);
        if (refused != null) {
            Mman.unmap(base, length);
            return mappings.refuse(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, layout, refused, throwOnFailure,
                    this);
        }
        final long address = SecureBlockDescriptor.address(dataStart, dataLength, size, alignment);
        canary.write(address, size, dataStart + dataLength);
        Mapping mapping = new Mapping(base, length, dataStart, dataLength, address, size, 0, 0, Arena.ofShared());
        MemorySegment segment = mappings.add(mapping);
        if (closed) {
            if (mappings.undo(mapping)) {
                release(mapping);
            }
            throw new IllegalStateException(this + " is closed");
        }
        return segment;
    }

    /** Opens, locks and hides from core dumps the data pages; returns why not, or null. */
    private String prepare(long dataStart, long dataLength, long base, long length) {
        int errno = Mman.protect(dataStart, dataLength, RW);
        if (errno != 0) {
            return "mprotect of the data pages failed with " + Mman.describe(errno);
        }
        errno = Mman.lock(dataStart, dataLength);
        if (errno != 0) {
            long limit = Mman.memlockLimit();
            return "mlock of " + dataLength + " bytes failed with " + Mman.describe(errno) + ": locked memory must "
                    + "fit RLIMIT_MEMLOCK (with what the process has locked already): RLIMIT_MEMLOCK="
                    + (limit == -1 ? "unlimited" : Long.toString(limit)) + " bytes, of which this allocator holds "
                    + secureStats().lockedBytes() + " (ulimit -l; raise it with "
                    + "LimitMEMLOCK= for a systemd service or in /etc/security/limits.conf)";
        }
        errno = Mman.advise(base, length, Mman.MADV_DONTDUMP);
        if (errno != 0) {
            Mman.unlock(dataStart, dataLength);
            return "madvise(MADV_DONTDUMP) failed with " + Mman.describe(errno);
        }
        return null;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException  when {@code segment} did not come from this allocator, is a slice, or its size
     *                                   or {@code layout}'s is not the allocation's
     * @throws IllegalStateException     when the segment was freed already, or this allocator is closed
     * @throws CorruptedCanaryException  when the canary was overwritten; the allocation was wiped and unmapped
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        Checks.requireOpen(closed, this);
        String corrupted = release(mappings.take(segment, layout, this));
        if (corrupted != null) {
            throw new CorruptedCanaryException(this + " freed the allocation at " + Checks.hex(segment.address())
                    + " of " + layout.size() + " bytes, but " + corrupted + ": something wrote outside it");
        }
    }

    /** Makes, under the mapping's monitor, the pages writable, checks the canary, wipes, unlocks, unmaps. */
    private String release(Mapping mapping) {
        synchronized (mapping) {
            Mman.protect(mapping.dataStart(), mapping.dataLength(), RW);
            String corrupted = canary.check(mapping.address(), mapping.size(),
                    mapping.dataStart() + mapping.dataLength());
            Mman.wipe(mapping.dataStart(), mapping.dataLength());
            Mman.unlock(mapping.dataStart(), mapping.dataLength());
            Mman.unmap(mapping.base(), mapping.length());
            return corrupted;
        }
    }

    /**
     * Makes the allocation's data pages inaccessible ({@code mprotect(PROT_NONE)}): any touch, from Java or native
     * code, kills the process with {@code SIGSEGV} until {@link #readOnly} or {@link #readWrite}.
     *
     * @param segment the allocation's segment or a slice of it
     * @throws IllegalArgumentException when it did not come from this allocator
     * @throws IllegalStateException    when it was freed already
     */
    public void noAccess(MemorySegment segment) {
        protect(segment, Mman.PROT_NONE);
    }

    /**
     * Makes the allocation's data pages read-only ({@code mprotect(PROT_READ)}): a write kills the process with
     * {@code SIGSEGV}.
     *
     * @param segment the allocation's segment or a slice of it
     * @throws IllegalArgumentException when it did not come from this allocator
     * @throws IllegalStateException    when it was freed already
     */
    public void readOnly(MemorySegment segment) {
        protect(segment, Mman.PROT_READ);
    }

    /**
     * Makes the allocation's data pages readable and writable again, as allocated.
     *
     * @param segment the allocation's segment or a slice of it
     * @throws IllegalArgumentException when it did not come from this allocator
     * @throws IllegalStateException    when it was freed already
     */
    public void readWrite(MemorySegment segment) {
        protect(segment, RW);
    }

    private void protect(MemorySegment segment, int prot) {
        Objects.requireNonNull(segment, "segment");
        Mapping mapping = mappings.find(segment, this);
        synchronized (mapping) {
            if (!mapping.arena().scope().isAlive()) {
                throw new IllegalStateException("the segment at " + Checks.hex(segment.address())
                        + " must be a live allocation of " + this + ": it was freed");
            }
            int errno = Mman.protect(mapping.dataStart(), mapping.dataLength(), prot);
            if (errno != 0) {
                throw new IllegalStateException("mprotect of " + mapping.dataLength() + " bytes at "
                        + Checks.hex(mapping.dataStart()) + " must succeed: " + Mman.describe(errno));
            }
        }
    }

    /** True for live allocations and slices of them. */
    @Override
    public boolean owns(MemorySegment segment) {
        return mappings.owns(segment);
    }

    /** {@inheritDoc} {@code bytesReserved} is the bytes mapped, guard pages included. */
    @Override
    public AllocatorStats stats() {
        return mappings.stats();
    }

    /** @return locked bytes, pages mapped and guard pages of the live allocations */
    public SecureStats secureStats() {
        long live = Math.max(0, mappings.allocations() - mappings.deallocations());
        long mapped = mappings.bytesMapped();
        long guards = 2 * live;
        return new SecureStats(pageSize, Math.max(0, mapped - guards * pageSize), mapped / pageSize, guards);
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
     * Closes the dependents, then wipes, unlocks and unmaps every live allocation (their segments are invalidated
     * first). Closing twice does nothing.
     *
     * @throws IllegalStateException    when a dependent does not close (nothing was freed)
     * @throws CorruptedCanaryException after everything was freed, when a canary was overwritten
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
        List<String> corrupted = new ArrayList<>();
        mappings.drain(mapping -> {
            String why = release(mapping);
            if (why != null) {
                corrupted.add(why);
            }
        });
        if (!corrupted.isEmpty()) {
            throw new CorruptedCanaryException(this + " closed, but in " + corrupted.size()
                    + " allocation(s) " + String.join("; ", corrupted) + ": something wrote outside them");
        }
    }

    /** Returns {@code "secure"}. */
    @Override
    public String toString() {
        return "secure";
    }
}
