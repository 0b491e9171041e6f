package dev.allocator.tests.contract;

/** The contract over {@link Subjects#SHARED_ARENA}. */
class SharedArenaContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.SHARED_ARENA;
    }
}
