package dev.allocator.tests.contract;

/** The contract over {@link Subjects#OPEN_SYSTEM}. */
class OpenSystemContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.OPEN_SYSTEM;
    }
}
