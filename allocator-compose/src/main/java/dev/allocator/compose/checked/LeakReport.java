package dev.allocator.compose.checked;

import java.util.List;

/**
 * What a {@link CheckedAllocator} found on close: the allocations never given back.
 *
 * {@snippet :
 * LeakReport report = checked.leakReport();   // before close: what would leak now
 * if (report.count() > 0) {
 *     System.err.println(report);
 * }
 * }
 *
 * @param allocator the allocator, as its toString shows it
 * @param leaks     the leaked allocations, oldest first is not guaranteed
 */
public record LeakReport(String allocator, List<Leak> leaks) {

    /** How many leaks are listed in full in {@link #toString()}. */
    static final int SHOWN = 20;

    /**
     * One leaked allocation.
     *
     * @param address   where it starts
     * @param size      its size in bytes
     * @param alignment its alignment
     * @param site      the stack where it was allocated, or an empty array when sites were not captured
     */
    public record Leak(long address, long size, long alignment, StackTraceElement[] site) {
    }

    /**
     * The number of leaked allocations.
     *
     * @return the count
     */
    public int count() {
        return leaks.size();
    }

    /**
     * The leaked bytes.
     *
     * @return the sum of the leaks' sizes
     */
    public long bytes() {
        long sum = 0;
        for (Leak leak : leaks) {
            sum += leak.size();
        }
        return sum;
    }

    /** The report as people read it: count, bytes, then each leak (up to 20) with its site when captured. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder()
                .append(allocator).append(" closed with ").append(count()).append(" leaked allocation")
                .append(count() == 1 ? "" : "s").append(", ").append(bytes()).append(" bytes");
        boolean anySite = false;
        for (int i = 0; i < leaks.size() && i < SHOWN; i++) {
            Leak leak = leaks.get(i);
            text.append("\n  ").append(leak.size()).append(" B aligned ").append(leak.alignment()).append(" at 0x")
                    .append(Long.toHexString(leak.address()));
            if (leak.site().length > 0) {
                anySite = true;
                text.append(", allocated");
                for (StackTraceElement frame : leak.site()) {
                    text.append("\n      at ").append(frame);
                }
            }
        }
        if (leaks.size() > SHOWN) {
            text.append("\n  ... and ").append(leaks.size() - SHOWN).append(" more");
        }
        if (!anySite && !leaks.isEmpty()) {
            text.append("\n  (open it with sites=true to see where each was allocated)");
        }
        return text.toString();
    }
}
