/**
 * Packet and I/O buffer pools over the fixed-block pool: {@link dev.allocator.io.PacketPool} (provider name
 * {@code packets}), {@link dev.allocator.io.IoBufferPool} and {@link dev.allocator.io.FrameSize}.
 *
 * <p>{@link dev.allocator.io.IoBufferPool} locks its buffers with {@code mlock} through the FFM {@code Linker}, and
 * the pool beneath scopes its segments with a restricted method: run with
 * {@code --enable-native-access=dev.allocator.io,dev.allocator.pool} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module dev.allocator.io {
    requires dev.allocator.api;
    requires dev.allocator.pool;

    exports dev.allocator.io;

    provides dev.allocator.api.AllocatorProvider with dev.allocator.io.PacketsProvider;
}
