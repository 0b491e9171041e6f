package dev.allocator.netty;

import io.netty.buffer.AbstractByteBufTest;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Netty's buffer tests over direct buffers from the pool spec (a pool of 4 KiB blocks; malloc for other sizes). */
class PoolByteBufTest extends AbstractByteBufTest {

    @RegisterExtension
    static final HostSuite SUITE = HostSuite.over(HostSuite.POOL);
    private static final SegmentByteBufAllocator BUFFERS = SUITE.adapter(0, true);

    @Override
    protected ByteBuf newBuffer(int capacity, int maxCapacity) {
        ByteBuf buffer = BUFFERS.directBuffer(capacity, maxCapacity);
        assertEquals(0, buffer.writerIndex());
        assertEquals(capacity, buffer.capacity());
        return buffer;
    }
}
