package dev.allocator.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.Measure;
import dev.allocator.compose.budget.Budget;
import dev.allocator.compose.budget.BudgetAllocator;
import dev.allocator.compose.stats.StatsAllocator;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the composition stages list through {@link Allocator#measures}, and what each measure reads. */
class CompositionMeasuresTest {

    /** Every measure by its {@code toString} ({@code name{layer=.., tags}}), in listing order. */
    private static Map<String, Measure> listed(Allocator allocator) {
        Map<String, Measure> byText = new LinkedHashMap<>();
        allocator.measures(measure -> byText.put(measure.toString(), measure));
        return byText;
    }

    private static long read(Allocator allocator, String text) {
        Measure measure = listed(allocator).get(text);
        if (measure == null) {
            throw new AssertionError(text + " not among " + listed(allocator).keySet());
        }
        return measure.read();
    }

    @Test
    void shouldListEachLayerTopFirstThroughBudgetStatsAndPool() {
        try (Allocator stack = Allocators.open(
                "budget(limit=64MiB) > stats(jmx=false) > pool(blockSize=64, capacity=16) > system")) {
            List<String> layers = new ArrayList<>();
            stack.measures(measure -> {
                if (layers.isEmpty() || !layers.getLast().equals(measure.layer())) {
                    layers.add(measure.layer());
                }
            });
            assertEquals(List.of("budget", "stats", "pool"), layers);
        }
    }

    @Test
    void shouldReadTheBudgetsLimitUseAndTheLeastHeadroomOverItsAncestors() {
        Budget process = Budget.of("process", 1000, 0);
        Budget cache = process.child("cache", 600);
        try (Allocator capped = new BudgetAllocator(Allocators.open("system"), cache, true);
             Allocator other = new BudgetAllocator(Allocators.open("system"), process, true)) {
            MemorySegment a = capped.allocate(Layout.of(100));
            assertEquals(600, read(capped, "allocator.budget.limit{layer=budget, budget=cache}"));
            assertEquals(100, read(capped, "allocator.budget.used{layer=budget, budget=cache}"));
            assertEquals(500, read(capped, "allocator.budget.headroom{layer=budget, budget=cache}"));
            MemorySegment b = other.allocate(Layout.of(500));           // the parent now has 400 left
            assertEquals(400, read(capped, "allocator.budget.headroom{layer=budget, budget=cache}"));
            other.deallocate(b, Layout.of(500));
            capped.deallocate(a, Layout.of(100));
            assertEquals(600, read(capped, "allocator.budget.headroom{layer=budget, budget=cache}"));
        }
    }

    @Test
    void shouldCountEachAllocationInItsSizeBucket() {
        Allocator anything = (Allocator) Proxy.newProxyInstance(Allocator.class.getClassLoader(),
                new Class<?>[] {Allocator.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "allocate", "tryAllocate" -> MemorySegment.NULL;   // sizes no machine has
                    case "stats" -> new AllocatorStats(0, 0, 0, 0, 0);
                    default -> method.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method,
                            args) : null;
                });
        try (StatsAllocator stats = new StatsAllocator("buckets", anything, false, false, true)) {
            for (long size : new long[] {0, 1, 2, 3, 64, 65, 4L << 30, (4L << 30) + 1, Long.MAX_VALUE}) {
                stats.allocate(Layout.of(size));
            }
            Map<String, Measure> measures = listed(stats);
            assertEquals(34, measures.size(), measures.keySet().toString());
            Map<String, Long> nonZero = new LinkedHashMap<>();
            measures.values().forEach(m -> {
                if (m.read() != 0) {
                    nonZero.put(m.tags().get("size.max"), m.read());
                }
            });
            assertEquals(Map.of("1", 2L, "2", 1L, "4", 1L, "64", 1L, "128", 1L, "4294967296", 1L, "+Inf", 2L),
                    nonZero);
            assertEquals(Measure.Kind.COUNTER, measures.values().iterator().next().kind());
        }
    }

    @Test
    void shouldReadTheSlabCountOfSizeClasses() {
        try (Allocator general = Allocators.open("sizeclasses(maxClass=64KiB) > system")) {
            assertEquals(0, read(general, "allocator.sizeclasses.slabs{layer=sizeclasses}"));
            MemorySegment block = general.allocate(Layout.of(100));
            assertEquals(1, read(general, "allocator.sizeclasses.slabs{layer=sizeclasses}"));
            assertEquals(0, read(general, "allocator.sizeclasses.trim.failures{layer=sizeclasses}"));
            general.deallocate(block, Layout.of(100));
        }
    }

    @Test
    void shouldForwardThePoolsMeasuresThroughCheckedAndFallback() {
        try (Allocator checked = Allocators.open("checked(onLeak=free) > pool(blockSize=256, capacity=4) > system");
             Allocator fallback = Allocators.open("pool(blockSize=64, capacity=4) | pool(blockSize=256, capacity=2)")) {
            MemorySegment block = checked.allocate(Layout.of(256));
            assertEquals(1, read(checked, "allocator.pool.blocks.used{layer=pool, block.size=256}"));
            assertEquals(4, read(checked, "allocator.pool.capacity{layer=pool, block.size=256}"));
            checked.deallocate(block, Layout.of(256));
            assertEquals(2, read(fallback, "allocator.pool.capacity{layer=pool, block.size=256}"));
            assertEquals(4, read(fallback, "allocator.pool.capacity{layer=pool, block.size=64}"));
        }
    }

    @Test
    void shouldListTheBudgetBeneathAPoolAfterThePoolsOwn() {
        try (Allocator pool = Allocators.open("pool(blockSize=64, capacity=4) > budget(limit=1MiB) > system")) {
            assertEquals(List.of("allocator.pool.exhaustions{layer=pool, block.size=64}",
                    "allocator.pool.capacity{layer=pool, block.size=64}",
                    "allocator.pool.blocks.used{layer=pool, block.size=64}",
                    "allocator.pool.blocks.high.water{layer=pool, block.size=64}",
                    "allocator.budget.limit{layer=budget, budget=budget}",
                    "allocator.budget.used{layer=budget, budget=budget}",
                    "allocator.budget.headroom{layer=budget, budget=budget}"), List.copyOf(listed(pool).keySet()));
            assertEquals(256, read(pool, "allocator.budget.used{layer=budget, budget=budget}"));   // the slab
        }
    }
}
