package dev.allocator.tests.contract;

/** The contract over {@link Subjects#CHECKED}. */
class CheckedContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.CHECKED;
    }
}
