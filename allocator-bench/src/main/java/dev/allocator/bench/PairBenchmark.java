package dev.allocator.bench;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.arena.BumpArena;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One allocation, one {@code long} written into it, one free: the cost a request/response loop pays per buffer.
 *
 * <p>Our allocators ({@code pool}, {@code arena}, {@code system}) are opened through {@code Allocators.open(spec)}
 * and called through the {@link Allocator} interface. The pool, the system allocator and Netty's allocators are
 * shared by all benchmark threads ({@link Scope#Benchmark}): run with {@code -t 2} to see them under contention.
 * The others are per thread. Every method returns something derived from the block, so nothing is dead code.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar PairBenchmark -t 1 -prof gc   # then again with -t 2
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED, Jvm.HEAP,
        Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PairBenchmark {

    /*
     * Each benchmark touches the block (one long written at offset 0) so that no implementation can hand out a
     * handle it never maps. The block size is a @Param of every state; JMH gives all of them the same value.
     * Alignment is 8 everywhere: what a long needs, and what every peer gives at least.
     */

    static final long VALUE = 0x5A5A_5A5A_5A5A_5A5AL;

    /** Our pool, shared by all threads. */
    @State(Scope.Benchmark)
    public static class PoolState {
        @Param({"64", "4096"})
        public int size;
        Allocator allocator;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            allocator = Allocators.open(Specs.pool(size, 4096));
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    /** A {@code LocalCache} of the shared pool per benchmark thread, made on that thread. */
    @State(Scope.Thread)
    public static class PoolLocalState {
        LocalCache cache;
        BlockIndexes blocks;

        @Setup(Level.Trial)
        public void open(PoolState pool) {
            cache = ((FixedBlockPool) pool.allocator).localCache();
            blocks = ((FixedBlockPool) pool.allocator).indexes();
        }

        @TearDown(Level.Trial)
        public void close() {
            cache.close();
        }
    }

    /** Our system allocator, shared by all threads. */
    @State(Scope.Benchmark)
    public static class SystemState {
        @Param({"64", "4096"})
        public int size;
        Allocator allocator;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            allocator = Allocators.open(Specs.system());
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    /**
     * Our arena (confined), one per thread, reset after every {@code chunkSize / size / 2} allocations. It is opened
     * by spec and allocates through the {@link Allocator} interface; only the reset needs its class.
     */
    @State(Scope.Thread)
    public static class ArenaState {
        @Param({"64", "4096"})
        public int size;
        Allocator allocator;
        BumpArena arena;
        Layout layout;
        int perReset;
        int left;

        @Setup(Level.Trial)
        public void open() {
            allocator = Allocators.open(Specs.arena());
            arena = (BumpArena) allocator;
            layout = Layout.of(size, Long.BYTES);
            perReset = (int) (Specs.ARENA_CHUNK / size / 2);
            left = perReset;
        }

        void reset() {
            arena.reset();
            left = perReset;
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    /** The block size alone, for peers that need no other state. */
    @State(Scope.Thread)
    public static class SizeState {
        @Param({"64", "4096"})
        public int size;
    }

    /** Netty 4.2's allocators, shared by all threads. */
    @State(Scope.Benchmark)
    public static class NettyState {
        @Param({"64", "4096"})
        public int size;
        final ByteBufAllocator pooled = PooledByteBufAllocator.DEFAULT;
        ByteBufAllocator adaptive;

        @Setup(Level.Trial)
        public void open() {
            adaptive = new AdaptiveByteBufAllocator();
        }
    }

    /** The JDK's slicing allocator over a 16 MiB segment, recreated when the segment is used up; per thread. */
    @State(Scope.Thread)
    public static class SlicingState {
        static final long BYTES = 16L << 20;
        @Param({"64", "4096"})
        public int size;
        Arena arena;
        MemorySegment whole;
        SegmentAllocator slicing;
        long perSlab;
        long left;

        @Setup(Level.Trial)
        public void open() {
            arena = Arena.ofShared();
            whole = arena.allocate(BYTES, Long.BYTES);
            perSlab = BYTES / size;
            renew();
        }

        void renew() {
            slicing = SegmentAllocator.slicingAllocator(whole);
            left = perSlab;
        }

        @TearDown(Level.Trial)
        public void close() {
            arena.close();
        }
    }

    /**
     * The floor: a thread-private stack of block indices over one slab, no atomics, no checks, no objects.
     * Nothing real can be cheaper than this and still hand out distinct blocks.
     */
    @State(Scope.Thread)
    public static class FloorState {
        static final int BLOCKS = 1024;
        @Param({"64", "4096"})
        public int size;
        Arena arena;
        MemorySegment slab;
        final int[] stack = new int[BLOCKS];
        int top;

        @Setup(Level.Trial)
        public void open() {
            arena = Arena.ofShared();
            slab = arena.allocate((long) BLOCKS * size, Long.BYTES);
            for (int i = 0; i < BLOCKS; i++) {
                stack[i] = i;
            }
            top = BLOCKS;
        }

        @TearDown(Level.Trial)
        public void close() {
            arena.close();
        }
    }

    @Benchmark
    public long pool(PoolState s) {
        final Allocator allocator = s.allocator;
        final Layout layout = s.layout;
        MemorySegment block = allocator.allocate(layout);
        block.set(JAVA_LONG, 0, VALUE);
        allocator.deallocate(block, layout);
        return block.address();
    }

    @Benchmark
    public long poolLocal(PoolState s, PoolLocalState local) {
        final LocalCache cache = local.cache;
        final Layout layout = s.layout;
        MemorySegment block = cache.allocate(layout);
        block.set(JAVA_LONG, 0, VALUE);
        cache.deallocate(block, layout);
        return block.address();
    }

    /**
     * The {@code LocalCache}'s index forms, the same work as {@link #floor}: an index from the cache, one long
     * written through the block's segment ({@code BlockIndexes.segment}, kept per block), the index back.
     */
    @Benchmark
    public int poolLocalIndex(PoolLocalState local) {
        final LocalCache cache = local.cache;
        final int index = cache.acquire();
        local.blocks.segment(index).set(JAVA_LONG, 0, VALUE);
        cache.release(index);
        return index;
    }

    /*
     * The reset comes before the allocation, as the slicing peer renews before it allocates: a block still live
     * across the (rarely taken, so not inlined) reset() call is not scalar-replaced by C2 and costs its 40-byte
     * segment object on the heap, which would be measured here as the arena's cost.
     */
    @Benchmark
    public long arena(ArenaState s) {
        if (--s.left == 0) {
            s.reset();
        }
        MemorySegment block = s.allocator.allocate(s.layout);
        block.set(JAVA_LONG, 0, VALUE);
        return block.address();
    }

    @Benchmark
    public long system(SystemState s) {
        final Allocator allocator = s.allocator;
        final Layout layout = s.layout;
        MemorySegment block = allocator.allocate(layout);
        block.set(JAVA_LONG, 0, VALUE);
        allocator.deallocate(block, layout);
        return block.address();
    }

    @Benchmark
    public long malloc(SizeState s) {
        long address = Malloc.malloc(s.size);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        Malloc.free(address);
        return address;
    }

    @Benchmark
    public long jdkConfinedArena(SizeState s) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(s.size, Long.BYTES);
            block.set(JAVA_LONG, 0, VALUE);
            return block.address();
        }
    }

    @Benchmark
    public long jdkSlicing(SlicingState s) {
        if (s.left-- == 0) {
            s.renew();
            s.left--;
        }
        MemorySegment block = s.slicing.allocate(s.size, Long.BYTES);
        block.set(JAVA_LONG, 0, VALUE);
        return block.address();
    }

    @Benchmark
    public ByteBuffer allocateDirect(SizeState s) {
        ByteBuffer block = ByteBuffer.allocateDirect(s.size);
        block.putLong(0, VALUE);
        return block;
    }

    @Benchmark
    public ByteBuf nettyPooled(NettyState s) {
        ByteBuf block = s.pooled.directBuffer(s.size);
        block.setLong(0, VALUE);
        block.release();
        return block;
    }

    @Benchmark
    public ByteBuf nettyAdaptive(NettyState s) {
        ByteBuf block = s.adaptive.directBuffer(s.size);
        block.setLong(0, VALUE);
        block.release();
        return block;
    }

    @Benchmark
    public int floor(FloorState s) {
        final int[] stack = s.stack;
        final int index = stack[--s.top];
        s.slab.set(JAVA_LONG, (long) index * s.size, VALUE);
        stack[s.top++] = index;
        return index;
    }
}
