package dev.allocator.tests.contract;

/** The contract over {@link Subjects#SECURE}. */
class SecureContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.SECURE;
    }
}
