package dev.allocator.tests.trust.compose;

import dev.allocator.compose.budget.Budget;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model checking of nested budgets whose threads keep credit: the root (1024 B) and two children (1024 B each) take
 * credit 4 B at a time. A small charge and release leaves credit in the small child's stripe, counted against the
 * root; the large child's 1020 B must still be granted whenever the small child charges nothing, because the refusal
 * takes back the credit of the whole tree first. Sequentially, {@code large} fits exactly when {@code small} holds no
 * charge, so every interleaving must agree with some order of the operations.
 */
public class StripedBudgetTreeLincheckTest {

    private final Budget root = Budget.of("root", 1024);
    private final Budget small = root.child("small", 1024);
    private final Budget large = root.child("large", 1024);

    /** 4 B charged and given back: leaves credit in the small child's stripe. */
    @Operation(nonParallelGroup = "small")
    public boolean small() {
        if (small.tryReserve(4) != null) {
            return false;
        }
        small.release(4);
        return true;
    }

    /** 1020 B charged and given back. */
    @Operation(nonParallelGroup = "large")
    public boolean large() {
        if (large.tryReserve(1020) != null) {
            return false;
        }
        large.release(1020);
        return true;
    }

    @Test
    void shouldGrantWhatFitsOnceTheTreesCreditIsTakenBack() {
        new ModelCheckingOptions().iterations(Integer.getInteger("budget.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("budget.lincheck.invocations", 500))
                .threads(2).actorsPerThread(3).check(StripedBudgetTreeLincheckTest.class);
    }
}
