package dev.allocator.tests.fault;

import dev.allocator.tests.contract.AllocatorContract;
import dev.allocator.tests.contract.Subject;

/** The {@code faulty} stage with no fault planned keeps the contract of the allocator beneath. */
class FaultyContractTest extends AllocatorContract {

    private static final Subject FAULTY_OVER_SYSTEM = Subject.of("faulty > system");

    @Override
    protected Subject subject() {
        return FAULTY_OVER_SYSTEM;
    }
}
