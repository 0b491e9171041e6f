/**
 * Micrometer metrics of any {@link dev.allocator.api.Allocator}: bind an
 * {@link dev.allocator.micrometer.AllocatorMetrics} to a registry and the allocator's
 * {@link dev.allocator.api.AllocatorStats} are published as gauges and function counters named {@code allocator.*},
 * tagged {@code allocator=<name>}.
 *
 * {@snippet :
 * MeterRegistry registry = new SimpleMeterRegistry();
 * Allocator frames = Allocators.open("pool(blockSize=2KiB, capacity=4096) > system");
 * new AllocatorMetrics(frames, "frames").bindTo(registry);
 * registry.get("allocator.memory.used").tag("allocator", "frames").gauge().value();
 * }
 *
 * <p>Conventions, as in the rest of the project: every type says its thread-safety; bad input throws
 * {@link java.lang.IllegalArgumentException} or {@link java.lang.NullPointerException} with a message naming the
 * argument, and changes nothing. This module depends on the allocator API alone: besides
 * {@link dev.allocator.api.AllocatorStats} it publishes the {@link dev.allocator.api.Measure}s every layer of the
 * allocator's stack lists through {@link dev.allocator.api.Allocator#measures} (a pool's exhaustions, a budget's
 * headroom, a stats stage's allocations by size), tagged {@code layer=<layer>}. Guide and the table of meters:
 * {@code docs/micrometer.md}.
 */
package dev.allocator.micrometer;
