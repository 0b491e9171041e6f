package dev.allocator.api;

import java.util.Objects;

/**
 * Thrown by {@link Allocator#allocate(Layout)} when an allocator cannot satisfy a well-formed request. Bad arguments
 * are never reported this way: they throw {@link IllegalArgumentException}.
 *
 * <p>The {@link #reason()} says why, for code that reacts (fall back, wait, shed load); the message names the
 * allocator, the request and what stood in the way, for people.
 *
 * {@snippet :
 * try {
 *     segment = pool.allocate(layout);
 * } catch (AllocationException e) {
 *     if (e.reason() == AllocationException.Reason.EXHAUSTED) {
 *         segment = fallback.allocate(layout);
 *     } else {
 *         throw e;
 *     }
 * }
 * }
 */
public class AllocationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an allocation failed. */
    public enum Reason {
        /** A bounded allocator (a pool) has no free block left. */
        EXHAUSTED,
        /** The request is larger than this allocator ever hands out (a pool's block size, say). */
        TOO_LARGE,
        /** The request's alignment is larger than this allocator supports. */
        UNSUPPORTED_ALIGNMENT,
        /** The operating system or the C library refused the memory. */
        OUT_OF_NATIVE_MEMORY,
        /** A byte budget would be exceeded. */
        BUDGET
    }

    /** The reason; never null. */
    private final Reason reason;
    /** The request that failed; never null. */
    private final transient Layout request;

    /**
     * Creates an exception.
     *
     * @param reason  why the allocation failed
     * @param request the request that failed
     * @param message the message, which should name the allocator, the request and what stood in the way
     */
    public AllocationException(Reason reason, Layout request, String message) {
        super(message);   // the cause stays unset, so initCause still works
        this.reason = Objects.requireNonNull(reason, "reason");
        this.request = Objects.requireNonNull(request, "request");
    }

    /**
     * Creates an exception with a cause, such as the failure of the allocator beneath.
     *
     * @param reason  why the allocation failed
     * @param request the request that failed
     * @param message the message, which should name the allocator, the request and what stood in the way
     * @param cause   the underlying failure, or null
     */
    public AllocationException(Reason reason, Layout request, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.request = Objects.requireNonNull(request, "request");
    }

    /**
     * Why the allocation failed.
     *
     * @return the reason, never null
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The request that failed.
     *
     * @return the layout asked for, never null
     */
    public Layout request() {
        return request;
    }
}
