package dev.allocator.tests.trust.compose;

import dev.allocator.api.Layout;
import dev.allocator.compose.budget.Budget;
import dev.allocator.compose.budget.BudgetAllocator;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Model checking of a budgeted allocator whose counts are striped by thread, racing close: one thread allocates and
 * hands segments over, another frees them and closes. Each charge is given back exactly once: after the run, the
 * budget holds the bytes of the live allocations while the allocator is open, and nothing once it is closed.
 */
public class BudgetCloseLincheckTest {

    private static final Layout LAYOUT = Layout.of(16);

    private final Budget budget = Budget.of("close-race", 64, 16);
    private final BudgetAllocator allocator = new BudgetAllocator(new AddressOnlyAllocator(), budget, true);
    private final ConcurrentLinkedQueue<MemorySegment> handed = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** Allocates 16 B and hands the segment over; false when refused or closed. */
    @Operation(nonParallelGroup = "allocator")
    public boolean allocate() {
        try {
            MemorySegment segment = allocator.tryAllocate(LAYOUT);
            if (segment == null) {
                return false;
            }
            handed.add(segment);
            return true;
        } catch (IllegalStateException closedAlready) {
            return false;
        }
    }

    /** Frees a segment handed over, when there is one; false when none or closed. */
    @Operation(nonParallelGroup = "freer")
    public boolean free() {
        MemorySegment segment = handed.poll();
        if (segment == null) {
            return false;
        }
        try {
            allocator.deallocate(segment, LAYOUT);
            return true;
        } catch (IllegalStateException closedAlready) {
            return false;
        }
    }

    /** Closes the allocator: its outstanding charges go back. */
    @Operation(nonParallelGroup = "freer")
    public void close() {
        allocator.close();
        closed = true;
    }

    /** The budget holds exactly the live allocations' bytes, or nothing after close. */
    @Validate
    public void chargesGoBackOnce() {
        long expected = closed ? 0 : handed.size() * LAYOUT.size();
        if (budget.used() != expected) {
            throw new IllegalStateException("budget used=" + budget.used() + ", expected " + expected
                    + " (closed=" + closed + ", live=" + handed.size() + ")");
        }
    }

    @Test
    void shouldGiveEachChargeBackOnceWhenCloseRaces() {
        new ModelCheckingOptions().iterations(Integer.getInteger("budget.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("budget.lincheck.invocations", 500))
                .threads(2).actorsPerThread(3).check(BudgetCloseLincheckTest.class);
    }
}
