package dev.allocator.bench;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.arrow.SegmentAllocationManager;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.netty.NettyAllocationManager;
import org.apache.arrow.memory.unsafe.UnsafeAllocationManager;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Building an Arrow vector of {@code rows} values (allocate, set every value, read one, close) through Arrow's
 * {@code RootAllocator} with each allocation manager: ours ({@code SegmentAllocationManager.factory}) over a pool
 * ({@code pool}) and over {@code sizeclasses > system} ({@code sizeclasses}), against Arrow's own Netty
 * ({@code netty}) and Unsafe ({@code unsafe}) managers. {@code intVector} is one Arrow allocation (validity and values
 * share it); {@code varCharVector} two (validity with offsets, then the data) of 8-byte strings. One root allocator
 * per thread ({@link Scope#Thread}); run with {@code -prof gc} for heap bytes per operation. The forks get
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}, which Arrow needs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED,
        ArrowBenchmark.ADD_OPENS_NIO, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ArrowBenchmark {

    /** Arrow's memory module reads direct buffers' fields: it needs java.nio opened. */
    static final String ADD_OPENS_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    /** The allocation manager under test and a root allocator over it, one per thread. */
    @State(Scope.Thread)
    public static class Manager {
        @Param({"pool", "sizeclasses", "netty", "unsafe"})
        public String manager;
        @Param({"1024", "16384"})
        public int rows;
        Allocator allocator;
        BufferAllocator arrow;
        final byte[][] strings = new byte[16][];

        @Setup(Level.Trial)
        public void open() {
            // Initializes Arrow's allocator classes (and their default manager) before a manager class is touched:
            // UnsafeAllocationManager's initialization needs them initialized, else it sees a null default.
            var config = RootAllocator.configBuilder();
            AllocationManager.Factory factory = switch (manager) {
                case "pool" -> SegmentAllocationManager.factory(
                        allocator = Allocators.open(Specs.pool(256 << 10, 16)));
                case "sizeclasses" -> SegmentAllocationManager.factory(
                        allocator = Allocators.open("sizeclasses > " + Specs.system()));
                case "netty" -> NettyAllocationManager.FACTORY;
                case "unsafe" -> UnsafeAllocationManager.FACTORY;
                default -> throw new IllegalArgumentException("manager must be pool, sizeclasses, netty or unsafe: "
                        + "manager=" + manager);
            };
            arrow = new RootAllocator(config.allocationManagerFactory(factory).build());
            for (int i = 0; i < strings.length; i++) {
                strings[i] = ("name-%03d".formatted(i)).substring(0, 8).getBytes(StandardCharsets.US_ASCII);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            arrow.close();
            if (allocator != null) {
                allocator.close();
            }
        }
    }

    @Benchmark
    public int intVector(Manager m) {
        try (IntVector vector = new IntVector("ids", m.arrow)) {
            final int rows = m.rows;
            vector.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                vector.set(i, i);
            }
            vector.setValueCount(rows);
            return vector.get(rows - 1);
        }
    }

    @Benchmark
    public int varCharVector(Manager m) {
        try (VarCharVector vector = new VarCharVector("names", m.arrow)) {
            final int rows = m.rows;
            vector.allocateNew(8L * rows, rows);
            for (int i = 0; i < rows; i++) {
                vector.set(i, m.strings[i & 15]);
            }
            vector.setValueCount(rows);
            return vector.getValueLength(rows - 1);
        }
    }
}
