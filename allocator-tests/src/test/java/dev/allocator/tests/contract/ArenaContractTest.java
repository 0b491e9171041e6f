package dev.allocator.tests.contract;

/** The contract over {@link Subjects#ARENA}. */
class ArenaContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.ARENA;
    }
}
