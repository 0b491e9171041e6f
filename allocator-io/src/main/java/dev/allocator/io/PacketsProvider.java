package dev.allocator.io;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;
import dev.allocator.pool.PoolBuilder;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code packets}: builds a {@link PacketPool} over the next stage of a spec, which it owns.
 *
 * {@snippet :
 * try (PacketPool packets = (PacketPool) Allocators.open("packets(mtu=9000, headroom=128, capacity=8192) > system")) {
 *     try (Packet packet = packets.acquire()) {
 *         packet.data().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
 *     }
 * }
 * }
 *
 * <p>Options: {@code frameSize} (a size such as {@code 2KiB}) or {@code mtu} (the frame size is then
 * {@link FrameSize#forMtu FrameSize.forMtu(mtu, 0)}), exactly one of them; {@code capacity} (required, 1 to 2^30);
 * {@code headroom} (default 0); {@code cache} (free frames per thread cache, default
 * {@value PoolBuilder#DEFAULT_CACHE}, 0 for none).
 */
public final class PacketsProvider implements AllocatorProvider {

    private static final String NONE = "none";

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("frameSize", NONE, "payload room of each frame, e.g. 2KiB; or give mtu"),
            ProviderOption.optional("mtu", NONE, "an MTU, " + FrameSize.MIN_MTU + " to " + FrameSize.MAX_MTU
                    + ": frames of Ethernet header + MTU + FCS, rounded up to 64; or give frameSize"),
            ProviderOption.required("capacity", "number of frames, 1 to 2^30"),
            ProviderOption.optional("headroom", "0", "bytes before each payload, 0 to " + FrameSize.MAX_HEADROOM),
            ProviderOption.optional("cache", String.valueOf(PoolBuilder.DEFAULT_CACHE),
                    "free frames per thread cache, 0 to " + PoolBuilder.MAX_CACHE + "; 0 turns caching off"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public PacketsProvider() {
    }

    @Override
    public String name() {
        return "packets";
    }

    @Override
    public String description() {
        return "refcounted packet frames with a length, by lease or by index, from one slab of the next stage";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    /**
     * Builds a packet pool that owns {@code backing}.
     *
     * @throws IllegalArgumentException when an option's value is bad, or both or neither of frameSize and mtu are
     *                                  given; the message names the option and the value
     * @throws dev.allocator.api.AllocationException when {@code backing} cannot provide the frames ({@code backing}
     *                                               is left open)
     */
    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        final Options options = Options.of(name(), raw, OPTIONS);
        final String frameText = options.string("frameSize");
        final String mtuText = options.string("mtu");
        if (frameText.equals(NONE) == mtuText.equals(NONE)) {
            throw options.bad("mtu", "given when frameSize is not, and only then", mtuText + ", frameSize="
                    + frameText);
        }
        final int frameSize;
        if (frameText.equals(NONE)) {
            final int mtu = options.intValue("mtu");
            if (mtu < FrameSize.MIN_MTU || mtu > FrameSize.MAX_MTU) {
                throw options.bad("mtu", "between " + FrameSize.MIN_MTU + " and " + FrameSize.MAX_MTU, mtuText);
            }
            frameSize = FrameSize.forMtu(mtu, 0);
        } else {
            final long size = options.size("frameSize");
            if (size < 1 || size > PacketPoolBuilder.MAX_FRAME_SIZE) {
                throw options.bad("frameSize", "between 1 and " + PacketPoolBuilder.MAX_FRAME_SIZE, frameText);
            }
            frameSize = (int) size;
        }
        final int capacity = options.intValue("capacity");
        if (capacity < 1 || capacity > PacketPoolBuilder.MAX_CAPACITY) {
            throw options.bad("capacity", "between 1 and 2^30", options.string("capacity"));
        }
        final long headroom = options.size("headroom");
        if (headroom > FrameSize.MAX_HEADROOM) {
            throw options.bad("headroom", "between 0 and " + FrameSize.MAX_HEADROOM, options.string("headroom"));
        }
        final int cache = options.intValue("cache");
        if (cache < 0 || cache > PoolBuilder.MAX_CACHE) {
            throw options.bad("cache", "between 0 and " + PoolBuilder.MAX_CACHE, options.string("cache"));
        }
        return PacketPool.builder().frameSize(frameSize).headroom((int) headroom).capacity(capacity).cache(cache)
                .backing(backing, true).build();
    }
}
