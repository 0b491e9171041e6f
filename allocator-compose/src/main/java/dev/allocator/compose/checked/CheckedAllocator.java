package dev.allocator.compose.checked;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.compose.ForwardingAllocator;
import dev.allocator.compose.internal.CallSites;
import dev.allocator.compose.jfr.LeakEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * Checked mode: tracks every live allocation (address, size, alignment, and optionally the allocating stack), rejects
 * double frees, foreign frees and size or alignment mismatches with a message that names the allocation, reports
 * leaks on {@link #close()}, and by default catches what the JDK's own checks cannot: a use after free, an overrun by
 * native code, a write after free through a raw address ({@link Coverage}).
 *
 * {@snippet :
 * try (Allocator checked = Allocators.open("checked(onLeak=throw, sites=true) > pool(blockSize=64, capacity=1024)")) {
 *     MemorySegment block = checked.allocate(Layout.of(64));
 *     // forgetting checked.deallocate(block, Layout.of(64)) makes close() throw:
 *     // checked > pool(...) closed with 1 leaked allocation, 64 bytes
 *     //   64 B aligned 1 at 0x7f..., allocated
 *     //       at com.example.Handler.onPacket(Handler.java:42) ...
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe when the backing allocator is. The bookkeeping is guarded by one lock (this is a debugging mode;
 *       it serializes allocation and deallocation).</li>
 *   <li>{@link #deallocate} throws {@link IllegalArgumentException} for a segment that did not come from this
 *       allocator, and for a segment or layout whose size or alignment differs from the allocation's (the message
 *       names the allocation and, with sites, where it was allocated); {@link IllegalStateException} when no live
 *       allocation starts there (a double free, also one whose address was handed out again since, when scopes are
 *       on). Nothing changes after a rejected call.</li>
 *   <li>Scopes (default on): each allocation is a segment in a shared scope of its own, closed when it is freed and
 *       when this allocator closes, so touching a freed segment throws {@link IllegalStateException}. A free of a
 *       segment that a native call holds right now throws {@link IllegalStateException} and changes nothing.</li>
 *   <li>Guards (default 16 bytes): the block asked of the backing allocator has guard bytes before and after the
 *       allocation ({@link GuardedBlock}), verified on free and at close. An overwritten guard makes that call throw
 *       {@link IllegalStateException} naming the allocation, its site and the offset written, after the block has
 *       been freed (no memory is lost). When the backing allocator cannot give the larger block (a pool's fixed block
 *       size, a budget), the allocation is made unguarded.</li>
 *   <li>Quarantine (default 1 MiB): freed blocks no larger than it are filled with {@code 0xDD} and held back, oldest
 *       given back first; the pattern is verified when a block leaves (evicted by a later free, or at close, or
 *       when the backing allocator runs out and the quarantine is emptied before asking again). A changed byte makes
 *       the call that evicted the block throw {@link IllegalStateException} with the allocation's address, size,
 *       site and the offset written, after that call has done its own work and the block has been freed. While
 *       blocks are held the backing allocator's {@code bytesInUse} counts them.</li>
 *   <li>{@link #close()} closes every allocation's scope first (if a native call holds one, it throws
 *       {@link IllegalStateException}, frees nothing, and may be called again), then verifies and gives back every
 *       quarantined and leaked block, records a {@link LeakEvent}, follows its {@link LeakPolicy} (log a warning,
 *       throw {@link IllegalStateException} with the {@link LeakReport}, or stay silent), and closes the backing
 *       allocator when it owns it; an overrun or a write after free found then is thrown as
 *       {@link IllegalStateException} whatever the policy, with the leak report suppressed. Over a backing it does
 *       not own, it registers with {@link Allocator#addDependent}, so the backing's close closes it first (a report
 *       that close throws is then logged as a warning).</li>
 *   <li>The live allocations sit in Eclipse Collections primitive maps keyed by address: no boxing. With sites on,
 *       each allocation also captures up to {@value #SITE_DEPTH} stack frames, which costs microseconds.</li>
 * </ul>
 */
public final class CheckedAllocator extends ForwardingAllocator {

    /*
     * Maintainers' notes. The state lives in a Ledger (every access under its monitor); this class calls the backing
     * allocator, closes scopes, fills and verifies memory, all outside that lock.
     *
     * allocate: backing (the guarded layout by tryAllocate; once more after emptying the quarantine; then the plain
     * layout by the caller's own method, whose failure is the caller's) -> guards -> own arena -> ledger.record,
     * unless a close has begun (then the block goes back and the caller gets IllegalStateException).
     *
     * deallocate: ledger.take finds the record whose handed segment has the segment's scope (a stale segment at a
     * reused address has another), checks sizes and removes it: the linearization point; a second free finds
     * nothing. Then: close its scope (if a native call holds it, ledger.untake and throw: nothing changed) -> verify
     * and repair the guards -> poison and quarantine it, or give it back -> verify and give back what was evicted ->
     * throw what was found.
     *
     * close: the constructor registers a ScopeCloser as this allocator's oldest dependent, so ForwardingAllocator's
     * close() runs it after every other dependent and before anything is freed; it marks the ledger closing and
     * closes every live scope; if one refuses it unmarks and throws, so close() frees nothing and may be called
     * again. onClose then verifies and gives back the quarantined and leaked blocks and applies the leak policy.
     */

    /** Stack frames kept per allocation site. */
    public static final int SITE_DEPTH = 12;

    private static final StackTraceElement[] NO_SITE = new StackTraceElement[0];

    private final Ledger ledger;
    private final Coverage coverage;
    private final boolean ownsBacking;
    private final AutoCloseable closedByBacking = new ClosedByBacking();
    private final LeakPolicy onLeak;
    private final boolean captureSites;

    /**
     * Creates a checked allocator with the {@linkplain Coverage#DEFAULT default coverage}.
     *
     * @param backing      the allocator to check
     * @param onLeak       what {@link #close()} does about leaks
     * @param captureSites whether to record where each allocation was made
     * @param ownsBacking  whether {@link #close()} closes {@code backing}
     */
    public CheckedAllocator(Allocator backing, LeakPolicy onLeak, boolean captureSites, boolean ownsBacking) {
        this(backing, onLeak, captureSites, Coverage.DEFAULT, ownsBacking);
    }

    /**
     * Creates a checked allocator.
     *
     * @param backing      the allocator to check
     * @param onLeak       what {@link #close()} does about leaks
     * @param captureSites whether to record where each allocation was made
     * @param coverage     the scopes, guards and quarantine to use
     * @param ownsBacking  whether {@link #close()} closes {@code backing}
     */
    public CheckedAllocator(Allocator backing, LeakPolicy onLeak, boolean captureSites, Coverage coverage,
                            boolean ownsBacking) {
        super("checked", backing, ownsBacking);
        this.onLeak = Objects.requireNonNull(onLeak, "onLeak");
        this.coverage = Objects.requireNonNull(coverage, "coverage");
        this.captureSites = captureSites;
        this.ledger = new Ledger(coverage.quarantine());
        this.ownsBacking = ownsBacking;
        super.addDependent(new ScopeCloser());
        if (!ownsBacking) {
            backing.addDependent(closedByBacking);
        }
    }

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
        final StackTraceElement[] site = captureSites ? CallSites.capture(SITE_DEPTH) : NO_SITE;
        final Layout guarded = layout.size() == 0 ? null : GuardedBlock.layout(layout, coverage.guard());
        MemorySegment block;
        Layout asked = guarded;
        try {
            block = guarded == null ? null : fromBacking(guarded, false, false);
            if (block == null) {
                asked = layout;
                block = fromBacking(layout, throwOnFailure, zeroed);
            }
        } catch (AllocationException e) {   // also from a backing whose tryAllocate throws
            ledger.countFailure();
            throw e;
        }
        if (block == null) {
            ledger.countFailure();
            return null;
        }
        final long front = asked == layout ? 0 : GuardedBlock.front(coverage.guard(), layout.alignment());
        final MemorySegment payload = asked == layout ? block : block.asSlice(front, layout.size());
        if (asked != layout) {
            GuardedBlock.writeGuards(block, front, layout.size());
            if (zeroed) {
                payload.fill((byte) 0);
            }
        }
        final Arena arena = coverage.scopes() && layout.size() > 0 ? Arena.ofShared() : null;
        final MemorySegment handed = arena == null ? payload
                : MemorySegment.ofAddress(payload.address()).reinterpret(layout.size(), arena, null);
        final Allocation allocation = new Allocation(block, asked, front, layout, handed, arena, site);
        if (!ledger.record(allocation, backing)) {
            allocation.closeScope();
            backing.deallocate(block, asked);
            throw new IllegalStateException(this + " is closed");
        }
        return handed;
    }

    /** Asks the backing; when it fails and the quarantine holds blocks, empties the quarantine and asks again. */
    private MemorySegment fromBacking(Layout asked, boolean throwOnFailure, boolean zeroed) {
        if (ledger.quarantineHolds()) {
            MemorySegment block = backing.tryAllocate(asked);
            if (block != null) {
                return zeroed ? block.fill((byte) 0) : block;
            }
            giveBack(ledger.drainQuarantine(), true, null);
        }
        return allocateFromBacking(asked, throwOnFailure, zeroed);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the segment did not come from this allocator, or its size, the layout's
     *                                  size or the layout's alignment differs from the allocation's
     * @throws IllegalStateException    when no live allocation starts at the segment's address (double free); when a
     *                                  native call holds the segment; when its guards were overwritten or a block
     *                                  evicted from quarantine was written after its free (the free has happened)
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        requireOpen();
        if (segment.byteSize() == 0 && layout.size() == 0) {
            if (!ledger.takeZeroSized(segment.address())) {
                throw notLive(segment);
            }
            backing.deallocate(segment, layout);
            return;
        }
        final Allocation freed = ledger.take(segment, layout);
        if (freed == null) {
            throw notLive(segment);
        }
        try {
            freed.closeScope();
        } catch (IllegalStateException held) {
            ledger.untake(freed);
            throw new IllegalStateException("the allocation at " + freed.describe() + " is in use by a native call",
                    held);
        }
        final String overrun = freed.overrun(this);
        if (ledger.quarantines(freed.asked().size())) {
            freed.poison();
            List<Allocation> out = ledger.quarantine(freed);
            giveBack(out, out.isEmpty() || out.getFirst() != freed, overrun);
        } else {
            giveBack(List.of(freed), false, overrun);
        }
    }

    /**
     * Gives blocks back to the backing allocator, then throws {@link IllegalStateException} when any was damaged.
     *
     * @param blocks      allocations already freed by their callers
     * @param quarantined whether they come out of quarantine (then their freed pattern and guards are verified)
     * @param damage      damage found already, or {@code null}
     */
    private void giveBack(List<Allocation> blocks, boolean quarantined, String damage) {
        RuntimeException found = damage == null ? null : new IllegalStateException(damage);
        for (Allocation block : blocks) {
            String seen = quarantined ? block.writtenAfterFree(this) : null;
            backing.deallocate(block.block(), block.asked());
            if (seen != null) {
                found = suppress(found, new IllegalStateException(seen));
            }
        }
        if (found != null) {
            throw found;
        }
    }

    private static RuntimeException suppress(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private RuntimeException notLive(MemorySegment segment) {
        String where = Checks.hex(segment.address()) + " (" + segment.byteSize() + " B)";
        if (!owns(segment)) {
            return new IllegalArgumentException("segment at " + where + " was not allocated by " + this);
        }
        return new IllegalStateException("no live allocation of " + this + " starts at " + where
                + ": it was deallocated already (double free), or did not come through this checked allocator");
    }

    /**
     * {@inheritDoc}
     *
     * <p>True for every segment this allocator handed out and for slices of them, live or not, and for the backing
     * allocator's own segments. Works after close.
     */
    @Override
    public boolean owns(MemorySegment segment) {
        return ledger.ownsScope(segment.scope()) || backing.owns(segment);
    }

    /**
     * The allocations live now, as {@link #close()} would report them.
     *
     * @return the report
     */
    public LeakReport leakReport() {
        return ledger.leakReport(toString());
    }

    @Override
    public AllocatorStats stats() {
        return ledger.stats(backing.stats().bytesReserved());
    }

    /** Closes every live allocation's scope before anything is freed: this allocator's oldest dependent. */
    private final class ScopeCloser implements AutoCloseable {
        @Override
        public void close() {
            try {
                for (Allocation allocation : ledger.beginClose()) {
                    allocation.closeScope();
                }
            } catch (IllegalStateException held) {
                ledger.abortClose();
                throw held;
            }
        }

        @Override
        public String toString() {
            return "the scopes of " + CheckedAllocator.this;
        }
    }

    /**
     * What a backing this allocator does not own closes before it frees memory: this allocator. A report thrown by a
     * close that happened (leaks with {@code onLeak=throw}, damage) is logged, so that the backing's close goes on.
     */
    private final class ClosedByBacking implements AutoCloseable {
        @Override
        public void close() {
            try {
                CheckedAllocator.this.close();
            } catch (RuntimeException report) {
                if (!isClosed()) {
                    throw report;
                }
                System.getLogger(CheckedAllocator.class.getName()).log(System.Logger.Level.WARNING,
                        CheckedAllocator.this + " closed by its backing allocator's close", report);
            }
        }

        @Override
        public String toString() {
            return CheckedAllocator.this.toString();
        }
    }

    /**
     * Verifies and gives back every quarantined and leaked block, then records a {@link LeakEvent} and applies the
     * leak policy. Damage found is thrown, with the leak report's exception suppressed.
     */
    @Override
    protected void onClose() {
        if (!ownsBacking) {
            backing.removeDependent(closedByBacking);
        }
        final LeakReport report = leakReport();
        final List<List<Allocation>> all = ledger.takeAll();
        RuntimeException failure = null;
        try {
            giveBack(all.get(0), true, null);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Allocation leaked : all.get(1)) {
            try {
                leaked.closeScope();
                giveBack(List.of(leaked), false, leaked.overrun(this));
            } catch (RuntimeException e) {
                failure = suppress(failure, e);
            }
        }
        RuntimeException leak = report.count() == 0 ? null : onLeak.apply(report);
        if (leak != null) {
            failure = suppress(failure, leak);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
