/**
 * The fixed-block pool: {@link dev.allocator.pool.FixedBlockPool}, built with
 * {@link dev.allocator.pool.FixedBlockPool#builder()} or from a spec through
 * {@link dev.allocator.pool.PoolProvider} (name {@code pool}), with its index API
 * {@link dev.allocator.pool.BlockIndexes}, its {@link dev.allocator.pool.Wipe} policy and its
 * {@link dev.allocator.pool.PoolStats}.
 *
 * {@snippet :
 * try (FixedBlockPool pool = (FixedBlockPool) Allocators.open("pool(blockSize=64, capacity=4096) > system")) {
 *     MemorySegment block = pool.allocate(Layout.of(64));
 *     pool.deallocate(block, Layout.of(64));
 *     System.out.println(pool);   // pool(64 B x 4096, 0 in use, high-water 1, 0 exhausted)
 * }
 * }
 *
 * <p>The lock-free parts live in {@code dev.allocator.pool.internal}, which the module does not export; that
 * package's documentation says why some of their fields are padded.
 */
package dev.allocator.pool;
