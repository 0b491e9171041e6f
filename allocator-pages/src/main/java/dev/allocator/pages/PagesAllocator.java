package dev.allocator.pages;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;
import dev.allocator.pages.internal.Mapping;
import dev.allocator.pages.internal.Mappings;
import dev.allocator.pages.internal.Mman;
import dev.allocator.pages.internal.Smaps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Page-granular memory straight from the kernel: every allocation is an anonymous {@code mmap} of its own, given back
 * with {@code munmap}. Provider {@code pages}; options in {@link PagesAllocatorProvider}. For slabs, chunks and large
 * buffers beneath a pool or an arena, not for many small blocks (each costs two system calls and a page).
 *
 * {@snippet :
 * try (Allocator pool = Allocators.open("pool(blockSize=2KiB, capacity=1024) > pages(hugePages=true)")) {
 *     MemorySegment frame = pool.allocate(Layout.of(2048));
 *     pool.deallocate(frame, Layout.of(2048));
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe: any thread may allocate, deallocate and close. Actions before {@code deallocate} in one thread
 *       happen-before a later allocation in another thread that the kernel serves from the same memory (the
 *       registry of live allocations is a {@link java.util.concurrent.ConcurrentHashMap}, and the kernel zeroes
 *       reused pages).</li>
 *   <li>Sizes are rounded up to whole pages ({@link PageStats#pageSize()}, or a huge page with {@code hugePages});
 *       the segment handed out has exactly the requested size and starts at the mapping's first byte. Size 0 maps one
 *       page. Memory is zero when handed out: {@link #allocateZeroed} costs nothing more.</li>
 *   <li>Alignment up to a page (a huge page with {@code hugePages}) is what {@code mmap} gives; larger alignments up to
 *       {@link #MAX_ALIGNMENT} map {@code size + alignment} bytes of address space and unmap the misaligned head and
 *       the tail at once, so they cost address space only while mapping. Above it: {@link AllocationException} reason
 *       {@code UNSUPPORTED_ALIGNMENT}. A mapping the kernel refuses, or huge pages the machine cannot give (without
 *       {@code fallback=basepages}), throw reason {@code OUT_OF_NATIVE_MEMORY} with the {@code errno} and the sysctl
 *       or file that controls it; {@link #tryAllocate} returns {@code null}.</li>
 *   <li>Each allocation has a shared scope of its own, closed by {@code deallocate} and {@code close} before the
 *       pages are unmapped: touching a freed segment throws {@link IllegalStateException} instead of faulting.</li>
 *   <li>{@link #deallocate} throws {@link IllegalArgumentException} for a segment from elsewhere, a slice, or a size
 *       or layout that is not the allocation's; {@link IllegalStateException} for a segment freed already. The
 *       counters are unchanged then. Of two racing frees of one segment exactly one unmaps it.</li>
 *   <li>{@link #close()} closes the allocators registered with {@link #addDependent} (newest first), then unmaps every
 *       live allocation. Closing twice does nothing; later calls but {@code owns}, {@code stats} and {@code close}
 *       throw {@link IllegalStateException}.</li>
 * </ul>
 */
public final class PagesAllocator implements Allocator {

    /*
     * Maintainers' notes.
     *
     * allocate: PageSource maps (and binds, advises, populates) -> Mappings.add records it under its arena's scope
     * -> re-check `closed` (set before close drains): if close began in between, undo (whoever removes the entry,
     * this thread or close's drain, unmaps it, exactly once) and throw.
     * deallocate: Mappings.take (remove is the linearization point; it closes the scope) -> munmap.
     * close: dependents -> CAS closed -> drain (every scope closed, then every mapping unmapped).
     */

    /** The largest alignment {@link #allocate} accepts: 1 GiB. */
    public static final long MAX_ALIGNMENT = 1L << 30;

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(PagesAllocator.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PageSource source;
    private final HugePages hugePages;
    private final boolean fallback;
    private final int numaNode;
    private final boolean populate;
    private final Mappings mappings = new Mappings();
    private final Dependents dependents = new Dependents();
    private volatile boolean closed;

    /** Base pages, no NUMA binding, no populate: {@code pages}. */
    public PagesAllocator() {
        this(HugePages.FALSE, false, -1, false);
    }

    /**
     * Creates a page allocator.
     *
     * @param hugePages whether and how to use huge pages
     * @param fallback  {@code true}: when huge pages cannot be had, map base pages instead of failing
     * @param numaNode  the NUMA node to bind the pages to ({@code mbind(MPOL_BIND)}), or -1 for the kernel's choice
     * @param populate  fault every page in when mapping ({@code MAP_POPULATE}, or {@code MADV_POPULATE_WRITE} after a
     *                  binding or huge page advice)
     * @throws IllegalArgumentException when {@code numaNode} is neither -1 nor between 0 and 63
     */
    public PagesAllocator(HugePages hugePages, boolean fallback, int numaNode, boolean populate) {
        this.hugePages = Objects.requireNonNull(hugePages, "hugePages");
        this.fallback = fallback;
        this.numaNode = (int) Checks.requireInRange(numaNode, -1, 63, "numaNode");
        this.populate = populate;
        this.source = new PageSource(hugePages, fallback, numaNode, populate);
    }

    /** @return the huge page mode */
    public HugePages hugePages() {
        return hugePages;
    }

    /** @return whether base pages stand in when huge pages cannot be had */
    public boolean fallback() {
        return fallback;
    }

    /** @return the NUMA node pages are bound to, or -1 */
    public int numaNode() {
        return numaNode;
    }

    /** @return whether pages are faulted in when mapped */
    public boolean populate() {
        return populate;
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException   reason {@code UNSUPPORTED_ALIGNMENT} above {@link #MAX_ALIGNMENT}, reason
     *                               {@code OUT_OF_NATIVE_MEMORY} when the kernel refuses the mapping or the huge pages
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
        if (layout.alignment() > MAX_ALIGNMENT) {
            return mappings.refuse(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, layout,
                    "alignment above " + MAX_ALIGNMENT + " is not supported", throwOnFailure, this);
        }
        PageSource.Result mapped = source.map(Math.max(layout.size(), 1), layout.alignment());
        if (mapped.failure() != null) {
            return mappings.refuse(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, layout, mapped.failure(),
                    throwOnFailure, this);
        }
        Mapping mapping = new Mapping(mapped.address(), mapped.length(), mapped.address(), mapped.length(),
                mapped.address(), layout.size(), mapped.hugeBytes(), mapped.advised(), Arena.ofShared());
        MemorySegment segment = mappings.add(mapping);
        if (closed) {
            if (mappings.undo(mapping)) {
                Mman.unmap(mapping.base(), mapping.length());
            }
            throw new IllegalStateException(this + " is closed");
        }
        return segment;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code segment} did not come from this allocator, is a slice, or its size
     *                                  or {@code layout}'s is not the allocation's
     * @throws IllegalStateException    when the segment was freed already, or this allocator is closed
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        Checks.requireOpen(closed, this);
        Mapping mapping = mappings.take(segment, layout, this);
        Mman.unmap(mapping.base(), mapping.length());
    }

    /** True for live allocations and slices of them. */
    @Override
    public boolean owns(MemorySegment segment) {
        return mappings.owns(segment);
    }

    /** {@inheritDoc} {@code bytesReserved} is the bytes mapped: the sizes rounded up to (huge) pages. */
    @Override
    public AllocatorStats stats() {
        return mappings.stats();
    }

    /** @return the page-level counters */
    public PageStats pageStats() {
        long mapped = mappings.bytesMapped();
        return new PageStats(source.pageSize(), source.hugePageSize(), mapped / source.pageSize(), mapped,
                mappings.hugeBytes(), mappings.advisedBytes());
    }

    /**
     * The bytes of this allocator's live mappings that the kernel backs with transparent huge pages right now
     * ({@code AnonHugePages} in {@code /proc/self/smaps}). Reads every mapping of the process: for monitoring.
     *
     * @return bytes, a multiple of the huge page size
     */
    public long transparentHugeBytes() {
        return Smaps.sumBytes("AnonHugePages", mappings::mapsAt);
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
     * Closes the dependents, then unmaps every live allocation (their segments are invalidated first).
     *
     * @throws IllegalStateException when a dependent does not close (nothing was unmapped)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        dependents.closeAll(this);
        if (CLOSED.compareAndSet(this, false, true)) {
            mappings.drain(mapping -> Mman.unmap(mapping.base(), mapping.length()));
        }
    }

    /** Returns {@code "pages"} with the options that differ from the defaults. */
    @Override
    public String toString() {
        StringBuilder options = new StringBuilder();
        if (hugePages != HugePages.FALSE) {
            options.append(", hugePages=").append(hugePages.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (fallback) {
            options.append(", fallback=basepages");
        }
        if (numaNode >= 0) {
            options.append(", numaNode=").append(numaNode);
        }
        if (populate) {
            options.append(", populate=true");
        }
        return options.isEmpty() ? "pages" : "pages(" + options.substring(2) + ")";
    }
}
