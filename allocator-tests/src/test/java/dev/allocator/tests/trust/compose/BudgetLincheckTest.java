package dev.allocator.tests.trust.compose;

import dev.allocator.compose.budget.Budget;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model checking of nested budgets (issue 12, finding 11): a request that fits every budget is never refused because
 * a sibling's request, refused higher up, passed through the shared parent. Sequentially, {@code modest} always fits
 * (40 B under limits of 100, 100 and 50 B) and {@code greedy} never does (80 B over the root's 50 B); every
 * interleaving must give the same answers.
 */
public class BudgetLincheckTest {

    private final Budget root = Budget.of("root", 50);
    private final Budget parent = root.child("parent", 100);
    private final Budget greedy = parent.child("greedy", 100);
    private final Budget modest = parent.child("modest", 100);

    /** 80 B: fits its own budget and the parent's, never the root's. */
    @Operation(nonParallelGroup = "greedy")
    public boolean greedy() {
        return greedy.tryReserve(80) == null;
    }

    /** 40 B, charged and given back: fits every budget while the greedy sibling holds nothing. */
    @Operation(nonParallelGroup = "modest")
    public boolean modest() {
        boolean charged = modest.tryReserve(40) == null;
        if (charged) {
            modest.release(40);
        }
        return charged;
    }

    /** Bytes charged anywhere in the tree: 0 between operations. */
    @Operation(nonParallelGroup = "modest")
    public long used() {
        return root.used() + parent.used() + greedy.used() + modest.used();
    }

    @Test
    void shouldRefuseOnlyRequestsOverALimit() {
        new ModelCheckingOptions().iterations(Integer.getInteger("budget.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("budget.lincheck.invocations", 500))
                .threads(2).actorsPerThread(2).check(BudgetLincheckTest.class);
    }
}
