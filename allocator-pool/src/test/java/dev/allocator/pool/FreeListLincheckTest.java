package dev.allocator.pool;

import dev.allocator.pool.internal.TaggedFreeList;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The free-list alone under Lincheck, in its real (tagged) form and in the deliberately broken tagless form, with
 * the ABA interleaving written out as a custom scenario: Lincheck must reject the tagless list and accept the tagged
 * one on the same scenario.
 */
class FreeListLincheckTest {

    static final long STRIDE = 8;

    /** The real list under test. */
    @Param(name = "thread", gen = ThreadIdGen.class)
    public static class Tagged {
        private final TaggedFreeList list;
        private final IndexPoolModel.Held held = new IndexPoolModel.Held();

        public Tagged() {
            MemorySegment slab = Arena.ofAuto().allocate(IndexPoolModel.CAPACITY * STRIDE, 8);
            list = new TaggedFreeList(slab, STRIDE, IndexPoolModel.CAPACITY);
            list.linkAll();
        }

        @Operation
        public int acquire(@Param(name = "thread") int thread) {
            int index = list.pop();
            return index < 0 ? index : held.add(thread, index);
        }

        @Operation
        public int release(@Param(name = "thread") int thread) {
            if (held.count(thread) == 0) {
                return -1;
            }
            int index = held.take(thread);
            list.push(index);
            return index;
        }

        @Operation
        public int releaseFirst(@Param(name = "thread") int thread) {
            if (held.count(thread) == 0) {
                return -1;
            }
            int index = held.takeFirst(thread);
            list.push(index);
            return index;
        }
    }

    /** The broken list under test: same operations. */
    @Param(name = "thread", gen = ThreadIdGen.class)
    public static class Tagless {
        private final TaglessFreeList list;
        private final IndexPoolModel.Held held = new IndexPoolModel.Held();

        public Tagless() {
            MemorySegment slab = Arena.ofAuto().allocate(IndexPoolModel.CAPACITY * STRIDE, 8);
            list = new TaglessFreeList(slab, STRIDE, IndexPoolModel.CAPACITY);
        }

        @Operation
        public int acquire(@Param(name = "thread") int thread) {
            int index = list.pop();
            return index < 0 ? index : held.add(thread, index);
        }

        @Operation
        public int release(@Param(name = "thread") int thread) {
            if (held.count(thread) == 0) {
                return -1;
            }
            int index = held.take(thread);
            list.push(index);
            return index;
        }

        @Operation
        public int releaseFirst(@Param(name = "thread") int thread) {
            if (held.count(thread) == 0) {
                return -1;
            }
            int index = held.takeFirst(thread);
            list.push(index);
            return index;
        }
    }

    /**
     * Thread 0 takes a block; thread 1 takes two and gives back the first (A taken, B taken, A back). Afterwards
     * thread 0 takes two more. Tagless, the interleaving "thread 0 reads head A and link B, thread 1 runs, thread 0's
     * CAS A -> B succeeds" hands B out twice.
     */
    static ExecutionScenario abaScenario(Class<?> type) {
        try {
            var acquire = type.getMethod("acquire", int.class);
            var releaseFirst = type.getMethod("releaseFirst", int.class);
            List<Actor> thread0 = List.of(actor(acquire, 0));
            List<Actor> thread1 = List.of(actor(acquire, 1), actor(acquire, 1), actor(releaseFirst, 1));
            List<Actor> after = List.of(actor(acquire, 0), actor(acquire, 0));
            return new ExecutionScenario(List.of(), List.of(thread0, thread1), after, null);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static Actor actor(java.lang.reflect.Method method, int thread) {
        return new Actor(method, List.of(thread), false, false, false, false, false);
    }

    private static ModelCheckingOptions abaOnly(Class<?> type) {
        return new ModelCheckingOptions().iterations(0).invocationsPerIteration(2000)
                .sequentialSpecification(IndexPoolModel.class).addCustomScenario(abaScenario(type));
    }

    @Test
    void shouldCatchTheAbaBugOfTheTaglessList() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> abaOnly(Tagless.class).check(Tagless.class));
        assertTrue(e.getMessage().contains("Invalid execution results"), e.getMessage());
        System.out.println("Lincheck's report on the tagless list (expected):\n" + e.getMessage());
    }

    @Test
    void shouldPassTheAbaScenarioWithTheTag() {
        abaOnly(Tagged.class).check(Tagged.class);
    }

    @Test
    void shouldBeLinearizableOnRandomScenarios() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("pool.lincheck.iterations", 30))
                .invocationsPerIteration(Integer.getInteger("pool.lincheck.invocations", 1000))
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(1)
                .sequentialSpecification(IndexPoolModel.class)
                .check(Tagged.class);
    }
}
