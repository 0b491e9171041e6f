package dev.allocator.io;

import dev.allocator.api.Checks;

/**
 * Frame sizes from an MTU, as a DPDK {@code mempool} created for an MTU sizes its buffers: headroom, Ethernet header,
 * the MTU of payload and the frame check sequence, rounded up to a cache line.
 *
 * {@snippet :
 * int jumbo = FrameSize.forMtu(9000, 128);   // 128 + 14 + 9000 + 4 = 9146, rounded up to 9152
 * int plain = FrameSize.forMtu(1500, 0);     // 14 + 1500 + 4 = 1518, rounded up to 1536
 * }
 *
 * <p>A VLAN tag (4 bytes) fits in the rounding for every MTU whose frame does not end within 4 bytes of a cache line;
 * add it to the headroom when it must always fit. Stateless and thread-safe.
 */
public final class FrameSize {

    /** The Ethernet header: destination and source addresses and the EtherType. */
    public static final int ETHERNET_HEADER = 14;
    /** The frame check sequence at the end of an Ethernet frame. */
    public static final int FCS = 4;
    /** Frames are rounded up to a multiple of this: a cache line. */
    public static final int CACHE_LINE = 64;
    /** The smallest MTU accepted: IPv4's minimum. */
    public static final int MIN_MTU = 68;
    /** The largest MTU accepted. */
    public static final int MAX_MTU = 65_535;
    /** The largest headroom accepted. */
    public static final int MAX_HEADROOM = 65_535;

    private FrameSize() {
    }

    /**
     * The bytes a frame needs for an MTU: {@code headroom + 14 + mtu + 4}, rounded up to a multiple of 64.
     *
     * @param mtu      the MTU, {@value #MIN_MTU} to {@value #MAX_MTU}
     * @param headroom bytes reserved before the Ethernet header (for headers pushed later), 0 to
     *                 {@value #MAX_HEADROOM}
     * @return the frame size in bytes, a multiple of 64
     * @throws IllegalArgumentException when {@code mtu} or {@code headroom} is out of range; the message names it
     */
    public static int forMtu(int mtu, int headroom) {
        Checks.requireInRange(mtu, MIN_MTU, MAX_MTU, "mtu");
        Checks.requireInRange(headroom, 0, MAX_HEADROOM, "headroom");
        return (int) Checks.alignUp((long) headroom + ETHERNET_HEADER + mtu + FCS, CACHE_LINE);
    }
}
