package dev.allocator.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.socket.CompositeBufferGatheringWriteTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

/** Netty's {@code CompositeBufferGatheringWriteTest} with {@code ChannelOption.ALLOCATOR} set to adapters over both host specs. */
class SegmentCompositeBufferGatheringWriteTest extends CompositeBufferGatheringWriteTest {

    @RegisterExtension
    static final HostSuite SUITE = HostSuite.over(HostSuite.SIZECLASSES, HostSuite.POOL);

    @Override
    protected List<ByteBufAllocator> newAllocators() {
        return SUITE.adapters();
    }
}
