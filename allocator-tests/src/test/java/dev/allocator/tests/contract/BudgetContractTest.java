package dev.allocator.tests.contract;

/** The contract over {@link Subjects#BUDGET}. */
class BudgetContractTest extends AllocatorContract {

    @Override
    protected Subject subject() {
        return Subjects.BUDGET;
    }
}
