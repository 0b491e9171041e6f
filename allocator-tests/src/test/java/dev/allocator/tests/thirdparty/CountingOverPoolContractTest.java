package dev.allocator.tests.thirdparty;

import dev.allocator.tests.contract.AllocatorContract;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.contract.Subjects;

/** The counting stage over a pool keeps the pool's contract. */
class CountingOverPoolContractTest extends AllocatorContract {

    private static final Subject COUNTING_OVER_POOL =
            Subject.of("counting > pool(blockSize=256, capacity=1024) > system")
            .withMaxSize(Subjects.POOL.maxSize(), true).withMaxAlignment(Subjects.POOL.maxAlignment())
            .bounded(Subjects.POOL.exactCapacity());

    @Override
    protected Subject subject() {
        return COUNTING_OVER_POOL;
    }
}
