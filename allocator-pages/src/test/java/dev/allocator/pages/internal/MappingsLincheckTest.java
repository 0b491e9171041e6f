package dev.allocator.pages.internal;

import dev.allocator.api.Layout;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

/**
 * Model checking of {@link Mappings}: every interleaving of adds, frees (racing frees of one allocation included),
 * ownership checks and a drain (what close does) on two threads must be linearizable to a set of live allocations:
 * of two racing frees exactly one succeeds, and afterwards the counters agree with the set. No memory is
 * mapped: the mappings are records over made-up addresses, each with a shared arena of its own as in the allocators.
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
public class MappingsLincheckTest {

    private final Mappings mappings = new Mappings();
    private final MemorySegment[] segments = new MemorySegment[3];

    @Test
    void shouldBeLinearizable() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("pages.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("pages.lincheck.invocations", 300))
                .threads(2)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1)
                .sequentialSpecification(Model.class)
                .check(MappingsLincheckTest.class);
    }

    /** Adds an allocation in {@code slot} unless one is live there (adds never run in parallel, as mmap never
     * returns a live address twice). */
    @Operation(nonParallelGroup = "adds")
    public boolean add(@Param(name = "slot") int slot) {
        MemorySegment live = segments[slot];
        if (live != null && mappings.owns(live)) {
            return false;
        }
        long address = 0x10_0000L + slot * 0x1000L;
        segments[slot] = mappings.add(new Mapping(address, 4096, address, 4096, address, 64 + slot, 0, 0,
                Arena.ofShared()));
        return true;
    }

    /** Frees the allocation last added in {@code slot}: true when this call freed it. */
    @Operation
    public boolean free(@Param(name = "slot") int slot) {
        MemorySegment segment = segments[slot];
        if (segment == null) {
            return false;
        }
        try {
            mappings.take(segment, Layout.of(segment.byteSize()), "test");
            return true;
        } catch (IllegalStateException doubleFree) {
            return false;
        }
    }

    @Operation
    public boolean owns(@Param(name = "slot") int slot) {
        MemorySegment segment = segments[slot];
        return segment != null && mappings.owns(segment);
    }

    /**
     * Once the threads are done, the counters agree with what is live (while they run, each counter is true at some
     * instant, as {@link dev.allocator.api.AllocatorStats} promises, but not all at one instant).
     */
    @Validate
    public void countersAgreeWithTheLiveAllocations() {
        long live = 0;
        long bytes = 0;
        for (MemorySegment segment : segments) {
            if (segment != null && mappings.owns(segment)) {
                live++;
                bytes += segment.byteSize();
            }
        }
        if (mappings.allocations() - mappings.deallocations() != live || mappings.bytesInUse() != bytes
                || mappings.bytesMapped() != live * 4096) {
            throw new IllegalStateException("counters must agree with the live allocations: live=" + live
                    + ", bytes=" + bytes + ", allocations=" + mappings.allocations() + ", deallocations="
                    + mappings.deallocations() + ", bytesInUse=" + mappings.bytesInUse() + ", bytesMapped="
                    + mappings.bytesMapped());
        }
    }

    /** What close does: removes everything; returns how many it removed. */
    @Operation
    public int drain() {
        int[] removed = new int[1];
        mappings.drain(mapping -> removed[0]++);
        return removed[0];
    }

    /** The sequential specification: the set of live slots. */
    public static class Model {
        private final Set<Integer> live = new HashSet<>();

        public boolean add(int slot) {
            return live.add(slot);
        }

        public boolean free(int slot) {
            return live.remove(slot);
        }

        public boolean owns(int slot) {
            return live.contains(slot);
        }

        public int drain() {
            int removed = live.size();
            live.clear();
            return removed;
        }
    }
}
