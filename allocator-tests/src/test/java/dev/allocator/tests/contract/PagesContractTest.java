package dev.allocator.tests.contract;

/** The contract over {@link Subjects#PAGES}. */
class PagesContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.PAGES;
    }
}
