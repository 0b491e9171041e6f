package dev.allocator.tests.contract;

/** The contract over {@link Subjects#ARENA_OVER_POOL}. */
class ArenaOverPoolContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.ARENA_OVER_POOL;
    }
}
