/**
 * JMH benchmarks of our allocators against the ones a user would otherwise pick: {@code malloc}/{@code free}
 * through the FFM {@code Linker}, {@code Arena.ofConfined()}, the JDK's slicing allocator,
 * {@code ByteBuffer.allocateDirect}, Netty 4.2's pooled and adaptive allocators, and a floor (a thread-private
 * stack of block indices with no atomics).
 *
 * <ul>
 *   <li>{@link dev.allocator.bench.PairBenchmark}: one allocate, one write, one free.</li>
 *   <li>{@link dev.allocator.bench.HandoffBenchmark}: allocate on one thread, free on another.</li>
 *   <li>{@link dev.allocator.bench.BurstBenchmark}: allocate N blocks, then free them all.</li>
 *   <li>{@link dev.allocator.bench.LiveSetBenchmark}: allocate and free with 1 MiB to 1 GiB of 4 KiB blocks live.</li>
 *   <li>{@link dev.allocator.bench.footprint.PoolFootprint}: heap bytes a pool keeps per block.</li>
 *   <li>{@link dev.allocator.bench.report.BenchReport}: JMH's JSON to {@code benchmarks.md} and a chart.</li>
 * </ul>
 *
 * <p>Build and run (each class fixes its forks, warmup and measurement; {@code -t} sets the threads):
 * {@snippet lang = "shell" :
 * ./mvnw -q -pl allocator-bench -am package -DskipTests
 * java --sun-misc-unsafe-memory-access=allow -jar allocator-bench/target/benchmarks.jar PairBenchmark -t 1 \
 *      -prof gc -rf json -rff t1.json
 * java --sun-misc-unsafe-memory-access=allow -jar allocator-bench/target/benchmarks.jar PairBenchmark -t 2 \
 *      -prof gc -rf json -rff t2.json
 * java -cp allocator-bench/target/benchmarks.jar dev.allocator.bench.report.BenchReport \
 *      --input t1.json --input t2.json --out /tmp/report
 * }
 *
 * <p><b>Heap bytes per operation.</b> {@code -prof gc} adds, for every benchmark, {@code gc.alloc.rate.norm}: heap
 * bytes allocated per operation, from the JVM's per-thread allocation counters (exact, not sampled). A steady-state
 * allocator path that allocates nothing shows {@code ≈ 10⁻⁴ B/op} (JMH's own bookkeeping spread over millions of
 * operations); a path that boxes or creates an object per call shows 16 B/op or more. BenchReport puts it in the
 * {@code heap B/op} column. Without {@code -prof gc} the column shows a dash.
 *
 * <p>The module is not part of any test run: {@code ./mvnw verify} only builds it and tests the report tool.
 */
package dev.allocator.bench;
