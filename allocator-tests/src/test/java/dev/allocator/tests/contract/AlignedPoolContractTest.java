package dev.allocator.tests.contract;

/** The contract over {@link Subjects#ALIGNED_POOL}. */
class AlignedPoolContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.ALIGNED_POOL;
    }
}
