package dev.allocator.bench;

import dev.allocator.ring.SpscIndexRing;
import dev.allocator.shm.SharedPool;
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
import org.openjdk.jmh.infra.Control;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Block hand-over through a {@link SharedPool} and two {@link SpscIndexRing}s (fill and completion, as AF_XDP does):
 * each operation acquires a block, writes its first word, offers its index on the fill ring, and releases the blocks
 * the completion ring has brought back. The other side ({@link ShmEcho}) reads each block, writes into it and returns
 * its index. {@code peer=thread}: the echo is a thread of this JVM; {@code peer=process}: the {@code @Setup} starts a
 * second JVM from the same benchmark jar over the same files (in {@code /dev/shm} when it exists). The score is the
 * time per block (pipelined: up to the ring capacity in flight); the two rows compare processes with threads.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar ShmHandoverBenchmark -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ShmHandoverBenchmark {

    static final int BLOCK_SIZE = 64;
    static final int POOL_CAPACITY = 1024;

    @Param({"thread", "process"})
    public String peer;

    private Path dir;
    private Arena arena;
    private SharedPool pool;
    private SpscIndexRing fill;
    private SpscIndexRing completion;
    private Thread echoThread;
    private Process echoProcess;
    private final int[] returned = new int[64];
    private long sequence;

    @Setup(Level.Trial)
    public void start() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "shm-handover");
        arena = Arena.ofShared();
        Path poolFile = dir.resolve("pool");
        Path ringFile = dir.resolve("rings");
        pool = SharedPool.create(poolFile, BLOCK_SIZE, POOL_CAPACITY);
        MemorySegment rings = ShmEcho.mapRings(ringFile, arena);
        long size = SpscIndexRing.byteSize(ShmEcho.RING_CAPACITY);
        fill = SpscIndexRing.create(rings.asSlice(0, size), ShmEcho.RING_CAPACITY);
        completion = SpscIndexRing.create(rings.asSlice(size, size), ShmEcho.RING_CAPACITY);
        if (peer.equals("thread")) {
            MemorySegment ownRings = ShmEcho.mapRings(ringFile, arena);
            SharedPool echoPool = SharedPool.open(poolFile);
            echoThread = Thread.ofPlatform().daemon().start(() -> {
                ShmEcho.echo(echoPool, ShmEcho.ring(ownRings, 0), ShmEcho.ring(ownRings, 1));
                echoPool.close();
            });
        } else {
            echoProcess = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    Jvm.NATIVE_ACCESS, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ShmEcho.class.getName(), poolFile.toString(), ringFile.toString())).inheritIO().start();
        }
    }

    @Benchmark
    public long handOver(Control control) {
        int index;
        for (int attempt = 0; (index = pool.tryAcquire()) < 0; attempt++) {
            reap();
            if (control.stopMeasurement) {
                return -1;
            }
            HandoffBenchmark.pause(attempt);
        }
        pool.segment(index).set(ValueLayout.JAVA_LONG, 0, sequence++);
        for (int attempt = 0; !fill.offer(index); attempt++) {
            reap();
            if (control.stopMeasurement) {
                pool.release(index);
                return -1;
            }
            HandoffBenchmark.pause(attempt);
        }
        return reap();
    }

    /** Releases the blocks the completion ring brought back. */
    private int reap() {
        int n = completion.poll(returned, 0, returned.length);
        for (int i = 0; i < n; i++) {
            pool.release(returned[i]);
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        while (!fill.offer(ShmEcho.STOP)) {
            reap();
        }
        if (echoThread != null) {
            echoThread.join(10_000);
        }
        if (echoProcess != null && !echoProcess.waitFor(10, TimeUnit.SECONDS)) {
            echoProcess.destroyForcibly().waitFor();
        }
        pool.close();
        arena.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
