package dev.allocator.bench;

import dev.allocator.api.Layout;
import dev.allocator.io.IoBufferPool;
import dev.allocator.io.Packet;
import dev.allocator.io.PacketPool;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One packet taken, one {@code long} written into its payload, the packet given back: the packet pool's lease form
 * ({@code acquire()} + {@code release()}, one handle object) and index form ({@code acquireIndices} +
 * {@code release(int)}, no object), against the pool beneath alone (its {@code allocate} + {@code deallocate} pair
 * and its index API) and Netty's pooled direct {@code ByteBuf} (a reference-counted buffer: {@code directBuffer} +
 * {@code release}); and one I/O buffer taken, marked in flight, completed, written and released.
 *
 * <p>Frames are 2 KiB of payload after 128 bytes of headroom (blocks of 2176 bytes, the pool peer's block size);
 * Netty's buffers are 2 KiB. Pools, Netty's allocator and the I/O buffer pool are shared by all threads
 * ({@link Scope#Benchmark}): run with {@code -t 2} to see them under contention.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar PacketBenchmark -t 1 -prof gc   # then again with -t 2
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED, Jvm.HEAP,
        Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PacketBenchmark {

    static final int FRAME = 2048;
    static final int HEADROOM = 128;
    static final int CAPACITY = 4096;
    static final long VALUE = 0x5A5A_5A5A_5A5A_5A5AL;

    /** The packet pool, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Packets {
        PacketPool packets;

        @Setup(Level.Trial)
        public void open() {
            packets = PacketPool.builder().frameSize(FRAME).headroom(HEADROOM).capacity(CAPACITY).build();
        }

        @TearDown(Level.Trial)
        public void close() {
            packets.close();
        }
    }

    /** Each thread's one-slot index array for {@code acquireIndices}. */
    @State(Scope.Thread)
    public static class Slot {
        final int[] one = new int[1];
    }

    /** The pool beneath alone: same block size, alignment and capacity; shared by all threads. */
    @State(Scope.Benchmark)
    public static class Pool {
        FixedBlockPool pool;
        BlockIndexes indexes;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            layout = Layout.of(FRAME + HEADROOM, 64);
            pool = FixedBlockPool.builder().block(layout).capacity(CAPACITY).build();
            indexes = pool.indexes();
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    /** Netty 4.2's pooled allocator, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Netty {
        final ByteBufAllocator pooled = PooledByteBufAllocator.DEFAULT;
    }

    /** 256 page-aligned I/O buffers of 4 KiB, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Buffers {
        IoBufferPool buffers;

        @Setup(Level.Trial)
        public void open() {
            buffers = IoBufferPool.builder().bufferSize(4096).count(256).build();
        }

        @TearDown(Level.Trial)
        public void close() {
            buffers.close();
        }
    }

    @Benchmark
    public int packetLease(Packets s) {
        final PacketPool packets = s.packets;
        final Packet packet = packets.acquire();
        final int index = packet.index();
        packets.frame(index).set(JAVA_LONG, HEADROOM, VALUE);
        packet.release();
        return index;
    }

    @Benchmark
    public int packetIndex(Packets s, Slot slot) {
        final PacketPool packets = s.packets;
        packets.acquireIndices(slot.one);
        final int index = slot.one[0];
        packets.frame(index).set(JAVA_LONG, HEADROOM, VALUE);
        packets.release(index);
        return index;
    }

    @Benchmark
    public long poolPair(Pool s) {
        final MemorySegment block = s.pool.allocate(s.layout);
        block.set(JAVA_LONG, HEADROOM, VALUE);
        s.pool.deallocate(block, s.layout);
        return block.address();
    }

    @Benchmark
    public int poolIndex(Pool s) {
        final BlockIndexes indexes = s.indexes;
        final int index = indexes.acquire();
        indexes.segment(index).set(JAVA_LONG, HEADROOM, VALUE);
        indexes.release(index);
        return index;
    }

    @Benchmark
    public ByteBuf nettyPooled(Netty s) {
        final ByteBuf buffer = s.pooled.directBuffer(FRAME);
        buffer.setLong(0, VALUE);
        buffer.release();
        return buffer;
    }

    @Benchmark
    public int ioBuffer(Buffers s) {
        final IoBufferPool buffers = s.buffers;
        final int index = buffers.acquire();
        buffers.markInFlight(index);
        buffers.completeInFlight(index);
        buffers.buffer(index).set(JAVA_LONG, 0, VALUE);
        buffers.release(index);
        return index;
    }
}
