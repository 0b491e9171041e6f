package dev.allocator.micrometer;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.compose.budget.Budget;
import dev.allocator.compose.budget.BudgetAllocator;
import dev.allocator.pool.FixedBlockPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.foreign.MemorySegment;

/** The worked example of docs/micrometer.md, run by {@code MicrometerExampleTest}. */
final class MicrometerExample {

    private MicrometerExample() {
    }

    /** Binds a budgeted pool's metrics, allocates until the budget refuses, and returns the registry's text. */
    static String run() {
        MeterRegistry registry = new SimpleMeterRegistry();
        Layout frame = Layout.of(2048);
        FixedBlockPool pool = (FixedBlockPool) Allocators.open("pool(blockSize=2KiB, capacity=64) > system");
        Budget budget = Budget.of("frames", 64 << 10);
        try (Allocator frames = new BudgetAllocator(pool, budget, true)) {
            new AllocatorMetrics(frames, "frames", Tags.of("spec", "budget(limit=64KiB) > pool")).bindTo(registry);
            // figures only one allocator class has: bind them from that class with Micrometer's builders
            Gauge.builder("allocator.budget.headroom", budget, b -> b.limit() - b.used())
                    .baseUnit("bytes").tag("allocator", "frames").register(registry);
            FunctionCounter.builder("allocator.pool.exhaustions", pool, p -> p.poolStats().exhaustions())
                    .tag("allocator", "frames").register(registry);

            MemorySegment[] held = new MemorySegment[40];
            int taken = 0;
            for (; taken < held.length; taken++) {
                held[taken] = frames.tryAllocate(frame);       // the budget refuses the 33rd
                if (held[taken] == null) {
                    break;
                }
            }
            StringBuilder text = new StringBuilder();
            for (Meter meter : registry.getMeters()) {
                text.append(meter.getId().getName()).append(' ').append(meter.getId().getTags()).append(' ')
                        .append(meter.measure().iterator().next().getValue()).append('\n');
            }
            System.out.print(text);
            for (int i = 0; i < taken; i++) {
                frames.deallocate(held[i], frame);
            }
            return text.toString();
        }
    }
}
