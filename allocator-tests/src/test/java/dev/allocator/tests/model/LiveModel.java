package dev.allocator.tests.model;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.support.Patterns;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A simple model of an allocator's live allocations, checked after every step of a random sequence of operations:
 * every segment has its size and alignment, no two live non-empty segments overlap, each still holds the pattern it
 * was filled with, and the allocator's counters move exactly as the model's.
 */
public final class LiveModel {

    /** One live allocation: its segment, layout and pattern seed. */
    private record Live(MemorySegment segment, Layout layout, long seed) {
    }

    private final Allocator allocator;
    private final Subject subject;
    /** Whether this model is the allocator's only user: then counters match exactly and double frees are tried. */
    private final boolean soleUser;
    /** Live allocations in allocation order (arenas give memory back only for the latest). */
    private final List<Live> live = new ArrayList<>();
    /** Non-empty live allocations by address, to find overlaps. */
    private final TreeMap<Long, Live> byAddress = new TreeMap<>();
    private final AllocatorStats baseline;
    private long allocations;
    private long deallocations;
    private long failures;
    private long bytesInUse;
    private long nextSeed;
    private final StringBuilder trace = new StringBuilder();

    /**
     * @param soleUser whether this model is the allocator's only user: then its counters must match the model's
     *                 exactly, and double frees are tried (with other users, a freed address may already belong to
     *                 someone else's new allocation, which no address-keyed check can tell from a double free)
     */
    public LiveModel(Allocator allocator, Subject subject, boolean soleUser) {
        this.allocator = allocator;
        this.subject = subject;
        this.soleUser = soleUser;
        this.baseline = allocator.stats();
    }

    /** The operations performed so far, for failure messages (the last ones). */
    public String trace() {
        int from = Math.max(0, trace.length() - 2000);
        return trace.substring(from);
    }

    /** Runs up to {@code steps} operations drawn from {@code choices}, then frees everything. */
    public void run(Choices choices, int steps) {
        for (int step = 0; step < steps && choices.hasMore(); step++) {
            int op = choices.nextInt(100);
            if (op < 50 || live.isEmpty()) {
                allocate(nextLayout(choices), choices.nextInt(2) == 0);
            } else if (op < 92 || live.size() > 256) {
                boolean latest = subject.reuse() == Subject.Reuse.LATEST_ONLY && choices.nextInt(2) == 0;
                deallocate(latest ? live.size() - 1 : choices.nextInt(live.size()));
            } else if (op < 95) {
                verifyAll();
            } else if (op < 98) {
                rejectForeign();
            } else {
                freeTwice(choices.nextInt(live.size()));
            }
            checkStats();
        }
        freeAll();
    }

    private Layout nextLayout(Choices choices) {
        long limit = Math.min(subject.maxSize(), 16 << 10);
        long size = switch (choices.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> choices.nextLong(Math.min(limit, 65) + 1);
            case 5, 6, 7 -> choices.nextLong(Math.min(limit, 1024) + 1);
            default -> choices.nextLong(limit + 1);
        };
        int maxShift = 63 - Long.numberOfLeadingZeros(Math.min(subject.maxAlignment(), 4096));
        return Layout.of(size, 1L << choices.nextInt(maxShift + 1));
    }

    /** Allocates through {@code allocate} or {@code tryAllocate}; failure is allowed only when the subject is full. */
    public void allocate(Layout layout, boolean viaTry) {
        trace.append(viaTry ? "try " : "alloc ").append(layout).append("; ");
        final MemorySegment segment = viaTry ? allocator.tryAllocate(layout) : allocateOrNull(layout);
        if (segment == null) {
            if (!subject.bounded() || (subject.exactCapacity() > 0 && live.size() < subject.exactCapacity())) {
                throw new AssertionError(subject + " failed " + layout + " with " + live.size() + " live");
            }
            failures++;
            return;
        }
        check(segment.byteSize() == layout.size(), "byteSize " + segment.byteSize() + " for " + layout);
        check(segment.address() % layout.alignment() == 0, "address " + Checks.hex(segment.address())
                + " for " + layout);
        check(allocator.owns(segment), "owns its segment");
        Live entry = new Live(segment, layout, nextSeed++);
        if (layout.size() > 0) {
            Map.Entry<Long, Live> below = byAddress.floorEntry(segment.address());
            Map.Entry<Long, Live> above = byAddress.ceilingEntry(segment.address());
            check(below == null || below.getKey() + below.getValue().layout().size() <= segment.address(),
                    () -> "new segment at " + Checks.hex(segment.address()) + " overlaps " + below.getValue());
            check(above == null || segment.address() + layout.size() <= above.getKey(),
                    () -> "new segment at " + Checks.hex(segment.address()) + " of " + layout.size()
                            + " bytes overlaps " + above.getValue());
            byAddress.put(segment.address(), entry);
        }
        Patterns.fill(segment, entry.seed());
        live.add(entry);
        allocations++;
        bytesInUse += layout.size();
    }

    private MemorySegment allocateOrNull(Layout layout) {
        try {
            return allocator.allocate(layout);
        } catch (AllocationException e) {
            if (e.reason() != AllocationException.Reason.EXHAUSTED) {
                throw new AssertionError("only exhaustion may fail a request within limits: " + e, e);
            }
            return null;
        }
    }

    /** Checks and frees the live allocation at {@code index} (in allocation order). */
    public void deallocate(int index) {
        Live entry = live.remove(index);
        trace.append("free#").append(index).append(' ').append(entry.layout()).append("; ");
        Patterns.verify(entry.segment(), entry.seed(), "before free");
        if (entry.layout().size() > 0) {
            byAddress.remove(entry.segment().address());
        }
        allocator.deallocate(entry.segment(), entry.layout());
        deallocations++;
        bytesInUse -= entry.layout().size();
    }

    private void freeTwice(int index) {
        if (!subject.detectsDoubleFree() || !soleUser) {
            return;
        }
        Live entry = live.get(index);
        deallocate(index);
        trace.append("again; ");
        try {
            allocator.deallocate(entry.segment(), entry.layout());
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("double free of " + Checks.hex(entry.segment().address()) + " was accepted");
    }

    private void rejectForeign() {
        trace.append("foreign; ");
        MemorySegment foreign = Arena.ofAuto().allocate(32, 8);
        try {
            allocator.deallocate(foreign, Layout.of(32, 8));
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("a foreign segment was accepted");
    }

    /** Checks every live allocation's contents. */
    public void verifyAll() {
        for (Live entry : live) {
            Patterns.verify(entry.segment(), entry.seed(), "live allocation");
        }
    }

    private void checkStats() {
        if (!soleUser) {
            return;
        }
        AllocatorStats stats = allocator.stats();
        check(stats.allocations() - baseline.allocations() == allocations, "allocations in " + stats);
        check(stats.failures() - baseline.failures() == failures, "failures in " + stats);
        if (subject.reuse() == Subject.Reuse.ANY) {
            check(stats.deallocations() - baseline.deallocations() == deallocations, "deallocations in " + stats);
            check(stats.bytesInUse() - baseline.bytesInUse() == bytesInUse,
                    "bytesInUse " + stats.bytesInUse() + " but the model has " + bytesInUse);
        }
    }

    /** Frees every live allocation, newest first, checking each. */
    public void freeAll() {
        verifyAll();
        while (!live.isEmpty()) {
            deallocate(live.size() - 1);
        }
        checkStats();
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static void check(boolean condition, java.util.function.Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }
}
