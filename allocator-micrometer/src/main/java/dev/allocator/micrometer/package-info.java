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
 * argument, and changes nothing. This module depends on the allocator API alone, so it publishes what
 * {@link dev.allocator.api.AllocatorStats} holds; figures only one allocator class has (a pool's exhaustions, a
 * budget's headroom, a stats stage's size histogram) are bound from that class with Micrometer's builders, as
 * {@code docs/micrometer.md} shows. Guide: {@code docs/micrometer.md}.
 */
package dev.allocator.micrometer;
