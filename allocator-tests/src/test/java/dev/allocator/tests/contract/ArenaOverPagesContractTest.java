package dev.allocator.tests.contract;

/** The contract over {@link Subjects#ARENA_OVER_PAGES}. */
class ArenaOverPagesContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.ARENA_OVER_PAGES;
    }
}
