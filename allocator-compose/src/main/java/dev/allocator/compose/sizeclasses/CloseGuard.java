package dev.allocator.compose.sizeclasses;

/**
 * Part of a {@link SizeClassAllocator}'s {@code requireCloseable()}, which its {@code close()} runs before anything
 * changes: throws when a segment the backing allocator handed out may not be touched from the closing thread (a
 * confined backing that does not say so through its own {@code requireCloseable()}), so that such a close changes
 * nothing.
 */
final class CloseGuard {

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
    void check() {
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
