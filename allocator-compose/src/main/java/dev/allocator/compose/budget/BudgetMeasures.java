package dev.allocator.compose.budget;

import dev.allocator.api.Measure;

import java.util.function.Consumer;

/**
 * The measures a {@link BudgetAllocator} lists: layer {@code budget}, tagged {@code budget=<name>}, read from its
 * {@link Budget}'s getters.
 */
final class BudgetMeasures {

    private BudgetMeasures() {
    }

    static void list(BudgetAllocator allocator, Consumer<? super Measure> sink) {
        String name = allocator.budget().name().isEmpty() ? "unnamed" : allocator.budget().name();
        sink.accept(Measure.gauge("allocator.budget.limit", "budget", "bytes", "The budget's limit", allocator,
                a -> a.budget().limit()).tag("budget", name));
        sink.accept(Measure.gauge("allocator.budget.used", "budget", "bytes",
                "Bytes charged to the budget and the budgets inside it", allocator, a -> a.budget().used())
                .tag("budget", name));
        sink.accept(Measure.gauge("allocator.budget.headroom", "budget", "bytes",
                "Bytes that can still be charged: the least of limit - used over the budget and its ancestors",
                allocator, a -> headroom(a.budget())).tag("budget", name));
    }

    /** The least of {@code limit - used} over {@code budget} and its ancestors. */
    static long headroom(Budget budget) {
        long headroom = Long.MAX_VALUE;
        for (Budget level = budget; level != null; level = level.parent()) {
            headroom = Math.min(headroom, level.limit() - level.used());
        }
        return headroom;
    }
}
