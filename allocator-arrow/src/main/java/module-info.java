/**
 * Apache Arrow's buffers over any {@link dev.allocator.api.Allocator}:
 * {@link dev.allocator.arrow.SegmentAllocationManager#factory(dev.allocator.api.Allocator)} plugs into
 * {@code RootAllocator.configBuilder().allocationManagerFactory(...)}.
 *
 * <p>Arrow reads and writes its buffers through {@code sun.misc.Unsafe} and needs
 * {@code --add-opens=java.base/java.nio=org.apache.arrow.memory.core} ({@code ALL-UNNAMED} on the class path); that is
 * Arrow's requirement, not this module's.
 */
module dev.allocator.arrow {
    requires transitive dev.allocator.api;
    requires transitive org.apache.arrow.memory.core;

    exports dev.allocator.arrow;
}
