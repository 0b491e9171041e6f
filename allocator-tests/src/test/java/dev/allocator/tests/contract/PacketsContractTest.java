package dev.allocator.tests.contract;

/**
 * The contract over {@code PacketPool} as an {@code Allocator}: whole 256-byte blocks (64 bytes of headroom and a
 * 192-byte frame), 1024 of them, aligned to 64, as the pool beneath hands them out.
 */
class PacketsContractTest extends AllocatorContract {

    static final Subject PACKETS = Subject.of("packets(frameSize=192, headroom=64, capacity=1024) > system")
            .withMaxSize(256, true).withMaxAlignment(64).bounded(1024);

    @Override
    protected Subject subject() {
        return PACKETS;
    }
}
