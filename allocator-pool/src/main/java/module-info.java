/**
 * The lock-free fixed-block pool: {@link dev.allocator.pool.FixedBlockPool}, provider name {@code pool}.
 *
 * <p>The pool scopes the segments it hands out to an arena of its own through
 * {@link java.lang.foreign.MemorySegment#reinterpret(long, java.lang.foreign.Arena, java.util.function.Consumer)}, a
 * restricted method: run with {@code --enable-native-access=dev.allocator.pool} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module dev.allocator.pool {
    requires dev.allocator.api;
    requires org.agrona;

    exports dev.allocator.pool;

    provides dev.allocator.api.AllocatorProvider with dev.allocator.pool.PoolProvider;
}
