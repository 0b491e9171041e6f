package dev.allocator.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

    static final Machine MACHINE = new Machine(2, "Test CPU 3000", 8L << 30, "Linux 6.8 amd64");

    @TempDir
    Path out;

    static Path fixture(String name) {
        try {
            return Path.of(BenchReportTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private String report(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--input", fixture("t1.json").toString(), "--input",
                fixture("t2.json").toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        return BenchReport.run(args.toArray(String[]::new), MACHINE);
    }

    @Test
    void shouldReadEveryFieldOfAJmhResult() throws IOException {
        List<Result> results = Result.fromJmh(Json.parse(Files.readString(fixture("t1.json"))));

        assertEquals(11, results.size());
        Result pool = results.getFirst();
        assertEquals("Pair", pool.group());
        assertEquals("pool", pool.name());
        assertEquals("avgt", pool.mode());
        assertEquals(1, pool.threads());
        assertEquals("64", pool.params().get("size"));
        assertEquals(5.0, pool.score());
        assertEquals(0.25, pool.error());
        assertEquals("ns/op", pool.unit());
        assertEquals(0.0, pool.heapPerOp());
        assertEquals("25.0.3", pool.run().jdkVersion());
        assertEquals(2, pool.run().forks());
        assertEquals("5 x 1 s", pool.run().warmup());
        assertTrue(Double.isNaN(results.get(2).error()), "\"NaN\" error is NaN");
        assertTrue(Double.isNaN(results.get(4).heapPerOp()), "no -prof gc means NaN heap");
    }

    @Test
    void shouldWriteTheMachineAndJdkBesideTheNumbers() {
        String markdown = report();

        assertTrue(markdown.contains("| machine | 2 CPUs (Test CPU 3000), 8.0 GiB memory, Linux 6.8 amd64 |"),
                markdown);
        assertTrue(markdown.contains("| JDK | 25.0.3, OpenJDK 64-Bit Server VM 25.0.3+9-LTS |"), markdown);
        assertTrue(markdown.contains("| JMH | 1.37, 2 forks, warmup 5 x 1 s, measurement 5 x 1 s |"), markdown);
    }

    @Test
    void shouldTabulateScoresFastestFirstWithOursInBold() {
        String markdown = report();

        String table = section(markdown, "### Pair: 1 thread, size=64");
        assertTrue(table.contains("| floor | 2.50 | 0.10 | ns/op | 0.00 |\n| **pool** | 5.00 | 0.25 | ns/op | 0.00 |\n"
                + "| malloc | 15.0 | 0.50 | ns/op | 0.00 |\n| nettyPooled | 100 | — | ns/op | < 0.01 |"), table);
    }

    @Test
    void shouldGiveTheRatioOfOursToEachPeer() {
        String table = section(report(), "### Pair: 1 thread, size=64");

        assertTrue(table.contains("| ours vs | floor | malloc | nettyPooled |"), table);
        assertTrue(table.contains("| **pool** | 2.00× slower | 3.00× faster | 20.0× faster |"), table);
    }

    @Test
    void shouldCompareTwoThreadsWithOneFromSeparateInputFiles() {
        String markdown = report();

        assertTrue(markdown.contains("### Pair: 2 threads, size=64"), markdown);
        assertTrue(markdown.contains("| pool | size=64 | 2 ÷ 1 | 1.30× |"), markdown);
        assertTrue(markdown.contains("| malloc | size=64 | 2 ÷ 1 | 1.10× |"), markdown);
    }

    @Test
    void shouldOrderGroupsAndConfigurationsNumerically() {
        String markdown = report();

        int pair = markdown.indexOf("## Pair");
        int handoff = markdown.indexOf("## Handoff");
        int burst = markdown.indexOf("## Burst");
        assertTrue(pair < handoff && handoff < burst, "Pair, Handoff, Burst in that order");
        assertTrue(markdown.indexOf("blocks=1000, size=64") < markdown.indexOf("blocks=100000, size=64"),
                "1000 before 100000");
        assertTrue(markdown.indexOf("Pair: 1 thread, size=64") < markdown.indexOf("Pair: 1 thread, size=4096"),
                "64 before 4096");
    }

    @Test
    void shouldWriteMarkdownAndAnSvgChartWithABarPerResult() throws IOException {
        String markdown = report("--label", "Quick, noisy run");

        assertEquals(markdown, Files.readString(out.resolve(BenchReport.MARKDOWN)));
        assertTrue(markdown.contains("> Quick, noisy run"), markdown);
        assertTrue(section(markdown, "## Pair").contains("![Pair chart](benchmarks-pair.svg)"), markdown);
        long ourBars = 0;
        long peerBars = 0;
        for (String group : List.of("Pair", "Handoff", "Burst")) {
            assertTrue(markdown.contains("![" + group + " chart](" + BenchReport.chart(group) + ")"), markdown);
            String svg = Files.readString(out.resolve(BenchReport.chart(group)));
            assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
            assertTrue(svg.strip().endsWith("</svg>"), svg);
            ourBars += svg.lines().filter(l -> l.contains("fill=\"" + SvgChart.OURS + "\"")).count() - 1;
            peerBars += svg.lines().filter(l -> l.contains("fill=\"" + SvgChart.PEER + "\"")).count() - 1;
        }
        assertEquals(6, ourBars, "6 pool results, one bar each (the legend's square not counted)");
        assertEquals(7, peerBars, "7 peer results, one bar each");
        String pair = Files.readString(out.resolve("benchmarks-pair.svg"));
        assertTrue(pair.contains("Pair: 1 thread, size=64 (ns/op)"), pair);
        assertFalse(pair.contains("Burst:"), "one workload per picture:\n" + pair);
    }

    @Test
    void shouldTreatNamesMatchingOursAsOurs() {
        String table = section(report("--ours", "malloc"), "### Pair: 1 thread, size=64");

        assertTrue(table.contains("| **malloc** | 6.00× slower | 3.00× slower | 6.67× faster |"), table);
        assertFalse(table.contains("**pool**"), table);
    }

    @Test
    void shouldGiveEachWrappersCostOverTheSpecItWraps() {
        Result.Run run = new Result.Run("1.37", "25", "vm", List.of(), 1, "1 x 1 s", "1 x 1 s");
        java.util.function.BiFunction<String, Double, Result> spec = (text, score) -> new Result("MixedSize", "spec",
                "avgt", 1, new java.util.TreeMap<>(java.util.Map.of("spec", text)), score, 0.5, "ns/op", 0.0, run);
        List<Result> results = List.of(spec.apply("sizeclasses > system", 40.0),
                spec.apply("budget(limit=1GiB) > sizeclasses > system", 46.0),
                spec.apply("checked > budget(limit=1GiB) > sizeclasses > system", 60.0),
                spec.apply("system", 80.0),
                new Result("MixedSize", "mallocFree", "avgt", 1, new java.util.TreeMap<>(), 50.0, 1.0, "ns/op", 0.0,
                        run));

        String markdown = MarkdownReport.render(results, MACHINE, BenchReport.ours(BenchReport.OURS), "", null, "");

        String costs = section(markdown, "### MixedSize: what each wrapper costs");
        assertTrue(costs.contains("| `budget(limit=1GiB)` | `sizeclasses > system` | 1 | 6.00 ns/op | 1.15× |"), costs);
        assertTrue(costs.contains("| `checked` | `budget(limit=1GiB) > sizeclasses > system` | 1 | 14.0 ns/op |"),
                "compared with the closest spec it wraps:\n" + costs);
        assertTrue(costs.contains("| `sizeclasses` | `system` | 1 | -40.0 ns/op | 0.50× |"), costs);
        assertFalse(costs.contains("| `` |"), "a spec is not its own wrapper:\n" + costs);
        String table = section(markdown, "### MixedSize: 1 thread");
        assertTrue(table.contains("| **spec: sizeclasses > system** | 1.25× faster |"),
                "every spec in one table, each against malloc:\n" + table);
        assertTrue(table.contains("| **spec: system** | 1.60× slower |"), table);
    }

    @Test
    void shouldCompareArrowManagersInOneTableWithOursByTheManagerParameter() {
        Result.Run run = new Result.Run("1.37", "25", "vm", List.of(), 1, "1 x 1 s", "1 x 1 s");
        java.util.function.BiFunction<String, Double, Result> manager = (name, score) -> new Result("Arrow",
                "intVector", "avgt", 1, new java.util.TreeMap<>(java.util.Map.of("manager", name, "rows", "1024")),
                score, 0.5, "ns/op", 0.0, run);
        List<Result> results = List.of(manager.apply("pool", 100.0), manager.apply("sizeclasses", 150.0),
                manager.apply("netty", 200.0), manager.apply("unsafe", 300.0));

        String markdown = MarkdownReport.render(results, MACHINE, BenchReport.ours(BenchReport.OURS), "", null, "");

        String table = section(markdown, "### Arrow: 1 thread, rows=1024");
        assertTrue(table.contains("| **intVector: pool** | 2.00× faster | 3.00× faster |"),
                "our managers against Arrow's in one table:\n" + table);
        assertTrue(table.contains("| **intVector: sizeclasses** | 1.33× faster | 2.00× faster |"), table);
        assertFalse(table.contains("**intVector: netty**"), "Arrow's managers are peers:\n" + table);
        List<Result> two = List.of(manager.apply("pool", 100.0), new Result("Arrow", "varCharVector", "avgt", 1,
                new java.util.TreeMap<>(java.util.Map.of("manager", "netty", "rows", "1024")), 400.0, 0.5, "ns/op",
                0.0, run));
        String mixed = section(MarkdownReport.render(two, MACHINE, BenchReport.ours(BenchReport.OURS), "", null, ""),
                "### Arrow: 1 thread, rows=1024");
        assertTrue(mixed.contains("| **intVector: pool** | — |"), "no ratio between two workloads:\n" + mixed);
    }

    @Test
    void shouldKeepEverySpecOfOneConfigurationWhenReadingFiles() throws IOException {
        Path file = out.resolve("specs.json");
        String entry = """
                {"benchmark": "dev.allocator.bench.WrapperBenchmark.spec", "mode": "avgt", "threads": 1,
                 "params": {"spec": "%s"}, "primaryMetric": {"score": %s, "scoreError": 1.0, "scoreUnit": "ns/op"}}""";
        Files.writeString(file, "[" + entry.formatted("pool > system", "20.0") + ","
                + entry.formatted("budget > pool > system", "30.0") + "]");

        List<Result> results = BenchReport.read(List.of(file));

        assertEquals(2, results.size(), "two specs of one configuration are two results: " + results);
    }

    @Test
    void shouldCompareAPeerWithoutSomeParametersInEveryConfigurationItAgreesWith() {
        Result.Run run = new Result.Run("1.37", "25", "vm", List.of(), 1, "1 x 1 s", "1 x 1 s");
        List<Result> results = List.of(
                new Result("Pool", "poolIndex", "avgt", 1, new java.util.TreeMap<>(java.util.Map.of("size", "64",
                        "check", "true")), 4.0, 0.1, "ns/op", 0.0, run),
                new Result("Pool", "poolIndex", "avgt", 1, new java.util.TreeMap<>(java.util.Map.of("size", "64",
                        "check", "false")), 3.0, 0.1, "ns/op", 0.0, run),
                new Result("Pool", "malloc", "avgt", 1, new java.util.TreeMap<>(java.util.Map.of("size", "64")),
                        12.0, 0.1, "ns/op", 0.0, run),
                new Result("Pool", "malloc", "avgt", 1, new java.util.TreeMap<>(java.util.Map.of("size", "4096")),
                        24.0, 0.1, "ns/op", 0.0, run));

        String markdown = MarkdownReport.render(results, MACHINE, BenchReport.ours(BenchReport.OURS), "", null, "");

        String checked = section(markdown, "### Pool: 1 thread, check=true, size=64");
        assertTrue(checked.contains("| **poolIndex** | 3.00× faster |"), checked);
        String unchecked = section(markdown, "### Pool: 1 thread, check=false, size=64");
        assertTrue(unchecked.contains("| **poolIndex** | 4.00× faster |"), unchecked);
        assertTrue(markdown.contains("### Pool: 1 thread, size=4096"), "a peer alone keeps its own configuration");
    }

    @Test
    void shouldTakeTheLastOfTheSameResultFromSeveralFiles() {
        Path t1 = fixture("t1.json");
        List<Result> results = BenchReport.read(List.of(t1, t1));

        assertEquals(11, results.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--verbose"})
    void shouldRejectAnUnknownOptionNamingIt(String option) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchReport.run(new String[] {option}, MACHINE));
        assertEquals("unknown option: " + option, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--input", "--out", "--label", "--ours"})
    void shouldRejectAnOptionWithoutItsValue(String option) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchReport.run(new String[] {option}, MACHINE));
        assertEquals(option + " needs a value", e.getMessage());
    }

    @Test
    void shouldRejectNoInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchReport.run(new String[] {"--out", out.toString()}, MACHINE));
        assertEquals("no --input given", e.getMessage());
    }

    @Test
    void shouldRejectAnInvalidOursPatternNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> report("--ours", "(pool"));
        assertTrue(e.getMessage().contains("(pool"), e.getMessage());
    }

    @Test
    void shouldRejectAFileThatIsNotJmhJsonNamingTheFile() throws IOException {
        Path bad = Files.writeString(out.resolve("bad.json"), "{\"benchmark\": 1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchReport.run(new String[] {"--input", bad.toString(), "--out", out.toString()}, MACHINE));
        assertTrue(e.getMessage().contains("bad.json is not a JMH JSON result file"), e.getMessage());
        assertTrue(e.getMessage().contains("a JSON array; found LinkedHashMap"), e.getMessage());
    }

    @Test
    void shouldRejectAResultWithoutAScoreNamingTheBenchmark() throws IOException {
        Path bad = Files.writeString(out.resolve("noscore.json"), "[{\"benchmark\": \"a.BBenchmark.m\", "
                + "\"mode\": \"avgt\", \"threads\": 1, \"primaryMetric\": {\"scoreUnit\": \"ns/op\"}}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchReport.run(new String[] {"--input", bad.toString(), "--out", out.toString()}, MACHINE));
        assertTrue(e.getMessage().contains("score of a.BBenchmark.m must be a number; found null"), e.getMessage());
    }

    @Test
    void shouldRejectAMissingFileNamingIt() {
        Path missing = out.resolve("missing.json");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> BenchReport.run(new String[] {"--input", missing.toString()}, MACHINE));
        assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
    }

    @Test
    void shouldReadTheCpuModelAndMemoryFromProcFileLines() {
        List<String> cpuinfo = List.of("processor\t: 0", "model name\t: AMD EPYC 7B13", "model name\t: other");

        assertEquals("AMD EPYC 7B13", Machine.field(cpuinfo, "model name").orElseThrow());
        assertTrue(Machine.field(cpuinfo, "MemTotal").isEmpty());
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf(heading);
        assertTrue(start >= 0, () -> heading + " missing in\n" + markdown);
        int end = markdown.indexOf("\n### ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }
}
