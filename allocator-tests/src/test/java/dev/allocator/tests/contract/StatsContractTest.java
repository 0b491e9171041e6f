package dev.allocator.tests.contract;

/** The contract over {@link Subjects#STATS}. */
class StatsContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.STATS;
    }
}
