package dev.allocator.micrometer;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocatorMetricsTest {

    private static final Layout BLOCK = Layout.of(256);

    private static double gauge(MeterRegistry registry, String name, String allocator) {
        return registry.get(name).tag(AllocatorMetrics.NAME_TAG, allocator).gauge().value();
    }

    private static double counter(MeterRegistry registry, String name, String allocator) {
        return registry.get(name).tag(AllocatorMetrics.NAME_TAG, allocator).functionCounter().count();
    }

    @Test
    void shouldPublishTheStatsAsGaugesAndFunctionCounters() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator pool = Allocators.open("pool(blockSize=256, capacity=4) > system")) {
            new AllocatorMetrics(pool, "frames").bindTo(registry);
            MemorySegment a = pool.allocate(BLOCK);
            pool.allocate(Layout.of(100));
            pool.deallocate(a, BLOCK);

            assertEquals(100, gauge(registry, AllocatorMetrics.MEMORY_USED, "frames"));
            assertEquals(4 * 256, gauge(registry, AllocatorMetrics.MEMORY_RESERVED, "frames"));
            assertEquals(1, gauge(registry, AllocatorMetrics.LIVE, "frames"));
            assertEquals(2, counter(registry, AllocatorMetrics.ALLOCATIONS, "frames"));
            assertEquals(1, counter(registry, AllocatorMetrics.DEALLOCATIONS, "frames"));
            assertEquals(0, counter(registry, AllocatorMetrics.FAILURES, "frames"));
            Gauge used = registry.get(AllocatorMetrics.MEMORY_USED).gauge();
            assertEquals("bytes", used.getId().getBaseUnit());
            assertEquals(6 + 4, registry.getMeters().size());             // and the pool's measures
        }
    }

    @Test
    void shouldCountAnExhaustedPoolsRefusalsAsFailures() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator pool = Allocators.open("pool(blockSize=256, capacity=1) > system")) {
            new AllocatorMetrics(pool, "tiny").bindTo(registry);
            pool.allocate(BLOCK);
            assertNull(pool.tryAllocate(BLOCK));
            assertNull(pool.tryAllocate(BLOCK));
            assertEquals(2, counter(registry, AllocatorMetrics.FAILURES, "tiny"));
        }
    }

    @Test
    void shouldTagEveryMeterWithTheNameAndTheGivenTags() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator system = Allocators.open("system")) {
            new AllocatorMetrics(system, "general", Tags.of("spec", "system")).bindTo(registry);
            registry.getMeters().forEach(meter -> {
                assertEquals("general", meter.getId().getTag(AllocatorMetrics.NAME_TAG), meter.getId().toString());
                assertEquals("system", meter.getId().getTag("spec"), meter.getId().toString());
            });
            assertEquals(6, registry.getMeters().size());
        }
    }

    @Test
    void shouldKeepTwoAllocatorsApartAndBindToTwoRegistries() {
        MeterRegistry one = new SimpleMeterRegistry();
        MeterRegistry two = new SimpleMeterRegistry();
        try (Allocator a = Allocators.open("system"); Allocator b = Allocators.open("system")) {
            AllocatorMetrics metricsA = new AllocatorMetrics(a, "a");
            metricsA.bindTo(one);
            metricsA.bindTo(two);
            new AllocatorMetrics(b, "b").bindTo(one);
            b.deallocate(b.allocate(BLOCK), BLOCK);
            assertEquals(0, counter(one, AllocatorMetrics.ALLOCATIONS, "a"));
            assertEquals(1, counter(one, AllocatorMetrics.ALLOCATIONS, "b"));
            assertEquals(0, counter(two, AllocatorMetrics.ALLOCATIONS, "a"));
            assertEquals(12, one.getMeters().size());
        }
    }

    @Test
    void shouldRejectBadArgumentsAndRegisterNothing() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator system = Allocators.open("system")) {
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> new AllocatorMetrics(system, ""));
            assertEquals("name must not be empty: name=\"\"", empty.getMessage());
            assertThrows(NullPointerException.class, () -> new AllocatorMetrics(null, "x"));
            assertThrows(NullPointerException.class, () -> new AllocatorMetrics(system, null));
            assertThrows(NullPointerException.class, () -> new AllocatorMetrics(system, "x", null));
            assertThrows(NullPointerException.class, () -> new AllocatorMetrics(system, "x").bindTo(null));
            assertEquals(List.of(), registry.getMeters());
        }
    }

    @Test
    void shouldReadTheFinalCountsAfterTheAllocatorCloses() {
        MeterRegistry registry = new SimpleMeterRegistry();
        Allocator pool = Allocators.open("pool(blockSize=256, capacity=4) > system");
        new AllocatorMetrics(pool, "closing").bindTo(registry);
        pool.deallocate(pool.allocate(BLOCK), BLOCK);
        pool.allocate(BLOCK);
        pool.close();

        assertEquals(2, counter(registry, AllocatorMetrics.ALLOCATIONS, "closing"));
        assertEquals(1, counter(registry, AllocatorMetrics.DEALLOCATIONS, "closing"));
        assertEquals(pool.stats().bytesReserved(), gauge(registry, AllocatorMetrics.MEMORY_RESERVED, "closing"));
    }

    @Test
    void shouldNotKeepTheAllocatorAlive() throws InterruptedException {
        MeterRegistry registry = new SimpleMeterRegistry();
        AllocatorMetrics metrics = bindClosedAllocator(registry);
        WeakReference<Allocator> collected = lastAllocator;
        lastAllocator = null;
        for (int i = 0; i < 100 && collected.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(collected.get(), "the binder or its meters kept the allocator reachable");

        assertTrue(Double.isNaN(gauge(registry, AllocatorMetrics.MEMORY_USED, "gone")));
        FunctionCounter allocations = registry.get(AllocatorMetrics.ALLOCATIONS).functionCounter();
        assertEquals(3, allocations.count());                     // the last value read
        MeterRegistry later = new SimpleMeterRegistry();
        metrics.bindTo(later);
        assertEquals(List.of(), later.getMeters());
    }

    @Test
    void shouldPublishEveryLayersMeasuresOfBudgetOverStatsOverPool() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator stack = Allocators.open(
                "budget(limit=64MiB) > stats(jmx=false) > pool(blockSize=64, capacity=4) > system")) {
            new AllocatorMetrics(stack, "stack").bindTo(registry);
            for (int i = 0; i < 4; i++) {
                stack.allocate(Layout.of(64));
            }
            assertNull(stack.tryAllocate(Layout.of(64)));

            assertEquals(64 << 20, registry.get("allocator.budget.limit").tag("layer", "budget")
                    .tag("budget", "budget").gauge().value());
            assertEquals(256, registry.get("allocator.budget.used").gauge().value());
            assertEquals((64 << 20) - 256, registry.get("allocator.budget.headroom").gauge().value());
            assertEquals(1, registry.get("allocator.pool.exhaustions").tag("layer", "pool").tag("block.size", "64")
                    .functionCounter().count());
            assertEquals(4, registry.get("allocator.pool.capacity").gauge().value());
            assertEquals(4, registry.get("allocator.pool.blocks.used").gauge().value());
            assertEquals(4, registry.get("allocator.pool.blocks.high.water").gauge().value());
            assertEquals(4, registry.get("allocator.allocations.by.size").tag("layer", "stats").tag("size.max", "64")
                    .functionCounter().count());
            assertEquals(0, registry.get("allocator.allocations.by.size").tag("size.max", "128")
                    .functionCounter().count());
            assertEquals(34, registry.find("allocator.allocations.by.size").functionCounters().size());
            assertEquals("bytes", registry.get("allocator.budget.headroom").gauge().getId().getBaseUnit());
            assertEquals(6 + 3 + 34 + 4, registry.getMeters().size());
            registry.getMeters().forEach(meter ->
                    assertEquals("stack", meter.getId().getTag(AllocatorMetrics.NAME_TAG), meter.getId().toString()));
        }
    }

    @Test
    void shouldPublishTheMeasuresOfASizeClassesStack() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator general = Allocators.open("budget(limit=1MiB) > sizeclasses(maxClass=64KiB) > system")) {
            new AllocatorMetrics(general, "general").bindTo(registry);
            general.allocate(Layout.of(100));
            general.allocate(Layout.of(5000));
            assertEquals(2, registry.get("allocator.sizeclasses.slabs").tag("layer", "sizeclasses").gauge().value());
            assertEquals(0, registry.get("allocator.sizeclasses.trim.failures").functionCounter().count());
            assertEquals((1 << 20) - 5100, registry.get("allocator.budget.headroom").gauge().value());
        }
    }

    @Test
    void shouldPublishNoMeasuresForAPlainSystemAllocator() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator system = Allocators.open("system")) {
            new AllocatorMetrics(system, "plain").bindTo(registry);
            assertEquals(6, registry.getMeters().size());
            registry.getMeters().forEach(meter -> assertNull(meter.getId().getTag("layer"), meter.getId().toString()));
        }
    }

    @Test
    void shouldTellTwoLayersWithTheSameMeasuresApartByTheLayerTag() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator nested = Allocators.open("budget(limit=1GiB) > budget(limit=64MiB) > system")) {
            new AllocatorMetrics(nested, "nested").bindTo(registry);
            assertEquals(1 << 30, registry.get("allocator.budget.limit").tag("layer", "budget").gauge().value());
            assertEquals(64 << 20, registry.get("allocator.budget.limit").tag("layer", "budget.2").gauge().value());
            assertEquals(2, registry.find("allocator.budget.headroom").gauges().size());
        }
    }

    @Test
    void shouldPublishABackingSharedByBothSidesOfAChoiceOnce() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator choice = Allocators.open(
                "(pool(blockSize=64, capacity=4) | pool(blockSize=128, capacity=4)) > pool(blockSize=4KiB, capacity=2)")) {
            new AllocatorMetrics(choice, "choice").bindTo(registry);
            assertEquals(3, registry.find("allocator.pool.capacity").gauges().size());
            assertEquals(2, registry.get("allocator.pool.capacity").tag("block.size", "4096").tag("layer", "pool")
                    .gauge().value());
        }
    }

    @Test
    void shouldGiveEveryMeterOfOneNameTheSameTagKeys() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (Allocator stack = Allocators.open("checked(onLeak=free) > budget(limit=1GiB) > stats(jmx=false) > "
                + "(pool(blockSize=64, capacity=4) | sizeclasses) > budget(limit=1GiB) > system")) {
            new AllocatorMetrics(stack, "stack", Tags.of("spec", "big")).bindTo(registry);
            java.util.Map<String, java.util.Set<String>> keysByName = new java.util.HashMap<>();
            registry.getMeters().forEach(meter -> {
                java.util.Set<String> keys = new java.util.TreeSet<>();
                meter.getId().getTags().forEach(tag -> keys.add(tag.getKey()));
                java.util.Set<String> first = keysByName.putIfAbsent(meter.getId().getName(), keys);
                assertEquals(first == null ? keys : first, keys, meter.getId().toString());
            });
            assertEquals(2, registry.find("allocator.budget.limit").gauges().size());
        }
    }

    @Test
    void shouldNotKeepAStackWithMeasuresAlive() throws InterruptedException {
        MeterRegistry registry = new SimpleMeterRegistry();
        WeakReference<Allocator> collected = bindStack(registry);
        for (int i = 0; i < 100 && collected.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(collected.get(), "the measures' meters kept the stack reachable");
        assertTrue(Double.isNaN(registry.get("allocator.budget.headroom").gauge().value()));
        assertEquals(1, registry.get("allocator.pool.exhaustions").functionCounter().count());   // the last read
    }

    private static WeakReference<Allocator> bindStack(MeterRegistry registry) {
        Allocator stack = Allocators.open("budget(limit=1MiB) > stats(jmx=false) > pool(blockSize=64, capacity=1)");
        new AllocatorMetrics(stack, "stack").bindTo(registry);
        stack.allocate(Layout.of(64));
        assertNull(stack.tryAllocate(Layout.of(64)));
        assertEquals(1, registry.get("allocator.pool.exhaustions").functionCounter().count());
        stack.close();
        return new WeakReference<>(stack);
    }

    private static WeakReference<Allocator> lastAllocator;

    private static AllocatorMetrics bindClosedAllocator(MeterRegistry registry) {
        Allocator system = Allocators.open("system");
        AllocatorMetrics metrics = new AllocatorMetrics(system, "gone");
        metrics.bindTo(registry);
        for (int i = 0; i < 3; i++) {
            system.deallocate(system.allocate(BLOCK), BLOCK);
        }
        assertEquals(3, counter(registry, AllocatorMetrics.ALLOCATIONS, "gone"));
        system.close();
        lastAllocator = new WeakReference<>(system);
        return metrics;
    }
}
