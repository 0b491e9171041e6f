package dev.allocator.bench;

import dev.allocator.netty.SegmentByteBufAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A Netty direct buffer's life in a handler: {@code directBuffer(size)}, one {@code long} written, {@code release()};
 * through {@link SegmentByteBufAllocator} over {@code sizeclasses > system} and over a pool of {@code size}-byte
 * blocks, against Netty 4.2's {@link PooledByteBufAllocator} and {@link AdaptiveByteBufAllocator}.
 *
 * <p>Every allocator is shared by all benchmark threads ({@link Scope#Benchmark}), as one allocator serves all of a
 * server's event loops: run with {@code -t 2} to see them under contention. Leak detection is off, as in production.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar NettyBenchmark -t 1 -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED, Jvm.HEAP,
        Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class NettyBenchmark {

    static final long VALUE = 0x5A5A_5A5A_5A5A_5A5AL;

    /** The buffer size, and the four allocators, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Allocators {
        @Param({"64", "1024", "16384"})
        public int size;
        SegmentByteBufAllocator sizeClasses;
        SegmentByteBufAllocator pool;
        ByteBufAllocator pooled;
        ByteBufAllocator adaptive;

        @Setup(Level.Trial)
        public void open() {
            sizeClasses = new SegmentByteBufAllocator("sizeclasses > system");
            pool = new SegmentByteBufAllocator(Specs.pool(size, 1024));
            pooled = PooledByteBufAllocator.DEFAULT;
            adaptive = new AdaptiveByteBufAllocator();
        }

        @TearDown(Level.Trial)
        public void close() {
            sizeClasses.close();
            pool.close();
        }
    }

    private static ByteBuf cycle(ByteBufAllocator allocator, int size) {
        ByteBuf buffer = allocator.directBuffer(size);
        buffer.writeLong(VALUE);
        buffer.release();
        return buffer;
    }

    @Benchmark
    public ByteBuf segmentSizeClasses(Allocators s) {
        return cycle(s.sizeClasses, s.size);
    }

    @Benchmark
    public ByteBuf segmentPool(Allocators s) {
        return cycle(s.pool, s.size);
    }

    @Benchmark
    public ByteBuf nettyPooled(Allocators s) {
        return cycle(s.pooled, s.size);
    }

    @Benchmark
    public ByteBuf nettyAdaptive(Allocators s) {
        return cycle(s.adaptive, s.size);
    }
}
