package dev.allocator.bench.footprint;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.bench.Specs;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Heap bytes a pool keeps per block: heap in use after a full GC with an open pool of {@code capacity} blocks, minus
 * heap in use before it was opened, divided by {@code capacity}.
 *
 * <p>An approximation: {@link java.lang.management.MemoryMXBean} reports heap in use at a granularity the collector
 * chooses, and other threads of the JVM may allocate meanwhile. Large capacities make both errors small per block.
 * Every block is allocated and freed once before measuring, so lazily built structures (per-thread caches) count.
 * Run it alone: {@code java -cp allocator-bench/target/benchmarks.jar dev.allocator.bench.footprint.PoolFootprint}.
 */
public final class PoolFootprint {

    /** Block size used for every measurement. */
    public static final long BLOCK_SIZE = 64;

    /** The capacities measured. */
    public static final List<Long> CAPACITIES = List.of(1_024L, 65_536L, 1_048_576L);

    /**
     * One measurement.
     *
     * @param spec          the spec the pool was opened with
     * @param capacity      its blocks
     * @param retainedBytes heap in use with the pool open minus heap in use before
     */
    public record Measurement(String spec, long capacity, long retainedBytes) {

        /** @return retained heap bytes per block */
        public double bytesPerBlock() {
            return retainedBytes / (double) capacity;
        }
    }

    private PoolFootprint() {
    }

    /**
     * Measures a pool of {@code capacity} blocks of {@link #BLOCK_SIZE} bytes over the system allocator.
     *
     * @param capacity blocks
     * @return the measurement
     * @throws dev.allocator.api.SpecException if no {@code pool} provider is on the class path
     */
    public static Measurement measure(long capacity) {
        String spec = Specs.pool(BLOCK_SIZE, capacity);
        Layout layout = Layout.of(BLOCK_SIZE, Long.BYTES);
        try (Allocator warm = Allocators.open(Specs.pool(BLOCK_SIZE, 16))) {
            warm.deallocate(warm.allocate(layout), layout);
        }
        long before = heapUsedAfterGc();
        Allocator pool = Allocators.open(spec);
        try {
            cycle(pool, layout, capacity);
            long after = heapUsedAfterGc();
            return new Measurement(spec, capacity, after - before);
        } finally {
            Reference.reachabilityFence(pool);
            pool.close();
        }
    }

    private static void cycle(Allocator pool, Layout layout, long capacity) {
        MemorySegment[] blocks = new MemorySegment[Math.toIntExact(capacity)];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = pool.allocate(layout);
        }
        for (int i = 0; i < blocks.length; i++) {
            pool.deallocate(blocks[i], layout);
            blocks[i] = null;
        }
    }

    private static long heapUsedAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * Measures every capacity in {@link #CAPACITIES} and renders them as a Markdown section.
     *
     * @return the section
     */
    public static String markdown() {
        StringBuilder out = new StringBuilder("## Heap per pooled block\n\n"
                + "Heap in use after a full GC with the pool open (every block allocated and freed once), minus heap "
                + "in use before it was opened, per block. An approximation (see `PoolFootprint`); "
                + "measured in the JVM that wrote this report.\n\n"
                + "| spec | blocks | retained heap | heap B/block |\n|---|---:|---:|---:|\n");
        List<Measurement> measurements = new ArrayList<>();
        try {
            for (long capacity : CAPACITIES) {
                measurements.add(measure(capacity));
            }
        } catch (RuntimeException e) {
            return out.append("\nnot measured: ").append(e.getMessage()).append('\n').toString();
        }
        for (Measurement m : measurements) {
            out.append(String.format(Locale.ROOT, "| `%s` | %d | %d B | %.2f |%n", m.spec(), m.capacity(),
                    m.retainedBytes(), m.bytesPerBlock()));
        }
        return out.toString();
    }

    /**
     * Prints {@link #markdown()}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
