package dev.allocator.compose.sizeclasses;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.pool.Wipe;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Model checking of one size class's slab structure (current slab, stack of listed slabs, page table, retire): slabs
 * of 8 blocks, the first one filled before the scenario, so that within a few operations an allocation finds the
 * current slab full and switches (grows), frees of the first slab's blocks race that switch and list the slab again,
 * and trim retires an empty slab while others allocate and free. Thread caches are off, so "a slab has a free block"
 * is exact. After each run, {@link #shouldLeaveEveryFreeBlockFindable()} checks the structure's invariants: no block
 * is held twice, the stats match the blocks held, every slab with a free block is current or listed (no lost
 * wake-up), every held block frees, and then every slab retires.
 */
@Param(name = "block", gen = IntGen.class, conf = "0:7")
public class SizeClassLincheckTest {

    private static final Layout SMALL = Layout.of(16);
    private static final int FIRST = 8;

    private final SizeClassAllocator allocator = new SizeClassAllocator(GcBacking.INSTANCE, 16, 16 * FIRST, 0,
            Wipe.NONE, true, true, 0);
    private final MemorySegment[] first = new MemorySegment[FIRST];
    private final AtomicIntegerArray freed = new AtomicIntegerArray(FIRST);
    private final AtomicReferenceArray<MemorySegment> taken = new AtomicReferenceArray<>(16);
    private final AtomicInteger takenCount = new AtomicInteger();

    public SizeClassLincheckTest() {
        for (int i = 0; i < FIRST; i++) {
            first[i] = allocator.allocate(SMALL);
        }
    }

    /** Takes a block and keeps it. */
    @Operation
    public boolean allocate() {
        taken.set(takenCount.getAndIncrement(), allocator.allocate(SMALL));
        return true;
    }

    /** Frees a block of the first slab, unless an earlier operation freed it (double frees are tested elsewhere). */
    @Operation
    public boolean free(@Param(name = "block") int block) {
        if (freed.getAndSet(block, 1) != 0) {
            return false;
        }
        allocator.deallocate(first[block], SMALL);
        return true;
    }

    /** Takes a block and gives it back at once, so the slab it came from may be empty for trim. */
    @Operation
    public boolean allocateAndFree() {
        allocator.deallocate(allocator.allocate(SMALL), SMALL);
        return true;
    }

    /** Retires every empty slab. */
    @Operation
    public void trim() {
        allocator.trim();
    }

    @Validate
    public void shouldLeaveEveryFreeBlockFindable() {
        Set<Long> held = new HashSet<>();
        for (int i = 0; i < FIRST; i++) {
            if (freed.get(i) == 0 && !held.add(first[i].address())) {
                throw new AssertionError("block held twice: " + first[i]);
            }
        }
        for (int i = 0; i < takenCount.get(); i++) {
            if (!held.add(taken.get(i).address())) {
                throw new AssertionError("block handed out while held: " + taken.get(i));
            }
        }
        AllocatorStats stats = allocator.stats();
        if (stats.bytesInUse() != SMALL.size() * held.size()
                || stats.allocations() - stats.deallocations() != held.size()) {
            throw new AssertionError("stats " + stats + " with " + held.size() + " blocks held");
        }
        SizeClass sizeClass = allocator.sizeClass(0);
        for (ClassSlab slab : sizeClass.slabs()) {
            if (slab.pool.poolStats().free() > 0 && !sizeClass.findable(slab)) {
                throw new AssertionError("a slab with a free block is neither current nor listed: state "
                        + slab.state() + ", " + slab.pool.poolStats());
            }
        }
        for (int i = 0; i < FIRST; i++) {
            if (freed.get(i) == 0) {
                allocator.deallocate(first[i], SMALL);
            }
        }
        for (int i = 0; i < takenCount.get(); i++) {
            allocator.deallocate(taken.get(i), SMALL);
        }
        allocator.trim();
        if (allocator.slabCount() != 0 || allocator.stats().bytesInUse() != 0) {
            throw new AssertionError("after freeing every block and a trim: " + allocator);
        }
    }

    /** The race of a switch: one thread finds the current slab full while another frees one of its blocks. */
    @Test
    void shouldNeverLoseABlockFreedWhileTheCurrentSlabFillsUp() {
        check(scenario(List.of(), List.of(actor("allocate")), List.of(actor("free", 3))));
    }

    /** Retire racing allocation: trim judges the second slab (current, empty) idle while a thread takes from it. */
    @Test
    void shouldNeverRetireASlabThatHasABlockInUse() {
        check(scenario(List.of(actor("allocateAndFree")), List.of(actor("allocate"), actor("free", 0)),
                List.of(actor("trim"))));
    }

    /** Random scenarios of every operation; 0 iterations unless {@code -Dsizeclasses.lincheck.iterations} says. */
    @Test
    void shouldKeepItsInvariantsUnderRandomScenarios() {
        options().iterations(Integer.getInteger("sizeclasses.lincheck.iterations", 0))
                .invocationsPerIteration(Integer.getInteger("sizeclasses.lincheck.invocations", 50))
                .threads(2).actorsPerThread(3).check(SizeClassLincheckTest.class);
    }

    private static void check(ExecutionScenario scenario) {
        options().iterations(0).invocationsPerIteration(Integer.getInteger("sizeclasses.lincheck.invocations", 50))
                .addCustomScenario(scenario).check(SizeClassLincheckTest.class);
    }

    private static ModelCheckingOptions options() {
        // the pool's own operations are model-checked by its tests: here each is one step
        return new ModelCheckingOptions().addGuarantee(ManagedStrategyGuaranteeKt
                .forClasses(name -> name.startsWith("dev.allocator.pool")).allMethods().treatAsAtomic());
    }

    private static ExecutionScenario scenario(List<Actor> before, List<Actor> first, List<Actor> second) {
        return new ExecutionScenario(before, List.of(first, second), List.of(), null);
    }

    private static Actor actor(String operation, int... args) {
        try {
            Method method = args.length == 0 ? SizeClassLincheckTest.class.getMethod(operation)
                    : SizeClassLincheckTest.class.getMethod(operation, int.class);
            List<Object> arguments = new ArrayList<>();
            for (int arg : args) {
                arguments.add(arg);
            }
            return new Actor(method, arguments, false, false, false, false, false);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
