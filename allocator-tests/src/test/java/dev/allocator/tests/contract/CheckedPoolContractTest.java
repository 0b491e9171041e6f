package dev.allocator.tests.contract;

/** The contract over {@link Subjects#CHECKED_POOL}. */
class CheckedPoolContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.CHECKED_POOL;
    }
}
