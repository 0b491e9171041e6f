/**
 * A Netty {@code ByteBufAllocator} whose direct buffers come from any {@link dev.allocator.api.Allocator}:
 * {@link dev.allocator.netty.SegmentByteBufAllocator}.
 *
 * <p>Netty 4.2's jars are named modules ({@code io.netty.buffer}, {@code io.netty.common}); this module reads them
 * and passes {@code io.netty.buffer} on, since its one public class is a Netty allocator. It provides no
 * {@code AllocatorProvider}: it consumes allocators, it is not one.
 */
module dev.allocator.netty {
    requires transitive dev.allocator.api;
    requires transitive io.netty.buffer;
    requires io.netty.common;

    exports dev.allocator.netty;
}
