/**
 * Netty buffers over this project's allocators: {@link dev.allocator.netty.SegmentByteBufAllocator}, a
 * {@code ByteBufAllocator} whose direct buffers take their memory from an {@link dev.allocator.api.Allocator}
 * (a pool, size classes, a budget, checked mode, any spec) and give it back on their last {@code release()}.
 *
 * {@snippet :
 * try (SegmentByteBufAllocator buffers = new SegmentByteBufAllocator("budget(limit=64MiB) > sizeclasses")) {
 *     ServerBootstrap server = new ServerBootstrap()
 *             .childOption(ChannelOption.ALLOCATOR, buffers);
 *     // ... bind, serve, shut the event loops down ...
 * }
 * }
 *
 * <p>Conventions, as in the rest of the project: every type says its thread-safety and happens-before edges; bad
 * arguments throw {@link java.lang.IllegalArgumentException} (Netty's own checks, with Netty's messages, for
 * capacities; {@link dev.allocator.api.Checks}' messages "what must hold: name=value" for this package's own
 * arguments), and a refused call changes nothing. A request the allocator beneath cannot satisfy throws its
 * {@link dev.allocator.api.AllocationException} unchanged. Buffer classes are package-private: callers see
 * {@code io.netty.buffer.ByteBuf}. Guide: {@code docs/netty.md}.
 */
package dev.allocator.netty;
