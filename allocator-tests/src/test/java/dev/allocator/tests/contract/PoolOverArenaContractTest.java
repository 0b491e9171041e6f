package dev.allocator.tests.contract;

/** The contract over {@link Subjects#POOL_OVER_ARENA}. */
class PoolOverArenaContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.POOL_OVER_ARENA;
    }
}
