package dev.allocator.compose.sizeclasses;

/**
 * The first thing a {@link SizeClassAllocator}'s {@code close()} runs, before anything of the allocator changes (it is
 * the allocator's oldest dependent, and {@code ForwardingAllocator} closes dependents before it marks itself closed):
 * throws when the backing allocator's memory may not be touched from the closing thread (a confined arena closed from
 * another thread), so that such a close changes nothing.
 */
final class CloseGuard implements AutoCloseable {

    private final Object allocator;
    private final SizeClass[] byClass;
    private final SlabReturns returns;

    CloseGuard(Object allocator, SizeClass[] byClass, SlabReturns returns) {
        this.allocator = allocator;
        this.byClass = byClass;
        this.returns = returns;
    }

    /**
     * @throws WrongThreadException when the calling thread may not touch a segment the backing allocator handed out
     */
    @Override
    public void close() {
        final Thread thread = Thread.currentThread();
        boolean accessible = returns.accessibleBy(thread);
        for (SizeClass sizeClass : byClass) {
            accessible &= sizeClass.accessibleBy(thread);
        }
        if (!accessible) {
            throw new WrongThreadException(allocator + " must be closed from a thread its backing allocator accepts: "
                    + "thread=" + thread.getName());
        }
    }

    @Override
    public String toString() {
        return "the thread check of " + allocator;
    }
}
