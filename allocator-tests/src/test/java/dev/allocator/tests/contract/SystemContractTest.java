package dev.allocator.tests.contract;

/** The contract over {@link Subjects#SYSTEM}. */
class SystemContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.SYSTEM;
    }
}
