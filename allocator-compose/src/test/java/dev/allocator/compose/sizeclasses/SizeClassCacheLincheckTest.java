package dev.allocator.compose.sizeclasses;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model checking of the per-thread caches ({@link BlockStack}, {@link ThreadCaches}) and the free's compare-and-set of
 * a block's layout word, over {@link CacheModel}: two threads free the same block (a racing double free: exactly one
 * may succeed, the other is refused with {@link IllegalStateException}), and threads take through their own stacks,
 * give their stacks back and trim while others free. After each run, {@link CacheModel#shouldNeverHandOutABlockTwice}
 * checks that no block is held twice and that the stats match. {@link CacheModel.OneHome} gives the threads one slot to
 * find their caches at, so that each meets another's cache there. The broken variant ({@link CacheModel.Plain}: a read,
 * then a write, of the layout word) lets both racing frees through, and the model checker finds it.
 */
class SizeClassCacheLincheckTest {

    /** Both threads free block 1: one free wins, the other is refused. */
    @Test
    void shouldRefuseOneOfTwoRacingFreesOfABlock() {
        check(CacheModel.class, scenario(List.of(actor("free", 1)), List.of(actor("free", 1))));
    }

    /** The broken variant lets both racing frees of block 1 through: results no sequential order explains. */
    @Test
    void shouldCatchTheRacingDoubleFreeOfThePlainVariant() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> check(CacheModel.Plain.class, scenario(List.of(actor("free", 1)), List.of(actor("free", 1)))));
        assertTrue(e.getMessage().contains("free(1): true"), e.getMessage());
    }

    /** Takes, gives back and trims through the caches while the other thread frees and takes. */
    @Test
    void shouldNeverHandOutABlockTwiceWhileCachesFlushAndSlabsRetire() {
        check(CacheModel.class, scenario(List.of(actor("free", 0), actor("allocate"), actor("releaseThreadCaches")),
                List.of(actor("free", 2), actor("trim"), actor("allocate"))));
    }

    /**
     * Every thread's home slot is held by another live thread: each must use a cache of its own (the owner compare),
     * or two threads would pop from one stack and hand a block out twice.
     */
    @Test
    void shouldGiveEachThreadItsOwnCacheWhenTheyShareAHomeSlot() {
        check(CacheModel.OneHome.class, scenario(List.of(actor("free", 0), actor("allocate"), actor("allocate")),
                List.of(actor("free", 1), actor("allocate"), actor("allocate"))));
    }

    private static void check(Class<?> model, ExecutionScenario scenario) {
        new ModelCheckingOptions().addGuarantee(ManagedStrategyGuaranteeKt
                        // the pool's own operations are model-checked by its tests: here each is one step
                        .forClasses(name -> name.startsWith("dev.allocator.pool")).allMethods().treatAsAtomic())
                .iterations(0).invocationsPerIteration(Integer.getInteger("sizeclasses.lincheck.invocations", 50))
                .addCustomScenario(scenario).check(model);
    }

    private static ExecutionScenario scenario(List<Actor> first, List<Actor> second) {
        return new ExecutionScenario(List.of(), List.of(first, second), List.of(), null);
    }

    private static Actor actor(String operation, int... args) {
        try {
            Method method = args.length == 0 ? CacheModel.class.getMethod(operation)
                    : CacheModel.class.getMethod(operation, int.class);
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
