package dev.allocator.system.internal;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/**
 * Model checking of {@link LiveTable}: every interleaving of adds, removes (racing ones of one entry included),
 * size look-ups, counts and remove-alls on two threads must be linearizable to a map. Adds never run in parallel
 * with each other (one non-parallel group: the C library never hands out a live address twice, so no two threads
 * add one address at once); any thread removes.
 *
 * <p>Four stripes for the per-address operations; {@link OneStripe} adds counts and remove-all, which take the
 * stripes one at a time, so are atomic only over one stripe.
 */
class LiveTableLincheckTest {

    /** Address {@code key}: 16-aligned, dense like malloc's. */
    static long address(int key) {
        return 0x10_0000L + key * 16L;
    }

    @Test
    void shouldBeLinearizableOverFourStripes() {
        options().check(FourStripes.class);
    }

    @Test
    void shouldBeLinearizableWithCountsAndRemoveAllOnOneStripe() {
        options().check(OneStripe.class);
    }

    /** The per-address operations over four stripes. */
    @Param(name = "key", gen = IntGen.class, conf = "0:3")
    @Param(name = "size", gen = IntGen.class, conf = "0:1")
    public static class FourStripes {
        final LiveTable table = newTable();

        LiveTable newTable() {
            return new LiveTable(2);
        }

        /** Adds the entry unless it is live: no other add runs meanwhile, so the check cannot be overtaken. */
        @Operation(nonParallelGroup = "adds")
        public boolean add(@Param(name = "key") int key, @Param(name = "size") int size) {
            long address = address(key);
            if (table.sizeOf(address) != LiveTable.ABSENT) {
                return false;
            }
            table.add(address, size);
            return true;
        }

        @Operation
        public long remove(@Param(name = "key") int key, @Param(name = "size") int size) {
            return table.remove(address(key), size);
        }

        @Operation
        public long sizeOf(@Param(name = "key") int key) {
            return table.sizeOf(address(key));
        }
    }

    /** One stripe, where counts and remove-all are atomic too. */
    @Param(name = "key", gen = IntGen.class, conf = "0:3")
    @Param(name = "size", gen = IntGen.class, conf = "0:1")
    public static class OneStripe extends FourStripes {

        @Override
        LiveTable newTable() {
            return new LiveTable(0);
        }

        /** Live entries and bytes, as one number. */
        @Operation
        public long counts() {
            long[] counts = new long[3];
            table.addCountsTo(counts);
            return (counts[0] - counts[1]) * 1000 + counts[2];
        }

        /** What close does: removes everything; returns the count and bytes removed, as one number. */
        @Operation
        public long removeAll() {
            long[] removed = new long[2];
            table.removeAll((address, size) -> {
                removed[0]++;
                removed[1] += size;
            });
            return removed[0] * 1000 + removed[1];
        }
    }

    /** The sequential specification. */
    public static class Model {
        private final Map<Long, Long> live = new HashMap<>();

        public boolean add(int key, int size) {
            return live.putIfAbsent(address(key), (long) size) == null;
        }

        public long remove(int key, int size) {
            Long recorded = live.get(address(key));
            if (recorded == null) {
                return LiveTable.ABSENT;
            }
            if (recorded == size) {
                live.remove(address(key));
            }
            return recorded;
        }

        public long sizeOf(int key) {
            return live.getOrDefault(address(key), LiveTable.ABSENT);
        }

        public long counts() {
            return live.size() * 1000L + live.values().stream().mapToLong(Long::longValue).sum();
        }

        public long removeAll() {
            long result = counts();
            live.clear();
            return result;
        }
    }

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .iterations(Integer.getInteger("system.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("system.lincheck.invocations", 300))
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(Model.class);
    }
}
