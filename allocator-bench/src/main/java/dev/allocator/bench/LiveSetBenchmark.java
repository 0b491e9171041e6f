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
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Whether the cost of an allocation and of a free grows with the memory an allocator holds: 4 KiB blocks, a live set
 * of {@code live} bytes per thread (1 MiB, 64 MiB, 1 GiB), {@code sizeclasses > system} ({@code spec}) against malloc
 * in the same run.
 *
 * <p>Each thread holds its live set in a ring of blocks, oldest first. One operation is one step of that thread's
 * cycle, by {@code pattern}:
 * <ul>
 *   <li>{@code ring}: the live set is filled once before measuring; an operation frees the oldest block and allocates
 *       a new one in its place (and writes it), so the live set stays at {@code live}: the cost of one free plus one
 *       allocate with that much live.</li>
 *   <li>{@code fillDrain}: an operation is either one allocate (and write) while the ring fills up to {@code live},
 *       or one free, oldest first, while it drains back to empty; then the cycle starts again. The score is the mean
 *       of an allocate and a free over live sets from 0 to {@code live}, slab growth included.</li>
 * </ul>
 * Two peers: {@code malloc} holds raw addresses in a {@code long[]}, as C would; {@code mallocSegments} holds each
 * malloc'd block as a {@link MemorySegment} in a {@code MemorySegment[]} and writes through it, exactly as
 * {@code spec} does, so that the difference between it and {@code spec} is the allocator alone. Holding a large live
 * set of segment objects costs every FFM user something a {@code long[]} does not: a cold object load before each
 * free, and G1's card-marking barrier (with its StoreLoad fence) on each store of a new segment into the old-generation
 * array, which waits for the preceding write to the cold block.
 * <p>
 * Target (issue 17): the score at 1 GiB no more than 1.5 times the score at 1 MiB, and no more than malloc's at the
 * same live size. The fork gets {@code -Xmx2g}: {@code sizeclasses} keeps under 100 B of heap per block, so two
 * threads' 1 GiB of 4 KiB blocks (2 x 262,144 blocks) fit with the ring arrays; {@code -t 2} needs 2 GiB of native
 * memory per allocator for the 1 GiB case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX, Jvm.PRE_TOUCH})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LiveSetBenchmark {

    private static final long BLOCK = 4096;
    private static final Layout LAYOUT = Layout.of(BLOCK);

    /** The live set and the cycle, per thread. */
    @State(Scope.Thread)
    public static class Ring {
        @Param({"1048576", "67108864", "1073741824"})
        public long live;
        @Param({"ring", "fillDrain"})
        public String pattern;
        int blocks;
        int next;
        boolean filling;
        /** Whether a step frees and allocates ({@code ring}) or does one of them ({@code fillDrain}). */
        boolean steady;

        @Setup(Level.Trial)
        public void size() {
            blocks = Math.toIntExact(live / BLOCK);
            steady = pattern.equals("ring");
            filling = true;
        }

        /** The slot of this step; at the end of the ring, starts the next pass (and turns fill into drain). */
        int advance() {
            final int slot = next;
            if (++next == blocks) {
                next = 0;
                filling = steady || !filling;
            }
            return slot;
        }
    }

    /** The allocator under test, opened from {@code spec} and shared by the threads. */
    @State(Scope.Benchmark)
    public static class SizeClasses {
        @Param({"sizeclasses > system"})
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

    /** One thread's ring of size-class blocks; what it holds at the end goes back when the allocator closes. */
    @State(Scope.Thread)
    public static class SizeClassRing {
        MemorySegment[] held;

        @Setup(Level.Trial)
        public void fill(SizeClasses shared, Ring ring) {
            held = new MemorySegment[ring.blocks];
            if (ring.steady) {
                for (int i = 0; i < held.length; i++) {
                    held[i] = shared.allocator.allocate(LAYOUT);
                }
            }
        }
    }

    /** One thread's ring of malloc'd blocks. */
    @State(Scope.Thread)
    public static class MallocRing {
        long[] held;

        @Setup(Level.Trial)
        public void fill(Ring ring) {
            held = new long[ring.blocks];
            if (ring.steady) {
                for (int i = 0; i < held.length; i++) {
                    held[i] = Malloc.malloc(BLOCK);
                }
            }
        }

        @TearDown(Level.Trial)
        public void drain() {
            for (long address : held) {
                if (address != 0) {
                    Malloc.free(address);
                }
            }
        }
    }

    /** One thread's ring of malloc'd blocks, each held as a segment (see the class comment). */
    @State(Scope.Thread)
    public static class MallocSegmentRing {
        MemorySegment[] held;

        @Setup(Level.Trial)
        public void fill(Ring ring) {
            held = new MemorySegment[ring.blocks];
            if (ring.steady) {
                for (int i = 0; i < held.length; i++) {
                    held[i] = segmentOf(Malloc.malloc(BLOCK));
                }
            }
        }

        @TearDown(Level.Trial)
        public void drain() {
            for (MemorySegment segment : held) {
                if (segment != null) {
                    Malloc.free(segment.address());
                }
            }
        }
    }

    /** The segment of a malloc'd 4 KiB block, in the global scope (as the FFM API gives a native pointer). */
    static MemorySegment segmentOf(long address) {
        return MemorySegment.ofAddress(address).reinterpret(BLOCK);
    }

    @Benchmark
    public long spec(SizeClasses shared, SizeClassRing blocks, Ring ring) {
        final Allocator allocator = shared.allocator;
        final boolean steady = ring.steady;
        final boolean filling = ring.filling;
        final int slot = ring.advance();
        final MemorySegment[] held = blocks.held;
        if (steady || !filling) {
            allocator.deallocate(held[slot], LAYOUT);
            held[slot] = null;
        }
        if (steady || filling) {
            final MemorySegment segment = allocator.allocate(LAYOUT);
            segment.set(ValueLayout.JAVA_LONG, 0, slot);
            held[slot] = segment;
            return segment.address();
        }
        return slot;
    }

    @Benchmark
    public long malloc(MallocRing blocks, Ring ring) {
        final boolean steady = ring.steady;
        final boolean filling = ring.filling;
        final int slot = ring.advance();
        final long[] held = blocks.held;
        if (steady || !filling) {
            Malloc.free(held[slot]);
            held[slot] = 0;
        }
        if (steady || filling) {
            final long address = Malloc.malloc(BLOCK);
            Malloc.MEMORY.set(ValueLayout.JAVA_LONG, address, slot);
            held[slot] = address;
            return address;
        }
        return slot;
    }

    @Benchmark
    public long mallocSegments(MallocSegmentRing blocks, Ring ring) {
        final boolean steady = ring.steady;
        final boolean filling = ring.filling;
        final int slot = ring.advance();
        final MemorySegment[] held = blocks.held;
        if (steady || !filling) {
            Malloc.free(held[slot].address());
            held[slot] = null;
        }
        if (steady || filling) {
            final MemorySegment segment = segmentOf(Malloc.malloc(BLOCK));
            segment.set(ValueLayout.JAVA_LONG, 0, slot);
            held[slot] = segment;
            return segment.address();
        }
        return slot;
    }
}
