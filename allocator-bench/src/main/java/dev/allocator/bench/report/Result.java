package dev.allocator.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One JMH result: one benchmark method (or {@code @Group}) at one thread count and one set of {@code @Param}s.
 *
 * @param group     the benchmark class's simple name without the {@code Benchmark} suffix, e.g. {@code Pair}
 * @param name      the method or group name, e.g. {@code pool}
 * @param mode      JMH's mode, e.g. {@code avgt} or {@code thrpt}
 * @param threads   benchmark threads
 * @param params    the {@code @Param} values, by name
 * @param score     the primary score
 * @param error     its 99.9% error, or NaN when JMH had too few iterations to give one
 * @param unit      the score's unit, e.g. {@code ns/op}
 * @param heapPerOp {@code gc.alloc.rate.norm} in bytes per operation, or NaN without {@code -prof gc}
 * @param run       how the run was made (shared by all results of one run)
 */
record Result(String group, String name, String mode, int threads, SortedMap<String, String> params, double score,
              double error, String unit, double heapPerOp, Run run) {

    /**
     * The settings and JVM of a JMH run.
     *
     * @param jmhVersion  JMH's version
     * @param jdkVersion  the JDK's version
     * @param vm          the VM's name and version
     * @param jvmArgs     the forked JVMs' arguments
     * @param forks       forks per benchmark
     * @param warmup      warmup iterations and time, e.g. {@code 5 x 1 s}
     * @param measurement measurement iterations and time
     */
    record Run(String jmhVersion, String jdkVersion, String vm, List<String> jvmArgs, int forks, String warmup,
               String measurement) {
    }

    /** Lower is better for time-per-operation modes, higher for throughput. */
    boolean lowerIsBetter() {
        return !mode.equals("thrpt");
    }

    /**
     * The parameters that name the allocator under test rather than the workload ({@code spec}: a spec string;
     * {@code manager}: an Arrow allocation manager): results that differ only in one of them are rows of one table
     * (each beside the peers), not tables of their own.
     */
    static final List<String> SUBJECTS = List.of("spec", "manager");

    /** The subject parameter of {@link #SUBJECTS} whose rows get a wrapper-cost table. */
    static final String SPEC = "spec";

    /** This result's subject: the value of its first {@link #SUBJECTS} parameter, or {@code null}. */
    String subject() {
        for (String key : SUBJECTS) {
            String value = params.get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * Whether this is one of our allocators: its method name matches, or its subject does (an Arrow benchmark
     * method measures every manager; the {@code manager} parameter says whose).
     *
     * @param ours the pattern BenchReport builds from {@code --ours}
     * @return true for ours
     */
    boolean isOurs(Predicate<String> ours) {
        String subject = subject();
        return ours.test(name) || subject != null && ours.test(subject);
    }

    /**
     * The configuration this result was measured in: thread count and the workload's parameters (all but the
     * {@link #SUBJECTS}), e.g. {@code 1 thread, size=64}.
     */
    String config() {
        StringBuilder out = new StringBuilder().append(threads).append(threads == 1 ? " thread" : " threads");
        params.forEach((k, v) -> {
            if (!SUBJECTS.contains(k)) {
                out.append(", ").append(k).append('=').append(v);
            }
        });
        return out.toString();
    }

    /** The row's name: the method, followed by its subject when it has one, e.g. {@code spec: sizeclasses > system}. */
    String label() {
        String subject = subject();
        return subject == null ? name : name + ": " + subject;
    }

    /** The parameters without the thread count, for comparing thread counts. */
    String paramsText() {
        StringBuilder out = new StringBuilder();
        params.forEach((k, v) -> out.append(out.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return out.toString();
    }

    /**
     * Reads every result of a parsed JMH JSON file ({@code -rf json}).
     *
     * @param json what {@link Json#parse} returned for the file
     * @return the results, in file order
     * @throws IllegalArgumentException if the JSON is not JMH's result format, naming what is missing
     */
    static List<Result> fromJmh(Object json) {
        if (!(json instanceof List<?> entries)) {
            throw new IllegalArgumentException("a JMH result file holds a JSON array; found " + kind(json));
        }
        List<Result> results = new ArrayList<>();
        for (Object entry : entries) {
            results.add(fromEntry(map(entry, "result")));
        }
        return results;
    }

    private static Result fromEntry(Map<String, Object> entry) {
        String benchmark = text(entry, "benchmark");
        int dot = benchmark.lastIndexOf('.');
        int classDot = benchmark.lastIndexOf('.', dot - 1);
        if (dot < 0) {
            throw new IllegalArgumentException("benchmark name has no class: " + benchmark);
        }
        String className = benchmark.substring(classDot + 1, dot);
        String group = className.endsWith("Benchmark") && className.length() > "Benchmark".length()
                ? className.substring(0, className.length() - "Benchmark".length()) : className;
        SortedMap<String, String> params = new TreeMap<>();
        if (entry.get("params") instanceof Map<?, ?> given) {
            given.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Map<String, Object> primary = map(entry.get("primaryMetric"), "primaryMetric of " + benchmark);
        double heap = Double.NaN;
        if (entry.get("secondaryMetrics") instanceof Map<?, ?> secondary
                && secondary.get("gc.alloc.rate.norm") instanceof Map<?, ?> norm) {
            heap = number(norm.get("score"), "gc.alloc.rate.norm of " + benchmark);
        }
        List<String> jvmArgs = new ArrayList<>();
        if (entry.get("jvmArgs") instanceof List<?> args) {
            args.forEach(a -> jvmArgs.add(String.valueOf(a)));
        }
        Run run = new Run(String.valueOf(entry.getOrDefault("jmhVersion", "?")),
                String.valueOf(entry.getOrDefault("jdkVersion", "?")),
                entry.getOrDefault("vmName", "?") + " " + entry.getOrDefault("vmVersion", "?"), List.copyOf(jvmArgs),
                (int) number(entry.getOrDefault("forks", 0.0), "forks"),
                iterations(entry, "warmupIterations", "warmupTime"),
                iterations(entry, "measurementIterations", "measurementTime"));
        return new Result(group, benchmark.substring(dot + 1), text(entry, "mode"),
                (int) number(entry.get("threads"), "threads of " + benchmark), params,
                number(primary.get("score"), "score of " + benchmark),
                number(primary.getOrDefault("scoreError", Double.NaN), "scoreError of " + benchmark),
                text(primary, "scoreUnit"), heap, run);
    }

    private static String iterations(Map<String, Object> entry, String count, String time) {
        Object n = entry.get(count);
        Object t = entry.get(time);
        return (n instanceof Double d ? String.valueOf(d.intValue()) : "?") + " x " + (t == null ? "?" : t);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(what + " must be a JSON object; found " + kind(value));
    }

    private static String text(Map<String, Object> map, String key) {
        if (map.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("missing text field '" + key + "' in a JMH result; found "
                + kind(map.get(key)));
    }

    private static double number(Object value, String what) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException(what + " must be a number; found " + kind(value));
    }

    private static String kind(Object value) {
        return value == null ? "null" : value instanceof String s ? "\"" + s + "\"" : value.getClass().getSimpleName();
    }
}
