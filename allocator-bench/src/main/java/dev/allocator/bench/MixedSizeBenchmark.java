package dev.allocator.bench;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import io.netty.buffer.ByteBuf;
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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A mixed-size workload: sizes drawn from 16 B to 4 KiB with a fixed seed per thread, one allocate and one free per
 * operation. Compares the general-purpose allocator ({@code sizeclasses}) and each wrapper over it against malloc
 * through the Linker and Netty's pooled direct buffers, in the same run. Run with {@code -t 1} and {@code -t 2}, and
 * {@code -prof gc} for heap bytes per operation. The heap is pre-touched ({@link Jvm#PRE_TOUCH}): Netty's rows, and
 * {@code system}'s on two threads, allocate on the heap, and without it they measure the kernel zeroing fresh pages
 * (perfasm, {@code system} on 2 threads: a quarter of the samples in the kernel).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED, Jvm.HEAP,
        Jvm.HEAP_MAX, Jvm.PRE_TOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MixedSizeBenchmark {

    private static final int SIZES = 4096;
    private static final long SEED = 20261125L;

    /** The sizes one thread cycles through, drawn once with a fixed seed; layouts made up front. */
    @State(Scope.Thread)
    public static class Workload {
        final Layout[] layouts = new Layout[SIZES];
        final int[] sizes = new int[SIZES];
        int next;

        @Setup
        public void draw() {
            SplittableRandom random = new SplittableRandom(SEED + Thread.currentThread().threadId());
            for (int i = 0; i < SIZES; i++) {
                sizes[i] = random.nextInt(16, 4097);
                layouts[i] = Layout.of(sizes[i]);
            }
        }

        int nextIndex() {
            int i = next;
            next = (i + 1) & (SIZES - 1);
            return i;
        }
    }

    /** One allocator opened from a spec, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Spec {
        @Param({"sizeclasses > system", "budget(limit=1GiB) > sizeclasses > system",
                "stats(jmx=false) > sizeclasses > system", "checked > sizeclasses > system",
                "checked(sites=true) > sizeclasses > system", "system"})
        public String spec;
        Allocator allocator;

        @Setup(Level.Trial)
        public void open() {
            allocator = Allocators.open(spec);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    @Benchmark
    public long spec(Spec state, Workload workload) {
        final Allocator allocator = state.allocator;
        final Layout layout = workload.layouts[workload.nextIndex()];
        MemorySegment segment = allocator.allocate(layout);
        segment.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42L);
        long address = segment.address();
        allocator.deallocate(segment, layout);
        return address;
    }

    @Benchmark
    public long mallocFree(Workload workload) {
        long address = Malloc.malloc(workload.sizes[workload.nextIndex()]);
        Malloc.MEMORY.set(ValueLayout.JAVA_LONG_UNALIGNED, address, 42L);
        Malloc.free(address);
        return address;
    }

    @Benchmark
    public int nettyPooled(Workload workload) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(workload.sizes[workload.nextIndex()]);
        buffer.setLong(0, 42L);
        int capacity = buffer.capacity();
        buffer.release();
        return capacity;
    }
}
