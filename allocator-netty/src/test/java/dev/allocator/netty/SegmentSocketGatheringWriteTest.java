package dev.allocator.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

/** Netty's {@code SocketGatheringWriteTest} with {@code ChannelOption.ALLOCATOR} set to adapters over both host specs. */
class SegmentSocketGatheringWriteTest extends SocketGatheringWriteTest {

    @RegisterExtension
    static final HostSuite SUITE = HostSuite.over(HostSuite.SIZECLASSES, HostSuite.POOL);

    @Override
    protected List<ByteBufAllocator> newAllocators() {
        return SUITE.adapters();
    }
}
