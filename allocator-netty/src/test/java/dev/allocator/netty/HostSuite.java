package dev.allocator.netty;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Allocators;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocators a host test class (Netty's own tests, subclassed) runs over, one per spec, and the check after the
 * class: every allocator has nothing in use (its stats, and every adapter's metric) and Netty's leak detector
 * reported no leak. Register as a static {@code @RegisterExtension} field.
 */
final class HostSuite implements AfterAllCallback {

    /** The specs the host suites run over: size classes, and a pool that falls back to malloc for other sizes. */
    static final String SIZECLASSES = "sizeclasses > system";
    static final String POOL = "pool(blockSize=4KiB, capacity=1024) | system";

    private static final long QUIET_MILLIS = 20_000;

    private final List<Allocator> allocators = new ArrayList<>();
    private final List<SegmentByteBufAllocator> adapters = new ArrayList<>();
    private List<ByteBufAllocator> sockets;

    private HostSuite(String... specs) {
        LeakWatch.clear();   // starts watching (the listener is set when LeakWatch loads); earlier suites checked theirs
        for (String spec : specs) {
            allocators.add(Allocators.open(spec));
        }
    }

    static HostSuite over(String... specs) {
        return new HostSuite(specs);
    }

    /** A new adapter over the {@code index}th allocator; checked after the class. */
    synchronized SegmentByteBufAllocator adapter(int index, boolean preferDirect) {
        SegmentByteBufAllocator adapter = new SegmentByteBufAllocator(allocators.get(index), preferDirect,
                SegmentByteBufAllocator.DEFAULT_ALIGNMENT);
        adapters.add(adapter);
        return adapter;
    }

    /** One adapter over each allocator (direct preferred), the same list on every call. */
    synchronized List<ByteBufAllocator> adapters() {
        if (sockets == null) {
            List<ByteBufAllocator> list = new ArrayList<>();
            for (int i = 0; i < allocators.size(); i++) {
                list.add(adapter(i, true));
            }
            sockets = List.copyOf(list);
        }
        return sockets;
    }

    /**
     * What Netty's {@code testUnsafeHeapBufferAndUnsafeDirectBuffer} checks, for this adapter's classes (as Netty's
     * {@code AdaptiveByteBufAllocatorTest} overrides it for its own): direct buffers are the adapter's recycled
     * {@link SegmentByteBuf}, heap buffers Netty's {@link UnpooledHeapByteBuf}, under the leak detector's wrapper.
     */
    static void assertBufferClasses(SegmentByteBufAllocator allocator) {
        ByteBuf direct = allocator.directBuffer();
        ByteBuf heap = allocator.heapBuffer();
        try {
            assertInstanceOf(SegmentByteBuf.class, direct.unwrap() == null ? direct : direct.unwrap());
            assertInstanceOf(UnpooledHeapByteBuf.class, heap.unwrap() == null ? heap : heap.unwrap());
        } finally {
            direct.release();
            heap.release();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            awaitNothingInUse();
            List<String> leaks = LeakWatch.collect(new SegmentByteBufAllocator(allocators.getFirst()));
            assertTrue(leaks.isEmpty(), () -> "Netty reported leaks: " + leaks);
        } finally {
            LeakWatch.clear();
            allocators.forEach(Allocator::close);
        }
    }

    /** Event loops may release the last buffers of a test just after it returned: wait for them, then check. */
    private void awaitNothingInUse() throws InterruptedException {
        long deadline = System.nanoTime() + QUIET_MILLIS * 1_000_000;
        while (!nothingInUse() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (Allocator allocator : allocators) {
            AllocatorStats stats = allocator.stats();
            assertTrue(stats.allocations() > 0, () -> allocator + " was never asked for memory: " + stats);
            assertEquals(0, stats.liveAllocations(), () -> allocator + " has allocations in use: " + stats);
            assertEquals(0, stats.bytesInUse(), () -> allocator + " has bytes in use: " + stats);
        }
        synchronized (this) {
            for (SegmentByteBufAllocator adapter : adapters) {
                assertEquals(0, adapter.metric().usedDirectMemory(), adapter::toString);
            }
        }
    }

    private synchronized boolean nothingInUse() {
        return allocators.stream().allMatch(a -> a.stats().liveAllocations() == 0)
                && adapters.stream().allMatch(a -> a.metric().usedDirectMemory() == 0);
    }
}
