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
 * What checked mode's checks cost: allocate, write one {@code long}, free, through {@code checked > system} with all
 * checks on (the default), with each one switched off by its option, with all three off (bookkeeping only),
 * {@code system} alone as the floor, and {@code system(scopeThreshold=0)}, which gives every block a scope of its own
 * (what the system allocator's default saves small blocks). The configurations are named, not spelled as specs, because JMH splits
 * {@code -p} values at commas; {@code -p config=checked,system} selects the two that the code before these checks
 * also accepts, to run the same benchmark on both.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar CheckedBenchmark -t 1 -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class CheckedBenchmark {

    /** The allocator under test, shared by all threads. */
    @State(Scope.Benchmark)
    public static class CheckedState {
        @Param({"checked", "checked-noscopes", "checked-noguard", "checked-noquarantine", "checked-none", "system",
                "system-scoped"})
        public String config;
        @Param({"64"})
        public int size;
        Allocator allocator;
        Layout layout;

        @Setup(Level.Trial)
        public void open() {
            allocator = Allocators.open(spec(config));
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Trial)
        public void close() {
            allocator.close();
        }
    }

    /**
     * The spec of a configuration.
     *
     * @param config one of the {@code config} parameter's values
     * @return the spec
     */
    static String spec(String config) {
        return switch (config) {
            case "checked" -> "checked > system";
            case "checked-noscopes" -> "checked(scopes=false) > system";
            case "checked-noguard" -> "checked(guard=0) > system";
            case "checked-noquarantine" -> "checked(quarantine=0) > system";
            case "checked-none" -> "checked(scopes=false, guard=0, quarantine=0) > system";
            case "system" -> Specs.system();
            case "system-scoped" -> "system(scopeThreshold=0)";
            default -> throw new IllegalArgumentException("unknown config: config=" + config);
        };
    }

    @Benchmark
    public long pair(CheckedState s) {
        final Allocator allocator = s.allocator;
        final Layout layout = s.layout;
        MemorySegment block = allocator.allocate(layout);
        block.set(JAVA_LONG, 0, PairBenchmark.VALUE);
        allocator.deallocate(block, layout);
        return block.address();
    }
}
