package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code pool}: builds a {@link FixedBlockPool} over the next stage of a spec, which it owns.
 *
 * {@snippet :
 * try (FixedBlockPool pool = (FixedBlockPool) Allocators.open(
 *         "pool(blockSize=64, capacity=4096, wipe=always) > arena(chunkSize=1MiB) > system")) {
 *     MemorySegment block = pool.allocate(Layout.of(64));
 *     pool.deallocate(block, Layout.of(64));
 * }
 * }
 *
 * <p>Options: {@code blockSize} (required; a size such as {@code 64} or {@code 2KiB}), {@code capacity} (required;
 * 1 to 2^30), {@code alignment} (default {@code natural}: the block size's largest power-of-two divisor up to 64),
 * {@code wipe} ({@code none} | {@code free} | {@code close} | {@code always}; default {@code none}),
 * {@code checkDoubleFree} ({@code true} | {@code false}; default {@code true}) and {@code cache} (blocks per
 * thread cache, 0 to {@value PoolBuilder#MAX_CACHE}; 0 turns caching off; default
 * {@value PoolBuilder#DEFAULT_CACHE}; see {@link PoolBuilder#cache}).
 */
public final class PoolProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.required("blockSize", "size of each block, e.g. 64 or 2KiB"),
            ProviderOption.required("capacity", "number of blocks, 1 to 2^30"),
            ProviderOption.optional("alignment", "natural",
                    "alignment of every block, a power of 2; natural = the block size's largest power-of-2 divisor, "
                            + "at most 64"),
            ProviderOption.optional("wipe", "none", "none | free | close | always: zero blocks when freed, "
                    + "the slab on close, or both"),
            ProviderOption.optional("checkDoubleFree", "true", "true | false: detect blocks freed twice"),
            ProviderOption.optional("cache", String.valueOf(PoolBuilder.DEFAULT_CACHE),
                    "blocks per thread cache, 0 to " + PoolBuilder.MAX_CACHE + "; 0 turns caching off"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public PoolProvider() {
    }

    @Override
    public String name() {
        return "pool";
    }

    @Override
    public String description() {
        return "fixed-size blocks from one slab of the next stage; lock-free, garbage-free, optional wipe";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    /**
     * Builds a pool that owns {@code backing}.
     *
     * @throws IllegalArgumentException when an option's value is bad; the message names the option and the value
     * @throws dev.allocator.api.AllocationException when {@code backing} cannot provide the slab ({@code backing} is
     *                                               left open)
     */
    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        final Options options = Options.of(name(), raw, OPTIONS);
        final long blockSize = options.size("blockSize");
        if (blockSize <= 0) {
            throw options.bad("blockSize", "> 0", options.string("blockSize"));
        }
        final int capacity = options.intValue("capacity");
        if (capacity < 1 || capacity > dev.allocator.pool.internal.FreeListDescriptor.MAX_CAPACITY) {
            throw options.bad("capacity", "between 1 and 2^30", options.string("capacity"));
        }
        final int cache = options.intValue("cache");
        if (cache < 0 || cache > PoolBuilder.MAX_CACHE) {
            throw options.bad("cache", "between 0 and " + PoolBuilder.MAX_CACHE, options.string("cache"));
        }
        final PoolBuilder builder = FixedBlockPool.builder().blockSize(blockSize).capacity(capacity)
                .wipe(options.choice("wipe", Wipe.class))
                .checkDoubleFree(options.bool("checkDoubleFree")).cache(cache)
                .backing(backing, true);
        final String alignment = options.string("alignment");
        if (!alignment.equals("natural")) {
            final long value;
            try {
                value = Options.parseSize(alignment);
            } catch (IllegalArgumentException e) {
                throw options.bad("alignment", "a power of 2 or natural", alignment);
            }
            if (value <= 0 || (value & (value - 1)) != 0) {
                throw options.bad("alignment", "a power of 2 or natural", alignment);
            }
            builder.alignment(value);
        }
        return builder.build();
    }
}
