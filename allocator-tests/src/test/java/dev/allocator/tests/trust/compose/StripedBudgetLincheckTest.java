package dev.allocator.tests.trust.compose;

import dev.allocator.compose.budget.Budget;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model checking of a budget whose threads keep credit (batch 1, limit 3 B): the limit is never exceeded (a charge
 * that would pass it is refused) and a request is never refused while the bytes really charged leave room for it,
 * even when the other thread's stripe holds credit (the refusal takes it back first) or gives bytes back while the
 * refusal runs. One thread only charges and keeps; the other charges and releases what it charged. Every interleaving
 * must give answers some sequential order gives.
 */
public class StripedBudgetLincheckTest {

    private final Budget budget = Budget.of("striped", 3, 1);
    /** Bytes the cycling thread charged and has not released; only that thread touches it. */
    private long cycled;

    /** Charges 1 B and keeps it. */
    @Operation(nonParallelGroup = "holder")
    public boolean holdOne() {
        return budget.tryReserve(1) == null;
    }

    /** Charges 2 B and keeps them. */
    @Operation(nonParallelGroup = "holder")
    public boolean holdTwo() {
        return budget.tryReserve(2) == null;
    }

    /** Charges 1 B, to be released by {@link #releaseOne()}. */
    @Operation(nonParallelGroup = "cycler")
    public boolean takeOne() {
        if (budget.tryReserve(1) != null) {
            return false;
        }
        cycled++;
        return true;
    }

    /** Releases 1 B charged by {@link #takeOne()}, when there is one: it becomes credit of this thread's stripe. */
    @Operation(nonParallelGroup = "cycler")
    public boolean releaseOne() {
        if (cycled == 0) {
            return false;
        }
        cycled--;
        budget.release(1);
        return true;
    }

    @Test
    void shouldNeverExceedTheLimitNorRefuseWhatFits() {
        new ModelCheckingOptions().iterations(Integer.getInteger("budget.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("budget.lincheck.invocations", 500))
                .threads(2).actorsPerThread(3).check(StripedBudgetLincheckTest.class);
    }
}
