package dev.allocator.secure;

/**
 * A {@code secure} allocation's canary (the 16 bytes just before it, or the slack bytes just after it when its size is
 * not a multiple of its alignment) was overwritten: something wrote outside the allocation, and the memory around
 * it can no longer be trusted. Thrown by {@link SecureAllocator#deallocate} and {@link SecureAllocator#close()} after
 * the allocation was wiped and unmapped anyway (it counts as deallocated).
 */
public final class CorruptedCanaryException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the allocation and which bytes differ
     */
    public CorruptedCanaryException(String message) {
        super(message);
    }
}
