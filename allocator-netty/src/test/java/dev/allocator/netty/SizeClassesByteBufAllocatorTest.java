package dev.allocator.netty;

import io.netty.buffer.AbstractByteBufAllocatorTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Netty's allocator tests over {@code sizeclasses > system}. */
class SizeClassesByteBufAllocatorTest extends AbstractByteBufAllocatorTest<SegmentByteBufAllocator> {

    @RegisterExtension
    static final HostSuite SUITE = HostSuite.over(HostSuite.SIZECLASSES);

    @Override
    protected SegmentByteBufAllocator newAllocator(boolean preferDirect) {
        return SUITE.adapter(0, preferDirect);
    }

    @Override
    protected SegmentByteBufAllocator newUnpooledAllocator() {
        return SUITE.adapter(0, false);
    }

    /** Netty's check that a pooled allocator reuses its chunks: it measures heap buffers, which stay Netty's. */
    @Override
    public void shouldReuseChunks() {
    }

    /**
     * Netty's check of the classes an allocator hands out, as Netty's own {@code AdaptiveByteBufAllocatorTest}
     * overrides it for its recycled buffers: direct buffers are this package's, heap buffers Netty's unpooled ones.
     */
    @Override
    @Test
    public void testUnsafeHeapBufferAndUnsafeDirectBuffer() {
        HostSuite.assertBufferClasses(newUnpooledAllocator());
    }
}
