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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system allocator against raw {@code malloc} through a critical downcall, one allocate, one write, one free:
 * {@code system} with every check (its registry of live blocks), {@code systemTrackOff} with {@code track=false}
 * (frees trusted, as C's {@code free} does), {@code malloc}, and {@code mallocTwoAtomics}: malloc and free with one
 * uncontended compare-and-set after the malloc and one before the free, on a word of the thread's own: the floor of
 * any registry that tells which of two racing frees of a block wins (one atomic per allocate, one per free). The
 * allocators are opened by spec, called through the {@link Allocator} interface and shared by all threads
 * ({@link Scope#Benchmark}): run with {@code -t 1} and
 * {@code -t 2}, with {@code -prof gc} for the heap bytes per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SystemBenchmark {

    static final long VALUE = 0x5A5A_5A5A_5A5A_5A5AL;

    /** Both system allocators and the block size, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Systems {
        @Param({"64", "4096"})
        public int size;
        Allocator tracked;
        Allocator trusting;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            tracked = Allocators.open(Specs.system());
            trusting = Allocators.open("system(track=false)");
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            tracked.close();
            trusting.close();
        }
    }

    @Benchmark
    public long malloc(Systems s) {
        long address = Malloc.malloc(s.size);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        Malloc.free(address);
        return address;
    }

    /** A word per thread for {@link #mallocTwoAtomics}, alone on its cache lines. */
    @State(Scope.Thread)
    public static class Word {
        static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
        static final int AT = 16;
        final long[] words = new long[2 * AT];
    }

    @Benchmark
    public long mallocTwoAtomics(Systems s, Word w) {
        long address = Malloc.malloc(s.size);
        boolean added = Word.WORDS.compareAndSet(w.words, Word.AT, 0L, address);
        Malloc.MEMORY.set(JAVA_LONG, address, VALUE);
        boolean removed = Word.WORDS.compareAndSet(w.words, Word.AT, address, 0L);
        Malloc.free(address);
        return added & removed ? address : -address;
    }

    @Benchmark
    public long system(Systems s) {
        return pair(s.tracked, s.layout);
    }

    @Benchmark
    public long systemTrackOff(Systems s) {
        return pair(s.trusting, s.layout);
    }

    private static long pair(Allocator allocator, Layout layout) {
        MemorySegment block = allocator.allocate(layout);
        block.set(JAVA_LONG, 0, VALUE);
        allocator.deallocate(block, layout);
        return block.address();
    }
}
