/**
 * Rings of {@code int} indices whose whole state lives in a {@link java.lang.foreign.MemorySegment}:
 * {@link dev.allocator.ring.SpscIndexRing} and {@link dev.allocator.ring.MpmcIndexRing}. Over a file mapping they
 * pass indices between processes.
 */
module dev.allocator.ring {
    requires dev.allocator.api;

    exports dev.allocator.ring;
}
