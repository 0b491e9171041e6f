package dev.allocator.netty;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recycled direct buffer's own promises: a released buffer touches nothing, a reused one starts fresh. */
class SegmentByteBufTest {

    /** One 64-byte block (other sizes from malloc): a buffer of 64 bytes gets the block the one before it had. */
    private Allocator oneBlock;
    private SegmentByteBufAllocator buffers;

    @BeforeEach
    void open() {
        oneBlock = Allocators.open("pool(blockSize=64, capacity=1) | system");
        buffers = new SegmentByteBufAllocator(oneBlock);
    }

    @AfterEach
    void close() {
        buffers.close();
        oneBlock.close();
    }

    @Test
    void shouldRefuseEveryAccessAfterTheLastRelease() {
        ByteBuf buffer = buffers.directBuffer(64).writeLong(1);
        ByteBuf raw = unwrap(buffer);
        assertTrue(buffer.release());
        assertThrows(IllegalReferenceCountException.class, () -> raw.getByte(0));
        assertThrows(IllegalReferenceCountException.class, () -> raw.setLong(0, 2));
        assertThrows(IllegalReferenceCountException.class, raw::memoryAddress);
        assertThrows(IllegalReferenceCountException.class, () -> raw.nioBuffer(0, 8));
        assertThrows(IllegalReferenceCountException.class, () -> raw.internalNioBuffer(0, 8));
        assertThrows(IllegalReferenceCountException.class, () -> raw.capacity(32));
        assertThrows(IllegalReferenceCountException.class, () -> raw.ensureWritable(100));
        assertThrows(IllegalReferenceCountException.class, raw::release);
        assertEquals(0, oneBlock.stats().liveAllocations());                    // given back once, nothing else
        assertEquals(1, oneBlock.stats().deallocations());
    }

    @Test
    void shouldStartEveryReuseOfABufferObjectFresh() throws Exception {
        SegmentByteBufAllocator other = new SegmentByteBufAllocator(oneBlock);
        onEventLoopThread(() -> {
            ByteBuf first = buffers.directBuffer(64, 100).writeLong(7).writeInt(3);
            first.readByte();
            first.markReaderIndex().markWriterIndex().retain();
            ByteBuffer view = first.internalNioBuffer(0, 64);
            ByteBuf object = unwrap(first);
            assertTrue(first.release(2));

            ByteBuf second = other.directBuffer(64, 200);                       // the same object, the same block
            assertSame(object, unwrap(second));
            assertSame(other, second.alloc());
            assertEquals(1, second.refCnt());
            assertEquals(0, second.readerIndex());
            assertEquals(0, second.writerIndex());
            assertEquals(64, second.capacity());
            assertEquals(200, second.maxCapacity());
            second.writeLong(9).resetReaderIndex().resetWriterIndex();          // the marks went with the first
            assertEquals(0, second.readerIndex());
            assertEquals(0, second.writerIndex());
            assertSame(view, second.internalNioBuffer(0, 64));                  // same block: the view is reused
            second.capacity(128);                                               // a new block: a new view
            assertNotEquals(view, second.internalNioBuffer(0, 128));
            assertEquals(128, second.internalNioBuffer(0, 128).capacity());
            assertEquals(9, second.getLong(0));
            second.release();
        });
        assertEquals(0, oneBlock.stats().liveAllocations());
        assertEquals(0, buffers.metric().usedDirectMemory() + other.metric().usedDirectMemory());
    }

    @Test
    void shouldKeepNothingOfARefusedRequest() throws Exception {
        try (SegmentByteBufAllocator full = new SegmentByteBufAllocator("pool(blockSize=64, capacity=1) > system")) {
            onEventLoopThread(() -> {
                ByteBuf held = full.directBuffer(64);
                ByteBuf object = unwrap(held);
                assertThrows(AllocationException.class, () -> full.directBuffer(64));   // the one block is taken
                assertEquals(64, full.metric().usedDirectMemory());
                held.release();
                ByteBuf next = full.directBuffer(64);                                 // the object came back too
                assertSame(object, unwrap(next));
                next.release();
            });
            assertEquals(0, full.allocator().stats().liveAllocations());
            assertEquals(0, full.metric().usedDirectMemory());
        }
    }

    @Test
    void shouldHandBuffersAcrossThreadsWithTheirContents() throws Exception {
        BlockingQueue<ByteBuf> handOff = new ArrayBlockingQueue<>(16);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        int rounds = 20_000;
        try (SegmentByteBufAllocator shared = new SegmentByteBufAllocator("sizeclasses > system")) {
            Thread consumer = new FastThreadLocalThread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        ByteBuf buffer = handOff.poll(10, TimeUnit.SECONDS);
                        assertEquals(i, buffer.readInt());
                        assertEquals(~i, buffer.getInt(buffer.capacity() - 4));
                        buffer.release();                                       // recycled to the producer's pool
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            consumer.start();
            onEventLoopThread(() -> {
                for (int i = 0; i < rounds; i++) {
                    ByteBuf buffer = shared.directBuffer(16 + (i % 4) * 16);
                    buffer.writeInt(i).setInt(buffer.capacity() - 4, ~i);
                    if (!handOff.offer(buffer, 10, TimeUnit.SECONDS)) {
                        buffer.release();
                        throw new AssertionError("the consumer stopped at round " + i, failed.get());
                    }
                }
            });
            consumer.join();
            assertNull(failed.get(), () -> "the consumer failed: " + failed.get());
            assertEquals(0, shared.allocator().stats().liveAllocations());
            assertEquals(0, shared.metric().usedDirectMemory());
        }
    }

    private static ByteBuf unwrap(ByteBuf buffer) {
        return buffer.unwrap() == null ? buffer : buffer.unwrap();               // Netty's leak-aware wrapper
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} on a thread like Netty's event loops (they use the per-thread recycler). */
    private static void onEventLoopThread(Body body) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new FastThreadLocalThread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        thread.start();
        thread.join();
        if (failed.get() instanceof Exception e) {
            throw e;
        }
        if (failed.get() instanceof Error e) {
            throw e;
        }
    }
}
