package dev.allocator.bench.registry;

import dev.allocator.bench.Jvm;
import dev.allocator.bench.Malloc;
import dev.allocator.system.internal.LiveTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system allocator's registry designs, each around the same {@code malloc}, one write and {@code free} as the
 * {@code malloc} row: what a registry adds per allocate + free. One registry per trial, shared by all threads
 * ({@link Scope#Benchmark}): run with {@code -t 1} and {@code -t 2}.
 * <ul>
 *   <li>{@code striped}: the system allocator's {@link LiveTable}, a spin lock per stripe, counts under it.</li>
 *   <li>{@code lockFree}: {@link LockFreeTable}, one CAS per add and per remove, counts in {@code LongAdder}s.</li>
 *   <li>{@code concurrentHashMap}: the previous design, a {@code ConcurrentHashMap<Long, Long>} (boxed keys).</li>
 * </ul>
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar RegistryBenchmark -t 2 -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegistryBenchmark {

    static final long VALUE = 0x5A5A_5A5A_5A5A_5A5AL;

    /** The registries, one of each per trial, shared by all threads; and the block size. */
    @State(Scope.Benchmark)
    public static class Registries {
        @Param({"64", "4096"})
        public int size;
        final LiveTable striped = new LiveTable();
        final LockFreeTable lockFree = new LockFreeTable();
        final ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>();
    }

    @Benchmark
    public long malloc(Registries r) {
        long address = Malloc.malloc(r.size);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        Malloc.free(address);
        return address;
    }

    @Benchmark
    public long striped(Registries r) {
        final long size = r.size;
        long address = Malloc.malloc(size);
        r.striped.add(address, size);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        if (r.striped.remove(address, size) != size) {
            throw new AssertionError("not live: " + address);
        }
        Malloc.free(address);
        return address;
    }

    @Benchmark
    public long lockFree(Registries r) {
        final long size = r.size;
        long address = Malloc.malloc(size);
        r.lockFree.add(address, size);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        if (r.lockFree.remove(address, size) != size) {
            throw new AssertionError("not live: " + address);
        }
        Malloc.free(address);
        return address;
    }

    @Benchmark
    public long concurrentHashMap(Registries r) {
        final long size = r.size;
        long address = Malloc.malloc(size);
        r.map.put(address, size);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        if (!r.map.remove(address, size)) {
            throw new AssertionError("not live: " + address);
        }
        Malloc.free(address);
        return address;
    }
}
