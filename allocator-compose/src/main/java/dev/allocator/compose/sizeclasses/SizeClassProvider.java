package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;
import dev.allocator.pool.Wipe;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code sizeclasses}: a {@link SizeClassAllocator} over the stage beneath it.
 *
 * {@snippet :
 * Allocator general = Allocators.open("sizeclasses(maxClass=64KiB, slabSize=1MiB, idleMillis=5000) > system");
 * }
 */
public final class SizeClassProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("maxClass", "64KiB", "the largest size class, a power of 2 from 16 to 1GiB; "
                    + "larger requests go to the next stage"),
            ProviderOption.optional("slabSize", "256KiB", "about how many bytes each slab of a class holds, "
                    + "from 1 to 1GiB (at least 8 and at most 1048576 blocks)"),
            ProviderOption.optional("idleMillis", "1000", "how long a slab stays empty before it goes back; "
                    + "0 keeps slabs until close"),
            ProviderOption.optional("wipe", "none", "none | free | close | always: zero blocks when freed, slabs "
                    + "when given back, or both"),
            ProviderOption.optional("checkDoubleFree", "true", "true | false: detect blocks freed twice"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public SizeClassProvider() {
    }

    @Override
    public String name() {
        return "sizeclasses";
    }

    @Override
    public String description() {
        return "general-purpose allocation from pools of size classes, slabs added on demand and given back when idle";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        long maxClass = options.size("maxClass");
        if (maxClass < SizeClasses.MIN_CLASS || maxClass > (1L << 30) || Long.bitCount(maxClass) != 1) {
            throw options.bad("maxClass", "a power of 2 from 16 to 1GiB", options.string("maxClass"));
        }
        long slabSize = options.size("slabSize");
        if (slabSize <= 0 || slabSize > SizeClassAllocator.MAX_SLAB_SIZE) {
            throw options.bad("slabSize", "from 1 to 1GiB", options.string("slabSize"));
        }
        int idleMillis = options.intValue("idleMillis");
        if (idleMillis < 0) {
            throw options.bad("idleMillis", ">= 0", options.string("idleMillis"));
        }
        return new SizeClassAllocator(backing, maxClass, slabSize, idleMillis, options.choice("wipe", Wipe.class),
                options.bool("checkDoubleFree"), true);
    }
}
