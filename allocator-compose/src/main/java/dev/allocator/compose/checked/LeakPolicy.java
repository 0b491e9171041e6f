package dev.allocator.compose.checked;

import dev.allocator.compose.jfr.LeakEvent;

/**
 * What a {@link CheckedAllocator} does when it is closed with allocations never given back. In every case the leaked
 * memory is given back to the backing allocator first, and a {@code dev.allocator.Leak} JFR event is recorded.
 *
 * {@snippet :
 * Allocator strict = new CheckedAllocator(Allocators.open("system"), LeakPolicy.THROW, true, true);
 * }
 */
public enum LeakPolicy {
    /** Log the leak report as a warning through {@link System.Logger}. */
    LOG,
    /** Throw {@link IllegalStateException} with the leak report from {@code close()}. */
    THROW,
    /** Free the leaked memory silently. */
    FREE;

    /**
     * Records the JFR event for a non-empty report and follows this policy.
     *
     * @return the exception {@code close()} throws for {@link #THROW}, else {@code null}
     */
    IllegalStateException apply(LeakReport report) {
        LeakEvent event = new LeakEvent();
        if (event.shouldCommit()) {
            event.allocator = report.allocator();
            event.count = report.count();
            event.bytes = report.bytes();
            event.report = report.toString();
            event.commit();
        }
        return switch (this) {
            case LOG -> {
                System.getLogger(CheckedAllocator.class.getName()).log(System.Logger.Level.WARNING, report.toString());
                yield null;
            }
            case THROW -> new IllegalStateException(report.toString());
            case FREE -> null;
        };
    }
}
