package dev.allocator.io;

/**
 * The state of one buffer of an {@link IoBufferPool}.
 *
 * <pre>
 *          acquire              markInFlight
 *   FREE ----------&gt; ACQUIRED --------------&gt; IN_FLIGHT
 *     ^                |   ^                      |
 *     +----------------+   +----------------------+
 *          release            completeInFlight
 * </pre>
 */
public enum BufferState {
    /** In the pool: the next acquire may hand it out. */
    FREE,
    /** The caller's: it may read and write it, give it to the kernel, or release it. */
    ACQUIRED,
    /** The kernel's: an I/O operation reads into it or writes from it; it can be neither released nor handed out. */
    IN_FLIGHT
}
