package dev.allocator.micrometer;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;

/** The worked example of docs/micrometer.md, run by {@code MicrometerExampleTest}. */
final class MicrometerExample {

    private MicrometerExample() {
    }

    /** Binds a budgeted pool's metrics, allocates until the budget refuses, and returns the registry's text. */
    static String run() {
        MeterRegistry registry = new SimpleMeterRegistry();
        Layout frame = Layout.of(2048);
        String spec = "budget(limit=64KiB, name=frames) > pool(blockSize=2KiB, capacity=64) > system";
        try (Allocator frames = Allocators.open(spec)) {
            new AllocatorMetrics(frames, "frames", Tags.of("spec", "budget > pool")).bindTo(registry);

            MemorySegment[] held = new MemorySegment[40];
            int taken = 0;
            for (; taken < held.length; taken++) {
                held[taken] = frames.tryAllocate(frame);       // the budget refuses the 33rd
                if (held[taken] == null) {
                    break;
                }
            }
            StringBuilder text = new StringBuilder();
            registry.getMeters().stream().sorted(Comparator.comparing((Meter m) -> m.getId().getName()))
                    .forEach(meter -> text.append(meter.getId().getName()).append(' ')
                            .append(meter.getId().getTags()).append(' ')
                            .append(meter.measure().iterator().next().getValue()).append('\n'));
            System.out.print(text);
            for (int i = 0; i < taken; i++) {
                frames.deallocate(held[i], frame);
            }
            return text.toString();
        }
    }
}
