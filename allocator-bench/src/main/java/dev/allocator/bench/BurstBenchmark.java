package dev.allocator.bench;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.LocalCache;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Burst: allocate {@code blocks} blocks (writing one {@code long} into each), then free them all, in allocation
 * order. One operation is the whole burst, so the score is microseconds per burst: divide by {@code blocks} for the
 * cost per block. It drains and refills whatever per-thread caching an allocator has, and with 100,000 blocks it
 * works far outside the CPU caches.
 *
 * <p>The pool has room for {@code blocks} per benchmark thread plus a margin; it and Netty's allocators are shared
 * by all threads. {@code jdkConfinedArena} makes the burst in one {@code Arena.ofConfined()} and frees it by
 * closing the arena, the JDK's natural way to free many blocks at once.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar BurstBenchmark -t 1 -prof gc   # then again with -t 2
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED, Jvm.HEAP,
        Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class BurstBenchmark {

    static final long VALUE = 0x1E1E_1E1E_1E1E_1E1EL;

    /** Extra pool blocks beyond {@code blocks * threads}, for whatever per-thread caches hold. */
    static final int POOL_MARGIN = 16_384;

    @Param({"1000", "100000"})
    public int blocks;

    @Param({"64", "4096"})
    public int size;

    MemorySegment[] segments;
    long[] addresses;
    int[] indexes;
    ByteBuf[] buffers;

    /** Our pool, shared, with room for every thread's burst. */
    @State(Scope.Benchmark)
    public static class PoolState {
        @Param({"1000", "100000"})
        public int blocks;
        @Param({"64", "4096"})
        public int size;
        Allocator pool;
        Layout layout;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            long capacity = (long) blocks * params.getThreads() + POOL_MARGIN;
            pool = Allocators.open(Specs.pool(size, capacity));
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    /** A {@link LocalCache} of the shared pool, made on the benchmark thread. */
    @State(Scope.Thread)
    public static class LocalState {
        LocalCache cache;

        @Setup(Level.Trial)
        public void open(PoolState pool) {
            cache = ((FixedBlockPool) pool.pool).localCache();
        }

        @TearDown(Level.Trial)
        public void close() {
            cache.close();
        }
    }

    /** The benchmark thread, initialized for rpmalloc. */
    @State(Scope.Thread)
    public static class RpmallocState {
        @Setup(Level.Trial)
        public void open() {
            Rpmalloc.initThread();
        }
    }

    /** Our system allocator, shared. */
    @State(Scope.Benchmark)
    public static class SystemState {
        @Param({"64", "4096"})
        public int size;
        Allocator system;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            system = Allocators.open(Specs.system());
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            system.close();
        }
    }

    /** Netty's adaptive allocator, shared (the pooled one is the static default). */
    @State(Scope.Benchmark)
    public static class NettyState {
        ByteBufAllocator adaptive;

        @Setup(Level.Trial)
        public void open() {
            adaptive = new AdaptiveByteBufAllocator();
        }
    }

    @Setup(Level.Trial)
    public void arrays() {
        segments = new MemorySegment[blocks];
        addresses = new long[blocks];
        indexes = new int[blocks];
        buffers = new ByteBuf[blocks];
    }

    @Benchmark
    public long pool(PoolState s) {
        return burst(s.pool, s.layout);
    }

    @Benchmark
    public long poolLocalCache(PoolState s, LocalState local) {
        return burst(local.cache, s.layout);
    }

    /**
     * The pool's index API: the burst keeps ints, as {@code malloc} keeps addresses, so no segment object outlives
     * its use (the {@code Allocator} rows keep a segment per block, which the pool builds on demand).
     */
    @Benchmark
    public long poolIndex(PoolState s) {
        final BlockIndexes pool = ((FixedBlockPool) s.pool).indexes();
        final int[] indexes = this.indexes;
        final int blocks = this.blocks;
        long sum = 0;
        for (int i = 0; i < blocks; i++) {
            final int index = pool.acquire();
            pool.segment(index).set(JAVA_LONG, 0, VALUE);
            indexes[i] = index;
        }
        for (int i = 0; i < blocks; i++) {
            sum += indexes[i];
            pool.release(indexes[i]);
        }
        return sum;
    }

    @Benchmark
    public long system(SystemState s) {
        return burst(s.system, s.layout);
    }

    private long burst(Allocator allocator, Layout layout) {
        final MemorySegment[] segments = this.segments;
        final int blocks = this.blocks;
        long sum = 0;
        for (int i = 0; i < blocks; i++) {
            MemorySegment block = allocator.allocate(layout);
            block.set(JAVA_LONG, 0, VALUE);
            segments[i] = block;
        }
        for (int i = 0; i < blocks; i++) {
            MemorySegment block = segments[i];
            sum += block.address();
            allocator.deallocate(block, layout);
            segments[i] = null;
        }
        return sum;
    }

    @Benchmark
    public long malloc() {
        final long[] addresses = this.addresses;
        final int blocks = this.blocks;
        final long size = this.size;
        long sum = 0;
        for (int i = 0; i < blocks; i++) {
            long address = Malloc.malloc(size);
            Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
            addresses[i] = address;
        }
        for (int i = 0; i < blocks; i++) {
            sum += addresses[i];
            Malloc.free(addresses[i]);
        }
        return sum;
    }

    @Benchmark
    public long rpmalloc(RpmallocState ignored) {
        final long[] addresses = this.addresses;
        final int blocks = this.blocks;
        final long size = this.size;
        long sum = 0;
        for (int i = 0; i < blocks; i++) {
            long address = Rpmalloc.malloc(size);
            Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
            addresses[i] = address;
        }
        for (int i = 0; i < blocks; i++) {
            sum += addresses[i];
            Rpmalloc.free(addresses[i]);
        }
        return sum;
    }

    @Benchmark
    public long jdkConfinedArena() {
        final int blocks = this.blocks;
        final long size = this.size;
        long sum = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < blocks; i++) {
                MemorySegment block = arena.allocate(size, Long.BYTES);
                block.set(JAVA_LONG, 0, VALUE);
                sum += block.address();
            }
        }
        return sum;
    }

    @Benchmark
    public long nettyPooled() {
        return burst(PooledByteBufAllocator.DEFAULT);
    }

    @Benchmark
    public long nettyAdaptive(NettyState s) {
        return burst(s.adaptive);
    }

    private long burst(ByteBufAllocator allocator) {
        final ByteBuf[] buffers = this.buffers;
        final int blocks = this.blocks;
        final int size = this.size;
        long sum = 0;
        for (int i = 0; i < blocks; i++) {
            ByteBuf block = allocator.directBuffer(size);
            block.setLong(0, VALUE);
            buffers[i] = block;
        }
        for (int i = 0; i < blocks; i++) {
            sum += buffers[i].getLong(0);
            buffers[i].release();
            buffers[i] = null;
        }
        return sum;
    }
}
