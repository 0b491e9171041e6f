package dev.allocator.pool;

import dev.allocator.api.Layout;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model checking of {@link BlockIndexes#segment}'s lazily built table (the table installed by one CAS, each slot
 * filled by CAS on its block's first call): every call for one block, from any thread and in any interleaving, must
 * return the same segment object, over the right block. Each operation reports whether its segment is the first one
 * seen for that block and starts at the block's address; sequentially that always holds. The same scenarios run over
 * {@link PlainSegmentTable} (plain writes instead of CAS), which Lincheck must reject.
 */
class SegmentTableLincheckTest {

    static final int CAPACITY = 2;
    static final long BLOCK = 16;

    /** The pool's own table, through {@link FixedBlockPool#indexes()}. */
    @Param(name = "index", gen = IntGen.class, conf = "0:1")
    public static class Real {
        private final FixedBlockPool pool = FixedBlockPool.builder().block(Layout.of(BLOCK, 8)).capacity(CAPACITY)
                .backing(AutoBacking.INSTANCE, false).build();
        private final BlockIndexes blocks = pool.indexes();
        private final AtomicReferenceArray<MemorySegment> first = new AtomicReferenceArray<>(CAPACITY);

        @Operation
        public boolean segment(@Param(name = "index") int index) {
            MemorySegment segment = blocks.segment(index);
            first.compareAndSet(index, null, segment);
            return first.get(index) == segment && blocks.indexOf(segment) == index
                    && segment.byteSize() == BLOCK;
        }
    }

    /** The broken table, same operation. */
    @Param(name = "index", gen = IntGen.class, conf = "0:1")
    public static class Plain {
        private final MemorySegment slab = Arena.ofAuto().allocate(CAPACITY * BLOCK, 8);
        private final PlainSegmentTable table = new PlainSegmentTable(slab, BLOCK, CAPACITY);
        private final AtomicReferenceArray<MemorySegment> first = new AtomicReferenceArray<>(CAPACITY);

        @Operation
        public boolean segment(@Param(name = "index") int index) {
            MemorySegment segment = table.segment(index);
            first.compareAndSet(index, null, segment);
            return first.get(index) == segment && segment.address() == slab.address() + index * BLOCK
                    && segment.byteSize() == BLOCK;
        }
    }

    /** Both threads ask for blocks 0 and 1 at once: each block's first call races, the race the CASes are for. */
    private static ExecutionScenario firstCallRace(Class<?> type) {
        try {
            var segment = type.getMethod("segment", int.class);
            List<Actor> each = List.of(Pools.actor(segment, 0), Pools.actor(segment, 1));
            return new ExecutionScenario(List.of(), List.of(each, each), List.of(), null);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static ModelCheckingOptions options(Class<?> type) {
        return new ModelCheckingOptions()
                .iterations(Integer.getInteger("pool.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("pool.lincheck.invocations", 500))
                .threads(2).actorsPerThread(2).actorsBefore(0).actorsAfter(1)
                .addCustomScenario(firstCallRace(type));
    }

    @Test
    void shouldHandOutOneSegmentObjectPerBlock() {
        options(Real.class).check(Real.class);
    }

    @Test
    void shouldCatchATableFilledByPlainWrites() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class, () -> new ModelCheckingOptions()
                .iterations(0).invocationsPerIteration(500).addCustomScenario(firstCallRace(Plain.class))
                .check(Plain.class));
        assertTrue(e.getMessage().contains("Invalid execution results"), e.getMessage());
        System.out.println("Lincheck's report on the plain-write table (expected):\n" + e.getMessage());
    }
}
