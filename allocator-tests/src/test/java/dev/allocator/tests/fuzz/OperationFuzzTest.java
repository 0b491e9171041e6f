package dev.allocator.tests.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.allocator.api.Allocator;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.contract.Subjects;
import dev.allocator.tests.model.LiveModel;

/**
 * Operation sequences chosen by the fuzzer (sizes, alignments, which segment to free, double and foreign frees),
 * checked against {@link LiveModel}. CI replays the saved inputs under {@code OperationFuzzTestInputs/<method>/}.
 */
class OperationFuzzTest {

    private static final int MAX_STEPS = 400;

    private static void run(Subject subject, FuzzedDataProvider data) {
        try (Allocator allocator = subject.factory().get()) {
            LiveModel model = new LiveModel(allocator, subject, true);
            try {
                model.run(new FuzzedChoices(data), MAX_STEPS);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(subject + ": " + e + "\nlast operations: " + model.trace(), e);
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void systemOperations(FuzzedDataProvider data) {
        run(Subjects.SYSTEM, data);
    }

    @FuzzTest(maxDuration = "2m")
    void poolOperations(FuzzedDataProvider data) {
        run(Subjects.POOL, data);
    }
}
