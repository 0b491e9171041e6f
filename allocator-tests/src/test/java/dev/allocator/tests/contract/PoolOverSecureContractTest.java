package dev.allocator.tests.contract;

/** The contract over {@link Subjects#POOL_OVER_SECURE}. */
class PoolOverSecureContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.POOL_OVER_SECURE;
    }
}
