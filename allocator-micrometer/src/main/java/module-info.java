/**
 * Micrometer metrics of any {@link dev.allocator.api.Allocator}: {@link dev.allocator.micrometer.AllocatorMetrics}, a
 * {@code MeterBinder}.
 */
module dev.allocator.micrometer {
    requires transitive dev.allocator.api;
    requires transitive micrometer.core;

    exports dev.allocator.micrometer;
}
