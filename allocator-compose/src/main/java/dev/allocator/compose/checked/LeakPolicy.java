package dev.allocator.compose.checked;

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
    FREE
}
