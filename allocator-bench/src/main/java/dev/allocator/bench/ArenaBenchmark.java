package dev.allocator.bench;

import dev.allocator.api.Allocators;
import dev.allocator.arena.ArenaOptions;
import dev.allocator.arena.BumpArena;
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
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Nanoseconds per small allocation in a phase-scoped loop: allocate {@value #PHASE} blocks, then end them all at
 * once. Compared in the same run:
 * <ul>
 *   <li>{@code bumpConfined} / {@code bumpShared}: a {@link BumpArena} over the system allocator, {@code reset()}
 *       every {@value #PHASE} allocations (the reset's cost is spread over them);</li>
 *   <li>{@code bumpSharedLongPhase}: the shared arena reset every {@value #LONG_PHASE} allocations, which leaves
 *       mostly the cost of the lock-free bump itself (a shared reset is a handshake of tens of microseconds);</li>
 *   <li>{@code jdkConfinedPerAllocation}: {@code Arena.ofConfined()}, allocate, close, for every block;</li>
 *   <li>{@code jdkConfinedPerPhase}: one {@code Arena.ofConfined()} per phase (malloc per block, close per phase);</li>
 *   <li>{@code jdkSlicing}: {@code SegmentAllocator.slicingAllocator} over a preallocated 1 MiB segment, recreated
 *       every phase (the JDK's cheapest allocator, but it cannot grow and gives no lifetime safety);</li>
 *   <li>{@code resetConfined} / {@code resetShared}: one allocation and one {@code reset()}, i.e. what ending a scope
 *       costs; the shared flavour closes a shared JDK arena, a handshake with every thread.</li>
 * </ul>
 * Every allocation writes one {@code long}, so no implementation hands out memory it never maps, and returns the
 * segment's address rather than the segment: a segment handed to JMH's blackhole escapes, so every row would then
 * pay for a heap object per allocation, while a caller that only uses the segment locally (the case that matters)
 * lets the JIT scalar-replace it. {@code -prof gc} shows which rows manage that (0 B/op).
 *
 * {@snippet lang = "shell" :
 * java --enable-native-access=ALL-UNNAMED -jar allocator-bench/target/benchmarks.jar ArenaBenchmark
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ArenaBenchmark {

    /** Allocations per phase: between two resets. 1024 blocks of 64 B fit one 1 MiB chunk many times over. */
    static final int PHASE = 1024;

    /** Allocations per phase for {@link #bumpSharedLongPhase()}: 4 MiB of 64 B blocks, four chunks. */
    static final int LONG_PHASE = 65536;

    /** Bytes per allocation. */
    @Param({"16", "64"})
    public long size;

    private BumpArena confined;
    private BumpArena shared;
    private Arena jdkPhase;
    private MemorySegment slab;
    private SegmentAllocator slicing;
    private int confinedCount;
    private int sharedCount;
    private int sharedLongCount;
    private int jdkCount;
    private int slicingCount;

    /** Opens every allocator on the benchmark thread (the confined ones are confined to it). */
    @Setup(Level.Trial)
    public void open() {
        ArenaOptions options = ArenaOptions.defaults().withChunkSize(1L << 20);
        confined = BumpArena.ofConfined(Allocators.system(), options);
        shared = BumpArena.ofShared(Allocators.system(), options);
        jdkPhase = Arena.ofConfined();
        slab = Arena.ofAuto().allocate(1L << 20, 64);
        slicing = SegmentAllocator.slicingAllocator(slab);
    }

    /** Closes them. */
    @TearDown(Level.Trial)
    public void close() {
        confined.close();
        shared.close();
        jdkPhase.close();
    }

    /** Bump arena, confined flavour, reset every phase. */
    @Benchmark
    public long bumpConfined() {
        if (++confinedCount == PHASE) {
            confinedCount = 0;
            confined.reset();
        }
        MemorySegment segment = confined.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        return segment.address();
    }

    /** Bump arena, shared flavour (used by one thread), reset every phase. */
    @Benchmark
    public long bumpShared() {
        if (++sharedCount == PHASE) {
            sharedCount = 0;
            shared.reset();
        }
        MemorySegment segment = shared.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        return segment.address();
    }

    /** Bump arena, shared flavour (used by one thread), reset every long phase. */
    @Benchmark
    public long bumpSharedLongPhase() {
        if (++sharedLongCount == LONG_PHASE) {
            sharedLongCount = 0;
            shared.reset();
        }
        MemorySegment segment = shared.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        return segment.address();
    }

    /** A JDK confined arena per allocation: allocate, write, close. */
    @Benchmark
    public long jdkConfinedPerAllocation() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(size, 8);
            segment.set(JAVA_LONG, 0, size);
            return segment.address();
        }
    }

    /** A JDK confined arena per phase: malloc (and zeroing) per allocation, free of everything at close. */
    @Benchmark
    public long jdkConfinedPerPhase() {
        if (++jdkCount == PHASE) {
            jdkCount = 0;
            jdkPhase.close();
            jdkPhase = Arena.ofConfined();
        }
        MemorySegment segment = jdkPhase.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        return segment.address();
    }

    /** The JDK's slicing allocator over a preallocated segment, recreated every phase. */
    @Benchmark
    public long jdkSlicing() {
        if (++slicingCount == PHASE) {
            slicingCount = 0;
            slicing = SegmentAllocator.slicingAllocator(slab);
        }
        MemorySegment segment = slicing.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        return segment.address();
    }

    /** What ending a scope costs, confined: one allocation and one reset (a confined JDK arena closes). */
    @Benchmark
    public long resetConfined() {
        MemorySegment segment = confined.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        confined.reset();
        return segment.address();
    }

    /** What ending a scope costs, shared: one allocation and one reset (a shared JDK arena closes: a handshake). */
    @Benchmark
    public long resetShared() {
        MemorySegment segment = shared.allocate(size, 8);
        segment.set(JAVA_LONG, 0, size);
        shared.reset();
        return segment.address();
    }
}
