package dev.allocator.tests.contract;

/** The contract over {@link Subjects#POOL_OVER_HUGE_PAGES}. */
class PoolOverHugePagesContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.POOL_OVER_HUGE_PAGES;
    }
}
