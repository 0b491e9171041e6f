package dev.allocator.tests.contract;

/** The contract over {@link Subjects#POOL}. */
class PoolContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.POOL;
    }
}
