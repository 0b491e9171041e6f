package dev.allocator.tests.thirdparty;

import dev.allocator.tests.contract.AllocatorContract;
import dev.allocator.tests.contract.Subject;

/** A third party's provider passes the same contract as the project's own. */
class CountingContractTest extends AllocatorContract {

    private static final Subject COUNTING_OVER_SYSTEM = Subject.of("counting > system");

    @Override
    protected Subject subject() {
        return COUNTING_OVER_SYSTEM;
    }
}
