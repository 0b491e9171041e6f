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
 * What one allocate, one write and one free cost from the page-level providers, against the system allocator in the
 * same run: {@code system} ({@code malloc}/{@code free}), {@code pages} ({@code mmap}/{@code munmap} and a scope per
 * allocation), {@code secure} (three pages mapped, two {@code mprotect}-ed guards, {@code mlock},
 * {@code MADV_DONTDUMP}, a canary, {@code explicit_bzero}, {@code munlock}, {@code munmap} and a scope closed per
 * free), and {@code poolOverSecure}, how small secrets are meant to be held: blocks of a pool whose one slab is
 * secure memory, wiped on every free. Sizes 32 B (a key) and 4 KiB (a page). Run with {@code -prof gc} for the heap
 * bytes per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PagesBenchmark {

    static final long VALUE = 0x5A5A_5A5A_5A5A_5A5AL;

    /** The allocators and the block size, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Providers {
        @Param({"32", "4096"})
        public int size;
        Allocator system;
        Allocator pages;
        Allocator secure;
        Allocator poolOverSecure;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            system = Allocators.open(Specs.system());
            pages = Allocators.open("pages");
            secure = Allocators.open("secure");
            poolOverSecure = Allocators.open("pool(blockSize=" + size + ", capacity=64, wipe=always) > secure");
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            system.close();
            pages.close();
            secure.close();
            poolOverSecure.close();
        }
    }

    @Benchmark
    public long system(Providers p) {
        return pair(p.system, p.layout);
    }

    @Benchmark
    public long pages(Providers p) {
        return pair(p.pages, p.layout);
    }

    @Benchmark
    public long secure(Providers p) {
        return pair(p.secure, p.layout);
    }

    @Benchmark
    public long poolOverSecure(Providers p) {
        return pair(p.poolOverSecure, p.layout);
    }

    private static long pair(Allocator allocator, Layout layout) {
        MemorySegment block = allocator.allocate(layout);
        block.set(JAVA_LONG, 0, VALUE);
        allocator.deallocate(block, layout);
        return block.address();
    }
}
