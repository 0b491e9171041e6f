package dev.allocator.tests.contract;

/** The contract over {@link Subjects#SIZE_CLASSES}. */
class SizeClassesContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.SIZE_CLASSES;
    }
}
