package dev.allocator.tests.contract;

/** The contract over {@link Subjects#FALLBACK}: a composed spec passes like a single allocator. */
class FallbackContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.FALLBACK;
    }
}
