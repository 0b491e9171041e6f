package dev.allocator.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Renders JMH results as Markdown: the machine and JVM, then per benchmark group (class) one table per
 * configuration (threads and parameters) with every score, a table of how our allocators compare with each peer,
 * and how each benchmark's time changes from one thread to more.
 */
final class MarkdownReport {

    /*
     * Everything compared in one table comes from one configuration of one group, so every ratio is between two
     * results of the same workload measured with the same settings. "Ours" is decided by the method name alone
     * (the JSON carries nothing else), through the predicate BenchReport builds from --ours.
     */

    /** What each of this module's groups measures, written above its tables. */
    static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("Pair", "One allocation, one `long` written into it, one free (the arena: no free, a reset every "
                    + "`chunkSize / size / 2` allocations). Shared by all threads: pool, system, Netty's "
                    + "allocators; per thread: the rest."),
            Map.entry("Handoff", "Producer/consumer: one thread allocates and writes, hands the block over an SPSC queue, "
                    + "the other reads and frees it. Always 2 threads; the score is the time per operation "
                    + "averaged over both. `queue` is the hand-off alone."),
            Map.entry("Burst", "Allocate `blocks` blocks (one `long` written into each), then free them all. One operation "
                    + "is the whole burst: divide by `blocks` for the cost per block."),
            Map.entry("Pool", "The pool alone, through the `Allocator` interface and through its index API, against malloc "
                    + "(`PoolBenchmark`'s javadoc has the details)."),
            Map.entry("Arena", "Small allocations in phases, each phase ended at once (`ArenaBenchmark`'s javadoc has the "
                    + "details): our bump arenas against the JDK's arenas and slicing allocator."),
            Map.entry("MixedSize", "Sizes drawn from 16 B to 4 KiB with a fixed seed, one allocate + one free per operation: "
                    + "allocators opened from the `spec` shown (shared by all threads), against malloc/free and "
                    + "Netty's pooled direct buffers. The last table gives each wrapper's cost over the allocator it "
                    + "wraps."),
            Map.entry("LiveSet", "4 KiB blocks with `live` bytes held per thread: `ring` frees the oldest and allocates a new "
                    + "one per operation; `fillDrain` allocates up to `live`, then frees it all, one call per "
                    + "operation (`LiveSetBenchmark`'s javadoc has the details). Peers: `malloc` holds raw addresses "
                    + "in a `long[]`; `mallocSegments` holds each malloc'd block as a segment, as `spec` does, so that "
                    + "the gap between them is what holding segment objects costs, not the allocator."),
            Map.entry("System", "The `system` allocator (malloc through the FFM `Linker`, every live allocation in its "
                    + "registry, shared by all threads) and `system(track=false)` (no registry for small blocks) "
                    + "against raw malloc/free through a critical downcall: one allocate, one `long` written, one "
                    + "free."),
            Map.entry("Registry", "The registry designs `system` chose between, each around one malloc + free: "
                    + "`striped` (the one it uses: open-addressing tables of primitives, one lock per stripe), "
                    + "`lockFree` (a compare-and-set table with tombstones), `concurrentHashMap` (the registry it "
                    + "replaced), against malloc/free alone."),
            Map.entry("Wrapper", "What `budget` and `stats` add to a pool's allocate + free of 64 B, the allocator "
                    + "shared by all threads (`WrapperBenchmark`'s javadoc has the details); the last table gives "
                    + "each wrapper's cost over the pool, per thread count."),
            Map.entry("Packet", "One packet taken, one `long` written, the packet given back: the lease form "
                    + "(`packetLease`) and the index form (`packetIndex`) of `PacketPool`, against the pool beneath "
                    + "alone (`poolPair`, `poolIndex`) and Netty's pooled, reference-counted `ByteBuf`; and an I/O "
                    + "buffer acquired, marked in flight, completed and released (`ioBuffer`)."),
            Map.entry("Netty", "A Netty direct buffer's life in a handler: `directBuffer(size)`, one `long` written, "
                    + "`release()`, through our `SegmentByteBufAllocator` over `sizeclasses > system` "
                    + "(`segmentSizeClasses`) and over a pool of `size`-byte blocks (`segmentPool`), against Netty "
                    + "4.2's pooled and adaptive allocators; every allocator shared by all threads."),
            Map.entry("Arrow", "Building an Arrow vector of `rows` values (allocate, set every value, read one, close) "
                    + "through a `RootAllocator` with each allocation manager: ours over a pool (`pool`) and over "
                    + "`sizeclasses > system` (`sizeclasses`), against Arrow's Netty and Unsafe managers."),
            Map.entry("AgronaView", "Re-wrapping an Agrona `MutableDirectBuffer` over the next pooled block and "
                    + "encoding then decoding an SBE-like message in it: our scope-checked `SegmentBuffer` against "
                    + "Agrona's raw-address `UnsafeBuffer` and the bare `MemorySegment` (`segment`, the floor); "
                    + "`NoWrap` rows keep one block wrapped."),
            Map.entry("Pages", "One allocate, one write, one free from the page-level providers: `pages` (mmap/munmap), "
                    + "`secure` (guard pages, mlock, no-dump, canary, wipe, a scope per allocation) and a pool whose "
                    + "slab is secure memory (`poolOverSecure`), against `system` (malloc/free)."),
            Map.entry("Ring", "Two threads handing over `int` indices, one per operation: our `SpscIndexRing` "
                    + "(`spsc`; `spscBatch` moves 16 per call, scored per index) and `MpmcIndexRing` (`mpmc`), state "
                    + "in a native segment, against JCTools' `SpscArrayQueue<Integer>` and Agrona's "
                    + "`OneToOneRingBuffer` with 4-byte messages. Always one producer and one consumer; the score is "
                    + "the time per operation averaged over both."),
            Map.entry("ShmHandover", "Block hand-over through a `SharedPool` and fill/completion `SpscIndexRing`s, as "
                    + "AF_XDP does: the echo side is a thread of this JVM (`peer=thread`) or a second JVM mapping the "
                    + "same files (`peer=process`); the score is the time per block."));

    private static final List<String> ORDER = List.of("Pair", "Handoff", "Burst", "Pool", "System", "Registry",
            "Arena", "MixedSize", "LiveSet", "Wrapper", "Packet", "Netty", "Arrow", "AgronaView", "Pages", "Ring",
            "ShmHandover");

    private MarkdownReport() {
    }

    /**
     * Renders the report.
     *
     * @param results  the results, of one or more runs on one machine
     * @param machine  the machine
     * @param ours     which benchmark names are our allocators
     * @param heading  text placed right under the title (what made the run, a warning for quick runs), may be empty
     * @param charts   each group's chart file name to link under its heading, or {@code null} for none
     * @param appendix further Markdown appended at the end, may be empty
     * @return the Markdown
     */
    static String render(List<Result> results, Machine machine, Predicate<String> ours, String heading,
                         Function<String, String> charts, String appendix) {
        StringBuilder out = new StringBuilder("# Benchmarks\n\n");
        if (!heading.isEmpty()) {
            out.append(heading).append("\n\n");
        }
        out.append("## Machine and JVM\n\n| | |\n|---|---|\n");
        out.append("| machine | ").append(machine.describe()).append(" |\n");
        Set<String> jdks = new LinkedHashSet<>();
        Set<String> settings = new LinkedHashSet<>();
        Set<String> flags = new LinkedHashSet<>();
        for (Result r : results) {
            Result.Run run = r.run();
            jdks.add(run.jdkVersion() + ", " + run.vm());
            settings.add(run.jmhVersion() + ", " + run.forks() + (run.forks() == 1 ? " fork" : " forks")
                    + ", warmup " + run.warmup() + ", measurement " + run.measurement());
            flags.add("`" + String.join(" ", run.jvmArgs()) + "`");
        }
        out.append("| JDK | ").append(String.join("<br>", jdks)).append(" |\n");
        out.append("| JMH | ").append(String.join("<br>", settings)).append(" |\n");
        out.append("| JVM flags | ").append(String.join("<br>", flags)).append(" |\n");
        out.append("\nScores are JMH's average time per operation (lower is better) with the half-width of its 99.9% "
                + "confidence interval (— when there were too few iterations for one). Heap B/op is "
                + "`gc.alloc.rate.norm` from `-prof gc` (— when the run had no `-prof gc`). Ours are in bold. "
                + "Each ratio compares two results of the same workload, configuration and run.\n\n");
        for (Map.Entry<String, List<Result>> group : byGroup(results).entrySet()) {
            group(out, group.getKey(), group.getValue(), ours, charts);
        }
        if (!appendix.isEmpty()) {
            out.append(appendix).append('\n');
        }
        return out.toString();
    }

    /** Groups in a fixed order (this module's first, then as they come), each with its results in file order. */
    static Map<String, List<Result>> byGroup(List<Result> results) {
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        ORDER.forEach(g -> groups.put(g, new ArrayList<>()));
        results.forEach(r -> groups.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r));
        groups.values().removeIf(List::isEmpty);
        return groups;
    }

    /**
     * Configurations of one group in order: threads, then parameters (numerically where they are numbers). A result
     * that lacks some of the group's parameters (a peer whose state does not declare them) joins every configuration
     * it agrees with on the ones it has, so that it is compared with each.
     */
    static Map<String, List<Result>> byConfig(List<Result> results) {
        Set<String> names = new LinkedHashSet<>();
        results.forEach(r -> names.addAll(r.params().keySet()));
        List<Result> complete = results.stream().filter(r -> r.params().keySet().equals(names)).toList();
        List<Result> sorted = new ArrayList<>(complete.isEmpty() ? results : complete);
        sorted.sort(Comparator.comparingInt(Result::threads).thenComparing(MarkdownReport::compareParams));
        Map<String, List<Result>> configs = new LinkedHashMap<>();
        Map<String, Result> representative = new LinkedHashMap<>();
        for (Result r : sorted) {
            configs.computeIfAbsent(r.config(), c -> new ArrayList<>()).add(r);
            representative.putIfAbsent(r.config(), r);
        }
        for (Result partial : results) {
            if (sorted.contains(partial)) {
                continue;
            }
            boolean joined = false;
            for (Map.Entry<String, Result> config : representative.entrySet()) {
                if (agrees(partial, config.getValue())) {
                    configs.get(config.getKey()).add(partial);
                    joined = true;
                }
            }
            if (!joined) {
                configs.computeIfAbsent(partial.config(), c -> new ArrayList<>()).add(partial);
            }
        }
        configs.values().forEach(list -> list.sort(MarkdownReport::compareScores));
        return configs;
    }

    private static boolean agrees(Result partial, Result config) {
        return partial.threads() == config.threads() && partial.params().entrySet().stream()
                .allMatch(e -> e.getValue().equals(config.params().get(e.getKey())));
    }

    private static void group(StringBuilder out, String group, List<Result> results, Predicate<String> ours,
                              Function<String, String> charts) {
        out.append("## ").append(group).append("\n\n");
        String description = DESCRIPTIONS.get(group);
        if (description != null) {
            out.append(description).append("\n\n");
        }
        if (charts != null) {
            out.append("![").append(group).append(" chart](").append(charts.apply(group)).append(")\n\n");
        }
        for (Map.Entry<String, List<Result>> config : byConfig(results).entrySet()) {
            out.append("### ").append(group).append(": ").append(config.getKey()).append("\n\n");
            scores(out, config.getValue(), ours);
            ratios(out, config.getValue(), ours);
        }
        scaling(out, group, results);
        wrapperCosts(out, group, results);
    }

    /**
     * For results with a {@code spec} parameter: each spec that ends with another ({@code "budget(...) > X"} over
     * {@code "X"}) is a wrapper over it; its cost is the difference of the two times, per thread count.
     */
    static void wrapperCosts(StringBuilder out, String group, List<Result> results) {
        List<Result> specs = results.stream().filter(r -> r.params().containsKey("spec") && r.lowerIsBetter())
                .toList();
        List<String> lines = new ArrayList<>();
        for (Result wrapper : specs) {
            String spec = wrapper.params().get("spec");
            specs.stream()
                    .filter(b -> b.threads() == wrapper.threads() && b.name().equals(wrapper.name()))
                    .filter(b -> spec.endsWith("> " + b.params().get("spec")))
                    .max(Comparator.comparingInt(b -> b.params().get("spec").length()))
                    .ifPresent(bare -> lines.add("| `" + spec.substring(0, spec.length()
                            - bare.params().get("spec").length()).replaceAll("\\s*>\\s*$", "") + "` | `"
                            + bare.params().get("spec") + "` | " + wrapper.threads() + " | "
                            + Ratios.number(wrapper.score() - bare.score()) + " " + wrapper.unit() + " | "
                            + Ratios.factor(wrapper.score() / bare.score()) + " |"));
        }
        if (lines.isEmpty()) {
            return;
        }
        out.append("### ").append(group).append(": what each wrapper costs\n\nThe wrapper's time minus the time of "
                + "the allocator it wraps, from the same run (differences smaller than the two errors are noise).\n\n"
                + "| wrapper | over | threads | added time | ratio |\n|---|---|---|---:|---:|\n");
        lines.forEach(l -> out.append(l).append('\n'));
        out.append('\n');
    }

    private static void scores(StringBuilder out, List<Result> results, Predicate<String> ours) {
        out.append("| benchmark | score | ± error | unit | heap B/op |\n|---|---:|---:|---|---:|\n");
        for (Result r : results) {
            out.append("| ").append(label(r, ours)).append(" | ").append(Ratios.number(r.score())).append(" | ")
                    .append(Ratios.number(r.error())).append(" | ").append(r.unit()).append(" | ")
                    .append(Ratios.number(r.heapPerOp())).append(" |\n");
        }
        out.append('\n');
    }

    private static void ratios(StringBuilder out, List<Result> results, Predicate<String> ours) {
        List<Result> mine = results.stream().filter(r -> r.isOurs(ours)).toList();
        List<Result> peers = results.stream().filter(r -> !r.isOurs(ours)).toList();
        if (mine.isEmpty() || peers.isEmpty()) {
            return;
        }
        out.append("| ours vs |");
        peers.forEach(p -> out.append(' ').append(p.label()).append(" |"));
        out.append("\n|---|");
        peers.forEach(p -> out.append("---:|"));
        out.append('\n');
        for (Result m : mine) {
            out.append("| ").append(label(m, ours)).append(" |");
            for (Result p : peers) {
                out.append(' ').append(comparable(m, p)
                        ? Ratios.words(Ratios.advantage(m.score(), p.score(), m.lowerIsBetter())) : "—").append(" |");
            }
            out.append('\n');
        }
        out.append('\n');
    }

    /**
     * Whether a ratio of the two means something: always, but for rows told apart by an Arrow {@code manager}, whose
     * benchmark methods are different workloads (an int vector, a string vector) measured with every manager.
     */
    static boolean comparable(Result mine, Result peer) {
        return !mine.params().containsKey("manager") || mine.name().equals(peer.name());
    }

    /** Time at each higher thread count ÷ time at the lowest, per benchmark and parameters. */
    private static void scaling(StringBuilder out, String group, List<Result> results) {
        int fewest = results.stream().mapToInt(Result::threads).min().orElse(0);
        List<Result> more = results.stream().filter(r -> r.threads() > fewest && r.lowerIsBetter()).toList();
        List<String> lines = new ArrayList<>();
        for (Result r : more) {
            results.stream()
                    .filter(b -> b.threads() == fewest && b.name().equals(r.name()) && b.params().equals(r.params()))
                    .findFirst()
                    .ifPresent(b -> lines.add("| " + r.name() + " | " + r.paramsText() + " | " + r.threads() + " ÷ "
                            + fewest + " | " + Ratios.factor(r.score() / b.score()) + " |"));
        }
        if (lines.isEmpty()) {
            return;
        }
        out.append("### ").append(group).append(": time per operation with more threads ÷ with ").append(fewest)
                .append("\n\nAbove 1: each operation got slower when threads shared the machine (and, for shared "
                        + "allocators, the allocator).\n\n| benchmark | parameters | threads | ratio |\n"
                        + "|---|---|---|---:|\n");
        lines.forEach(l -> out.append(l).append('\n'));
        out.append('\n');
    }

    private static String label(Result r, Predicate<String> ours) {
        return r.isOurs(ours) ? "**" + r.label() + "**" : r.label();
    }

    private static int compareScores(Result a, Result b) {
        return a.lowerIsBetter() ? Double.compare(a.score(), b.score()) : Double.compare(b.score(), a.score());
    }

    static int compareParams(Result a, Result b) {
        var left = a.params().entrySet().iterator();
        var right = b.params().entrySet().iterator();
        while (left.hasNext() && right.hasNext()) {
            var l = left.next();
            var r = right.next();
            int c = l.getKey().compareTo(r.getKey());
            if (c == 0) {
                c = compareValues(l.getValue(), r.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(left.hasNext(), right.hasNext());
    }

    private static int compareValues(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException notNumbers) {
            return a.compareTo(b);
        }
    }
}
