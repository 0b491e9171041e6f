package dev.allocator.tests.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a soak run counted, over every thread and episode, and the errors it saw (the first {@value #KEPT} in full,
 * the rest counted). Thread-safe.
 */
final class SoakTally {

    /** What is counted. */
    enum Count {
        OPERATIONS, ALLOCATIONS, FAILURES, FREES, HANDOFFS, VERIFIES, TRIMS, RESETS, EPISODES,
        REJECTED_AFTER_CLOSE, WRONG_THREAD, FAULTS_INJECTED, BYTES_LOST, BYTES_MISCOUNTED, PLATFORM_THREADS,
        VIRTUAL_THREADS
    }

    private static final int KEPT = 30;

    private final LongAdder[] counts = new LongAdder[Count.values().length];
    private final Map<String, LongAdder[]> bySpec = new TreeMap<>();
    private final List<String> errors = new ArrayList<>();
    private long errorCount;

    SoakTally() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void add(Count count, long n) {
        counts[count.ordinal()].add(n);
    }

    long get(Count count) {
        return counts[count.ordinal()].sum();
    }

    /** Counts operations, faults and errors of one spec, for the per-spec table. */
    synchronized void addForSpec(String spec, long operations, long faults, long errors) {
        LongAdder[] row = bySpec.computeIfAbsent(spec, s -> new LongAdder[] {new LongAdder(), new LongAdder(),
                new LongAdder(), new LongAdder()});
        row[0].increment();
        row[1].add(operations);
        row[2].add(faults);
        row[3].add(errors);
    }

    synchronized void error(String what) {
        errorCount++;
        if (errors.size() < KEPT) {
            errors.add(what);
        }
    }

    synchronized long errors() {
        return errorCount;
    }

    /** The summary: one line per figure, a table per spec, then the errors. */
    synchronized String report(String header) {
        StringBuilder out = new StringBuilder(header).append('\n');
        out.append("operations: ").append(get(Count.OPERATIONS))
                .append(" (allocations ").append(get(Count.ALLOCATIONS))
                .append(", failed allocations ").append(get(Count.FAILURES))
                .append(", frees ").append(get(Count.FREES))
                .append(" of which handed to another thread ").append(get(Count.HANDOFFS))
                .append(", verifies ").append(get(Count.VERIFIES))
                .append(", trims ").append(get(Count.TRIMS))
                .append(", resets ").append(get(Count.RESETS)).append(")\n");
        out.append("episodes (open, race, close): ").append(get(Count.EPISODES))
                .append("; threads started: ").append(get(Count.PLATFORM_THREADS)).append(" platform, ")
                .append(get(Count.VIRTUAL_THREADS)).append(" virtual\n");
        out.append("rejected after close (IllegalStateException): ").append(get(Count.REJECTED_AFTER_CLOSE))
                .append("; rejected from a wrong thread (WrongThreadException): ").append(get(Count.WRONG_THREAD))
                .append('\n');
        out.append("faults injected: ").append(get(Count.FAULTS_INJECTED)).append('\n');
        out.append("bytes lost: ").append(get(Count.BYTES_LOST)).append('\n');
        out.append("bytes miscounted (system's bytesInUse below 0 after close): ")
                .append(get(Count.BYTES_MISCOUNTED)).append('\n');
        out.append("errors: ").append(errorCount).append('\n');
        out.append("\nper spec: episodes, operations, faults injected, errors\n");
        bySpec.forEach((spec, row) -> out.append(String.format("%4d %12d %9d %6d  %s%n", row[0].sum(),
                row[1].sum(), row[2].sum(), row[3].sum(), spec)));
        if (!errors.isEmpty()) {
            out.append("\nfirst errors:\n");
            errors.forEach(e -> out.append("- ").append(e).append('\n'));
        }
        return out.toString();
    }
}
