/**
 * Allocators built over other allocators: {@code sizeclasses}, {@code budget}, {@code stats} and {@code checked},
 * each a provider.
 * {@snippet :
 * Allocator allocator = Allocators.open("checked(onLeak=throw) > budget(limit=256MiB) > pool(blockSize=256, capacity=4096)");
 * }
 */
module dev.allocator.compose {
    requires dev.allocator.api;
    requires dev.allocator.pool;
    requires java.management;
    requires jdk.jfr;
    requires org.eclipse.collections.api;
    requires org.eclipse.collections.impl;

    exports dev.allocator.compose;
    exports dev.allocator.compose.budget;
    exports dev.allocator.compose.checked;
    exports dev.allocator.compose.stats;
    exports dev.allocator.compose.sizeclasses;
    exports dev.allocator.compose.jfr;

    provides dev.allocator.api.AllocatorProvider with
            dev.allocator.compose.budget.BudgetProvider,
            dev.allocator.compose.checked.CheckedProvider,
            dev.allocator.compose.sizeclasses.SizeClassProvider,
            dev.allocator.compose.stats.StatsProvider;
}
