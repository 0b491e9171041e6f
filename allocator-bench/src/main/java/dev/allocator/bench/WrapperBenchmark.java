package dev.allocator.bench;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
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

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the {@code budget} and {@code stats} wrappers add to an allocation + free of 64 B, on one thread and on
 * several threads sharing one allocator. The {@code spec} of each row, at one thread count:
 * <ul>
 *   <li>{@code pool(blockSize=64, capacity=65536) > system} alone, the base. The pool is the base because it scales
 *       by itself (each platform thread takes and frees through a lane of its own), so whatever grows with the thread
 *       count in the other rows is the wrapper's;</li>
 *   <li>{@code budget(limit=1GiB) > pool(...)}: the same pool under a byte limit;</li>
 *   <li>{@code stats(jmx=false) > pool(...)}: the same pool with counters.</li>
 * </ul>
 * The wrapped rows over the pool allocate 40 B per operation (the pool's segment escapes: see docs/profiling.md), so
 * forks pre-touch the heap: otherwise the first pass through a fresh heap measures the kernel zeroing its pages.
 * What a wrapper adds is its row minus the base (the report's "what each wrapper costs" table); run with {@code -t 1} and {@code -t 2} (the {@code -Pfull-bench}
 * profile does both) and compare the differences. The allocator is shared by all threads ({@link Scope#Benchmark}).
 *
 * {@snippet lang = "shell" :
 * java --enable-native-access=ALL-UNNAMED -jar allocator-bench/target/benchmarks.jar WrapperBenchmark -t 2 -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX, Jvm.PRE_TOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class WrapperBenchmark {

    /** The base every row allocates from. */
    static final String BASE = Specs.pool(64, 65536);

    /** Bytes per allocation. */
    static final Layout LAYOUT = Layout.of(64, Long.BYTES);

    /** The row: the base alone, or a wrapper over it (the values must stay {@link #BASE} and wrappers over it). */
    @Param({"pool(blockSize=64, capacity=65536) > system", "budget(limit=1GiB) > pool(blockSize=64, capacity=65536) > "
            + "system", "stats(jmx=false) > pool(blockSize=64, capacity=65536) > system"})
    public String spec;

    private Allocator allocator;

    /** Opens the row's allocator, shared by every benchmark thread. */
    @Setup(Level.Trial)
    public void open() {
        if (!spec.endsWith(BASE)) {
            throw new IllegalArgumentException("the spec must end with the base " + BASE + ": spec=" + spec);
        }
        allocator = Allocators.open(spec);
    }

    /** Closes it. */
    @TearDown(Level.Trial)
    public void close() {
        allocator.close();
    }

    /** One allocation, one write, one free. */
    @Benchmark
    public long spec() {
        final Allocator allocator = this.allocator;
        MemorySegment block = allocator.allocate(LAYOUT);
        block.set(JAVA_LONG, 0, 1L);
        allocator.deallocate(block, LAYOUT);
        return block.address();
    }
}
