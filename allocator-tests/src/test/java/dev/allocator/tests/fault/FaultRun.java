package dev.allocator.tests.fault;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.support.Patterns;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One thread's random allocations and frees over an allocator whose backing fails now and then: every allocation
 * failure must be an {@link AllocationException} or a {@code null} from {@code tryAllocate}, every segment handed
 * out must be right and keep its pattern, and (for the allocator's only user) its counters must move exactly as the
 * run's. Not thread-safe: one run per thread.
 */
final class FaultRun {

    /** A live allocation: its segment, layout and pattern seed. */
    record Held(MemorySegment segment, Layout layout, long seed) {
    }

    private static final int MAX_HELD = 128;

    private final Allocator allocator;
    private final Subject caps;
    private final FaultyAllocator.Mode mode;
    private final Random random;
    private final String what;
    private final AllocatorStats baseline;
    private final List<Held> held = new ArrayList<>();
    private long successes;
    private long failures;
    /** Failures thrown by {@code tryAllocate} in mode THROW: a stage need not count what breaks the contract. */
    private long thrownByTry;
    private long frees;
    private long heldBytes;
    private long nextSeed;
    private int step;

    /**
     * @param what names the spec and seed in failure messages
     */
    FaultRun(Allocator allocator, Subject caps, FaultyAllocator.Mode mode, long seed, String what) {
        this.allocator = allocator;
        this.caps = caps;
        this.mode = mode;
        this.random = new Random(seed);
        this.what = what;
        this.baseline = allocator.stats();
        this.nextSeed = seed << 20;
    }

    long failures() {
        return failures;
    }

    long thrownByTry() {
        return thrownByTry;
    }

    long successes() {
        return successes;
    }

    List<Held> held() {
        return held;
    }

    /**
     * Runs {@code steps} random operations.
     *
     * @param mustSucceed whether every allocation must succeed (no faults armed, nothing bounded)
     * @param soleUser    whether the counters must match this run's exactly
     */
    void run(int steps, boolean mustSucceed, boolean soleUser) {
        for (int i = 0; i < steps; i++, step++) {
            int op = random.nextInt(100);
            if (op < 55 && held.size() < MAX_HELD || held.isEmpty()) {
                allocate(mustSucceed);
            } else if (op < 95) {
                boolean latest = caps.reuse() == Subject.Reuse.LATEST_ONLY && random.nextBoolean();
                free(latest ? held.size() - 1 : random.nextInt(held.size()));
            } else {
                verifyAll();
            }
            if (soleUser) {
                checkStats();
            }
        }
    }

    private void allocate(boolean mustSucceed) {
        Layout layout = Requests.nextLayout(random, caps);
        Requests.Call call = Requests.Call.next(random);
        String name = call.toString();
        MemorySegment segment;
        try {
            segment = call.on(allocator, layout);
            if (segment == null && call != Requests.Call.TRY_ALLOCATE) {
                throw fail(name + "(" + layout + ") returned null", null);
            }
        } catch (AllocationException e) {
            if (call == Requests.Call.TRY_ALLOCATE) {
                if (mode != FaultyAllocator.Mode.THROW) {
                    throw fail("tryAllocate(" + layout + ") threw although the backing returns null", e);
                }
                thrownByTry++;
            }
            segment = null;
        } catch (RuntimeException | Error e) {
            throw fail(name + "(" + layout + ") failed with neither AllocationException nor null", e);
        }
        if (segment == null) {
            if (mustSucceed) {
                throw fail(name + "(" + layout + ") failed with no fault armed and " + held.size() + " held", null);
            }
            failures++;
            return;
        }
        check(segment.byteSize() == layout.size(), "byteSize " + segment.byteSize() + " for " + layout);
        check(segment.address() % layout.alignment() == 0, "address " + Checks.hex(segment.address())
                + " for " + layout);
        check(allocator.owns(segment), "owns its segment of " + layout);
        if (call == Requests.Call.ALLOCATE_ZEROED) {
            for (long offset = 0; offset < segment.byteSize(); offset++) {
                check(segment.get(ValueLayout.JAVA_BYTE, offset) == 0, "allocateZeroed: byte " + offset
                        + " of " + layout + " is not zero");
            }
        }
        Held entry = new Held(segment, layout, nextSeed++);
        Patterns.fill(segment, entry.seed());
        held.add(entry);
        successes++;
        heldBytes += layout.size();
    }

    /** Checks and frees the held allocation at {@code index}. */
    void free(int index) {
        Held entry = held.remove(index);
        Patterns.verify(entry.segment(), entry.seed(), what + " step " + step + ": before free");
        try {
            allocator.deallocate(entry.segment(), entry.layout());
        } catch (RuntimeException e) {
            throw fail("deallocate(" + entry.layout() + ") of a live segment failed", e);
        }
        frees++;
        heldBytes -= entry.layout().size();
    }

    /** Checks the pattern of every held allocation. */
    void verifyAll() {
        for (Held entry : held) {
            Patterns.verify(entry.segment(), entry.seed(), what + " step " + step + ": held allocation");
        }
    }

    /** Frees every held allocation, newest first. */
    void freeAll() {
        verifyAll();
        while (!held.isEmpty()) {
            free(held.size() - 1);
        }
    }

    /** The counters moved exactly as this run's: allocations, failures, and for reusing subjects the rest. */
    void checkStats() {
        AllocatorStats stats = allocator.stats();
        check(stats.allocations() - baseline.allocations() == successes, "allocations in " + stats + ", but "
                + successes + " succeeded");
        long counted = stats.failures() - baseline.failures();
        check(counted <= failures && counted >= failures - thrownByTry, "failures in " + stats + ", but "
                + failures + " failed (" + thrownByTry + " of them thrown by tryAllocate)");
        if (caps.reuse() == Subject.Reuse.ANY) {
            check(stats.deallocations() - baseline.deallocations() == frees, "deallocations in " + stats
                    + ", but " + frees + " were freed");
            check(stats.bytesInUse() - baseline.bytesInUse() == heldBytes, "bytesInUse in " + stats + ", but "
                    + heldBytes + " bytes are held");
        }
    }

    private AssertionError fail(String message, Throwable cause) {
        return new AssertionError(what + " step " + step + ": " + message + (cause == null ? "" : ": " + cause),
                cause);
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            throw fail(message, null);
        }
    }
}
