package dev.allocator.compose.budget;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.compose.jfr.BudgetRefusedEvent;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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
 * charges are lock-free for a top-level budget. Closing it gives its outstanding charges back to the budget; a call
 * racing with close never gives a charge back twice nor keeps one (see the notes), and {@code bytesInUse} never goes
 * below 0. A deallocation is credited only after the backing allocator accepted it. Over a backing it does not own, it
 * registers itself ({@link Allocator#addDependent}), so a backing that closes first closes it and its charges go back.
 */
public final class BudgetAllocator extends ForwardingAllocator {

    /*
     * Maintainers' notes.
     *
     * `charged` holds the bytes of this allocator's live allocations, which the budget holds for it; close adds
     * Long.MIN_VALUE, so a negative value means closed, and close gives back what it found. Each charge is given
     * back exactly once: a deallocation whose getAndAdd saw a non-negative value gives its bytes back itself (close
     * did not see them); one that saw a negative value undoes its add and gives nothing back (close did). An
     * allocation that completes after close undoes its add, gives its charge and its segment back, and throws.
     */

    private static final long CLOSED = Long.MIN_VALUE;

    private final Budget budget;
    private final LongAdder allocations = new LongAdder();
    private final LongAdder deallocations = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong charged = new AtomicLong();
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
            failures.increment();
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
                failures.increment();
            }
            throw e;
        }
        if (segment == null) {
            budget.release(size);
            failures.increment();
            return null;
        }
        if (charged.getAndAdd(size) < 0) {
            charged.getAndAdd(-size);
            budget.release(size);
            try {
                backing.deallocate(segment, layout);
            } catch (RuntimeException closedToo) {
                // the backing closed as well, and freed it
            }
            requireOpen();
        }
        allocations.increment();
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
        if (charged.getAndAdd(-size) >= 0) {
            budget.release(size);
        } else {
            charged.getAndAdd(size); // close gave this charge back already
        }
        deallocations.increment();
    }

    /** Counts of this stage; {@code bytesReserved} is the backing allocator's. */
    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(allocations.sum(), deallocations.sum(), failures.sum(),
                Math.max(0, charged.get()), backing.stats().bytesReserved());
    }

    /** Gives the charges of allocations never deallocated back to the budget. */
    @Override
    protected void onClose() {
        if (registered) {
            backing.removeDependent(this);
        }
        final long outstanding = charged.getAndAdd(CLOSED);
        if (outstanding > 0) {
            budget.release(outstanding);
        }
    }
}
