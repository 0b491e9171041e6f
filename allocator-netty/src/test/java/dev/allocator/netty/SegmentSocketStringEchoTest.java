package dev.allocator.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.socket.SocketStringEchoTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

/** Netty's {@code SocketStringEchoTest} with {@code ChannelOption.ALLOCATOR} set to adapters over both host specs. */
class SegmentSocketStringEchoTest extends SocketStringEchoTest {

    @RegisterExtension
    static final HostSuite SUITE = HostSuite.over(HostSuite.SIZECLASSES, HostSuite.POOL);

    @Override
    protected List<ByteBufAllocator> newAllocators() {
        return SUITE.adapters();
    }
}
