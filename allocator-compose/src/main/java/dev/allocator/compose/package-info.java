/**
 * Allocators built over other allocators, each doing one thing, joined by the {@code Allocator} SPI:
 * {@code budget} (byte limits that nest), {@code stats} (counters through JMX and JFR), {@code checked} (misuse and
 * leak detection). Each is a provider usable in specs and a class usable in code, and each owns the allocator beneath
 * it when built from a spec.
 */
package dev.allocator.compose;
