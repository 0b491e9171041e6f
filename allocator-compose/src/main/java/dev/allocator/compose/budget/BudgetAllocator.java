package dev.allocator.compose.budget;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.compose.jfr.BudgetRefusedEvent;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Caps the bytes handed out through it: each request's size is charged to a {@link Budget} (and its ancestors)
 * before the backing allocator is asked, and given back on deallocation.
 *
 * {@snippet :
 * try (Allocator capped = Allocators.open("budget(limit=256MiB) > system")) {
 *     capped.allocate(Layout.of(300L << 20));   // AllocationException, reason BUDGET:
 *     // budget 'budget' refuses 314572800 B aligned 1: limit 268435456 B, 0 B in use
 * }
 * }
 *
 * <p>A refusal is an {@link AllocationException} with reason {@link AllocationException.Reason#BUDGET} (or
 * {@code null} from {@link #tryAllocate}) whose message names the budget, the limit, the request and the bytes in
 * use; it is also recorded as a {@link BudgetRefusedEvent} in JFR. Thread-safe when the backing allocator is;
 * a charge or release that fits the calling thread's credit in the budget writes no cache line shared with other
 * threads (see {@link Budget}), and so do the counts, which {@link #stats()} folds (deallocations never exceed
 * allocations, bytes in use never negative). Closing it gives its outstanding charges back to the budget; a call
 * racing with close never gives a charge back twice nor keeps one (see the notes), and {@code bytesInUse} never goes
 * below 0. A deallocation is credited only after the backing allocator accepted it. Over a backing it does not own, it
 * registers itself ({@link Allocator#addDependent}), so a backing that closes first closes it and its charges go back.
 */
public final class BudgetAllocator extends ForwardingAllocator {

    /*
     * Maintainers' notes.
     *
     * `charges` holds the bytes of this allocator's live allocations, which the budget holds for it, striped by
     * thread; close closes every stripe and gives back what it found. Each charge is given back exactly once (see
     * Charges): a deallocation on an open stripe gives its bytes back itself (close did not see them, or saw the
     * deallocation too); one on a closed stripe gives nothing back (close did). An allocation that completes after
     * close gives its charge and its segment back, and throws. No call writes a cache line shared by all threads:
     * the budget's charge and release use its per-thread credit (see Budget), the counts are striped.
     */

    private final Budget budget;
    private final Charges charges = new Charges();
    /** Whether the backing (not ours) closes this allocator first, so that its charges go back then. */
    private final boolean registered;

    /**
     * Creates a budgeted allocator.
     *
     * @param backing     the allocator to take memory from
     * @param budget      the budget to charge
     * @param ownsBacking whether {@link #close()} closes {@code backing}
     */
    public BudgetAllocator(Allocator backing, Budget budget, boolean ownsBacking) {
        super("budget(" + budget.name() + ", limit=" + budget.limit() + ")", backing, ownsBacking);
        this.budget = Objects.requireNonNull(budget, "budget");
        this.registered = !ownsBacking && backing.addDependent(this);
    }

    /**
     * The budget this allocator charges.
     *
     * @return the budget
     */
    public Budget budget() {
        return budget;
    }

    /**
     * {@inheritDoc}
     *
     * @throws AllocationException reason {@code BUDGET} when the budget or an ancestor refuses, or what the backing
     *                             allocator throws
     */
    @Override
    public MemorySegment allocate(Layout layout) {
        return allocate(layout, true, false);
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        return allocate(layout, false, false);
    }

    @Override
    public MemorySegment allocateZeroed(Layout layout) {
        return allocate(layout, true, true);
    }

    private MemorySegment allocate(Layout layout, boolean throwOnFailure, boolean zeroed) {
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        final long size = layout.size();
        final Budget refused = budget.tryReserve(size);
        if (refused != null) {
            charges.failed();
            long inUse = refused.used();
            record(refused, size, inUse);
            if (throwOnFailure) {
                throw new AllocationException(AllocationException.Reason.BUDGET, layout, "budget '" + refused.name()
                        + "' refuses " + layout + ": limit " + refused.limit() + " B, " + inUse + " B in use");
            }
            return null;
        }
        final MemorySegment segment;
        try {
            segment = allocateFromBacking(layout, throwOnFailure, zeroed);
        } catch (RuntimeException e) {
            budget.release(size);
            if (e instanceof AllocationException) {
                charges.failed();
            }
            throw e;
        }
        if (segment == null) {
            budget.release(size);
            charges.failed();
            return null;
        }
        if (!charges.charged(size)) {
            budget.release(size);
            try {
                backing.deallocate(segment, layout);
            } catch (RuntimeException closedToo) {
                // the backing closed as well, and freed it
            }
            requireOpen();
        }
        return segment;
    }

    private static void record(Budget refused, long size, long inUse) {
        BudgetRefusedEvent event = new BudgetRefusedEvent();
        if (event.shouldCommit()) {
            event.budget = refused.name();
            event.limit = refused.limit();
            event.inUse = inUse;
            event.requested = size;
            event.commit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The backing allocator checks the segment first; only then is the charge given back.
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        requireOpen();
        backing.deallocate(segment, layout);
        final long size = layout.size();
        if (charges.freed(size)) {
            budget.release(size);
        }
    }

    /** Counts of this stage; {@code bytesReserved} is the backing allocator's. */
    @Override
    public AllocatorStats stats() {
        final long[] folded = charges.fold();
        return new AllocatorStats(folded[0], folded[1], folded[2], folded[3], backing.stats().bytesReserved());
    }

    /** Gives the charges of allocations never deallocated back to the budget. */
    @Override
    protected void onClose() {
        if (registered) {
            backing.removeDependent(this);
        }
        final long outstanding = charges.close();
        if (outstanding > 0) {
            budget.release(outstanding);
        }
    }

    /** Lists its budget's limit, use and headroom ({@code layer=budget}), then the backing's measures. */
    @Override
    public void measures(Consumer<? super Measure> sink) {
        BudgetMeasures.list(this, sink);
        super.measures(sink);
    }
}
