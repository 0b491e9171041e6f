package dev.allocator.bench;

import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import dev.allocator.pool.LocalCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Nanoseconds per allocate + free pair on one thread, for the fixed-block pool and its raw-malloc peer, in one run:
 * <ul>
 *   <li>{@code poolAllocator}: {@code allocate(layout)} and {@code deallocate(segment, layout)} through the
 *       {@code Allocator} interface (a full-block request; the segment is built on demand and, not kept, removed by the JIT);</li>
 *   <li>{@code poolIndex}: {@code acquire()}, {@code segment(index)}, {@code release(index)};</li>
 *   <li>{@code poolBulk}: {@value #BATCH} blocks taken with one {@code acquire(int[], ...)} and given back with one
 *       {@code release(int[], ...)}, reported per block;</li>
 *   <li>{@code localCache}: {@code allocate}/{@code deallocate} through a {@link LocalCache} of the benchmark
 *       thread;</li>
 *   <li>{@code tryAllocateExhausted}: {@code tryAllocate} on a pool whose every block is held (it returns null), with
 *       thread caches of {@code cache} blocks: the back-pressure path, to hold against {@code poolAllocator};</li>
 *   <li>{@code malloc}: {@code malloc} and {@code free} through FFM downcall handles ({@link Malloc});</li>
 *   <li>{@code rpmalloc}: rpmalloc through LWJGL's binding ({@link Rpmalloc});</li>
 *   <li>{@code ...Virtual}: {@code sharedPoolAllocator} and {@code malloc} run by JMH on virtual threads
 *       ({@code -Djmh.executor=VIRTUAL}), to set beside the same rows on platform threads.</li>
 * </ul>
 * {@code sharedPoolAllocator} is the first on one pool that all benchmark threads share, with thread caches of
 * {@code cache} blocks (0 = off). The other pools are per thread with the default cache. The pool runs with
 * double-free checking on and off ({@code checkDoubleFree}), which measures what the check
 * costs. Every block gets one {@code long} written, so nothing hands out memory it never touches.
 *
 * {@snippet lang = "shell" :
 * java --enable-native-access=ALL-UNNAMED -jar allocator-bench/target/benchmarks.jar PoolBenchmark
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.UNSAFE_ALLOWED, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PoolBenchmark {

    /** Blocks per bulk call. */
    static final int BATCH = 16;

    /** A pool over the system allocator, one per benchmark thread. */
    @State(Scope.Thread)
    public static class PoolState {

        /** Bytes per block. */
        @Param({"64", "4096"})
        public long size;

        /** Whether the pool catches double frees (one more CAS per free). */
        @Param({"true", "false"})
        public boolean checkDoubleFree;

        FixedBlockPool pool;
        BlockIndexes indexes;
        Layout layout;
        final int[] batch = new int[BATCH];

        /** Builds the pool. */
        @Setup(Level.Trial)
        public void open() {
            pool = FixedBlockPool.builder().blockSize(size).capacity(1024).checkDoubleFree(checkDoubleFree)
                    .backing(Allocators.system(), false).build();
            indexes = pool.indexes();
            layout = Layout.of(size, pool.alignment());
        }

        /** Closes the pool, checking nothing leaked. */
        @TearDown(Level.Trial)
        public void close() {
            if (pool.poolStats().inUse() != 0) {
                throw new IllegalStateException("benchmark leaked blocks: " + pool);
            }
            pool.close();
        }
    }

    /**
     * One pool of 64-byte blocks shared by every benchmark thread, with thread caches of {@code cache} blocks per slot
     * (0 = off): run with {@code -t 1} and {@code -t 2} to see what the caches save when threads share the pool.
     */
    @State(Scope.Benchmark)
    public static class SharedPoolState {

        /** Blocks per thread cache; 0 turns caching off. */
        @Param({"0", "8", "32", "128"})
        public int cache;

        FixedBlockPool pool;
        final Layout layout = Layout.of(64, 64);

        /** Builds the pool. */
        @Setup(Level.Trial)
        public void open() {
            pool = FixedBlockPool.builder().blockSize(64).capacity(4096).cache(cache)
                    .backing(Allocators.system(), false).build();
        }

        /** Closes the pool, checking nothing leaked. */
        @TearDown(Level.Trial)
        public void close() {
            if (pool.poolStats().inUse() != 0) {
                throw new IllegalStateException("benchmark leaked blocks: " + pool);
            }
            pool.close();
        }
    }

    /** The block size for the malloc peer. */
    @State(Scope.Thread)
    public static class MallocState {

        /** Bytes per allocation. */
        @Param({"64", "4096"})
        public long size;
    }

    /** The block size for the rpmalloc peer, whose thread is initialized for rpmalloc on setup. */
    @State(Scope.Thread)
    public static class RpmallocState {

        /** Bytes per allocation. */
        @Param({"64", "4096"})
        public long size;

        /** Initializes rpmalloc on the benchmark thread (JMH runs thread-scoped setups there). */
        @Setup(Level.Trial)
        public void open() {
            Rpmalloc.initThread();
        }
    }

    /** A pool per benchmark thread and a {@link LocalCache} of it made on that thread. */
    @State(Scope.Thread)
    public static class LocalState {

        /** Bytes per block. */
        @Param({"64", "4096"})
        public long size;

        FixedBlockPool pool;
        LocalCache cache;
        Layout layout;

        /** Builds the pool and the cache, on the benchmark thread. */
        @Setup(Level.Trial)
        public void open() {
            pool = FixedBlockPool.builder().blockSize(size).capacity(1024).backing(Allocators.system(), false)
                    .build();
            cache = pool.localCache();
            layout = Layout.of(size, pool.alignment());
        }

        /** Closes the cache and the pool, checking nothing leaked. */
        @TearDown(Level.Trial)
        public void close() {
            cache.close();
            if (pool.poolStats().inUse() != 0) {
                throw new IllegalStateException("benchmark leaked blocks: " + pool);
            }
            pool.close();
        }
    }

    /** A pool of 64 blocks of 64 B, every one held by the benchmark thread: {@code tryAllocate} returns null. */
    @State(Scope.Thread)
    public static class ExhaustedState {

        /** Blocks per thread cache; 0 turns caching off. */
        @Param({"0", "32"})
        public int cache;

        FixedBlockPool pool;
        final Layout layout = Layout.of(64, 64);
        final int[] held = new int[64];

        /** Builds the pool and takes every block. */
        @Setup(Level.Trial)
        public void open() {
            pool = FixedBlockPool.builder().blockSize(64).capacity(held.length).cache(cache)
                    .backing(Allocators.system(), false).build();
            if (pool.indexes().acquire(held, 0, held.length) != held.length) {
                throw new IllegalStateException("could not take every block: " + pool);
            }
        }

        /** Gives the blocks back and closes the pool. */
        @TearDown(Level.Trial)
        public void close() {
            pool.indexes().release(held, 0, held.length);
            pool.close();
        }
    }

    /** Allocate and free through the {@code Allocator} interface. */
    @Benchmark
    public void poolAllocator(PoolState state) {
        final MemorySegment segment = state.pool.allocate(state.layout);
        segment.set(JAVA_LONG, 0, 1L);
        state.pool.deallocate(segment, state.layout);
    }

    /** Allocate and free 64 B through the {@code Allocator} interface of a pool all benchmark threads share. */
    @Benchmark
    public void sharedPoolAllocator(SharedPoolState state) {
        final FixedBlockPool pool = state.pool;
        final MemorySegment segment = pool.allocate(state.layout);
        segment.set(JAVA_LONG, 0, 1L);
        pool.deallocate(segment, state.layout);
    }

    /** Acquire and release by index. */
    @Benchmark
    public void poolIndex(PoolState state) {
        final BlockIndexes indexes = state.indexes;
        final int index = indexes.acquire();
        indexes.segment(index).set(JAVA_LONG, 0, 1L);
        indexes.release(index);
    }

    /** {@value #BATCH} blocks per list operation, reported per block. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void poolBulk(PoolState state) {
        final BlockIndexes indexes = state.indexes;
        final int[] batch = state.batch;
        final int n = indexes.acquire(batch, 0, BATCH);
        for (int i = 0; i < n; i++) {
            indexes.segment(batch[i]).set(JAVA_LONG, 0, 1L);
        }
        indexes.release(batch, 0, n);
    }

    /** Allocate and free through the benchmark thread's {@link LocalCache}. */
    @Benchmark
    public void localCache(LocalState state) {
        final LocalCache cache = state.cache;
        final MemorySegment segment = cache.allocate(state.layout);
        segment.set(JAVA_LONG, 0, 1L);
        cache.deallocate(segment, state.layout);
    }

    /** {@code tryAllocate} on an exhausted pool: null, counted as an exhaustion. */
    @Benchmark
    public MemorySegment tryAllocateExhausted(ExhaustedState state) {
        return state.pool.tryAllocate(state.layout);
    }

    /** {@link #sharedPoolAllocator} with JMH's benchmark threads virtual. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.UNSAFE_ALLOWED, Jvm.HEAP, Jvm.HEAP_MAX,
            "-Djmh.executor=VIRTUAL"})
    public void sharedPoolAllocatorVirtual(SharedPoolState state) {
        sharedPoolAllocator(state);
    }

    /** {@link #malloc} with JMH's benchmark threads virtual. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.UNSAFE_ALLOWED, Jvm.HEAP, Jvm.HEAP_MAX,
            "-Djmh.executor=VIRTUAL"})
    public void mallocVirtual(MallocState state) {
        malloc(state);
    }

    /** The peer: rpmalloc and rpfree through LWJGL. */
    @Benchmark
    public void rpmalloc(RpmallocState state) {
        final long address = Rpmalloc.malloc(state.size);
        Malloc.MEMORY.set(JAVA_LONG, address, 1L);
        Rpmalloc.free(address);
    }

    /** The peer: malloc and free through the FFM Linker. */
    @Benchmark
    public void malloc(MallocState state) {
        final long address = Malloc.malloc(state.size);
        Malloc.MEMORY.set(JAVA_LONG, address, 1L);
        Malloc.free(address);
    }
}
