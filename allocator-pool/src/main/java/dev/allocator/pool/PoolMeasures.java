package dev.allocator.pool;

import dev.allocator.api.Measure;

import java.util.function.Consumer;

/**
 * The measures a {@link FixedBlockPool} lists through {@link FixedBlockPool#measures}: layer {@code pool}, tagged
 * {@code block.size}, then the backing's. Each reads the pool's {@link FixedBlockPool#poolStats()} (O(capacity)) or a
 * constant.
 */
final class PoolMeasures {

    private PoolMeasures() {
    }

    static void list(FixedBlockPool pool, Consumer<? super Measure> sink) {
        String blockSize = Long.toString(pool.blockSize());
        sink.accept(Measure.counter("allocator.pool.exhaustions", "pool", "requests",
                "Requests that found no free block", pool, p -> p.poolStats().exhaustions())
                .tag("block.size", blockSize));
        sink.accept(Measure.gauge("allocator.pool.capacity", "pool", "blocks", "Blocks in the pool", pool,
                FixedBlockPool::capacity).tag("block.size", blockSize));
        sink.accept(Measure.gauge("allocator.pool.blocks.used", "pool", "blocks",
                "Blocks handed out and not given back", pool, p -> p.poolStats().inUse()).tag("block.size", blockSize));
        sink.accept(Measure.gauge("allocator.pool.blocks.high.water", "pool", "blocks",
                "The most blocks in use at once since the pool was built", pool, p -> p.poolStats().highWater())
                .tag("block.size", blockSize));
        pool.core().slab.backing().measures(sink);
    }
}
