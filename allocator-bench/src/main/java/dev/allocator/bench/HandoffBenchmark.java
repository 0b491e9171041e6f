package dev.allocator.bench;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Producer/consumer: one thread allocates a block, writes into it and hands it to a second thread through a
 * single-producer single-consumer queue (Agrona's {@code OneToOneConcurrentArrayQueue}); the second thread reads it
 * and frees it. Every block is freed on a thread other than the one that allocated it, the case where per-thread
 * caches have to send memory home. {@code queue} passes one preallocated object back and forth: the cost of the
 * hand-off alone.
 *
 * <p>Each benchmark is a JMH group of one producer and one consumer (so it always runs two threads). The score is
 * the average time per operation over both threads; the {@code :produce} and {@code :consume} secondary results
 * split it. A side that waits for the other spins, then yields, and checks {@link Control#stopMeasurement} so that iterations end.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar HandoffBenchmark -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.NETTY_NO_LEAK_DETECTION, Jvm.UNSAFE_ALLOWED, Jvm.AGRONA_UNSAFE,
        Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class HandoffBenchmark {

    /*
     * The queue holds at most QUEUE blocks, so the pool needs QUEUE blocks in flight plus whatever the two threads'
     * caches hold: POOL_CAPACITY leaves a wide margin so that allocate never fails for lack of blocks.
     */

    static final int QUEUE = 1024;
    static final int POOL_CAPACITY = 16 * QUEUE;
    static final long VALUE = 0x3C3C_3C3C_3C3C_3C3CL;
    static final int SPINS = 100;

    /** Our pool and the queue between the two threads of one group. */
    @State(Scope.Group)
    public static class PoolLane {
        @Param({"64", "4096"})
        public int size;
        Allocator pool;
        Layout layout;
        final OneToOneConcurrentArrayQueue<MemorySegment> queue = new OneToOneConcurrentArrayQueue<>(QUEUE);

        @Setup(Level.Trial)
        public void open() {
            pool = Allocators.open(Specs.pool(size, POOL_CAPACITY));
            layout = Layout.of(size, Long.BYTES);
        }

        @TearDown(Level.Iteration)
        public void drain() {
            for (MemorySegment block; (block = queue.poll()) != null; ) {
                pool.deallocate(block, layout);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    /** Netty's pooled allocator and the queue between the two threads of one group. */
    @State(Scope.Group)
    public static class NettyLane {
        @Param({"64", "4096"})
        public int size;
        final OneToOneConcurrentArrayQueue<ByteBuf> queue = new OneToOneConcurrentArrayQueue<>(QUEUE);

        @TearDown(Level.Iteration)
        public void drain() {
            for (ByteBuf block; (block = queue.poll()) != null; ) {
                block.release();
            }
        }
    }

    /** The queue alone, with one token passed back and forth. */
    @State(Scope.Group)
    public static class QueueLane {
        /** Unused: declared so that the baseline's results line up with the others' in the report. */
        @Param({"64", "4096"})
        public int size;
        final Object token = new Object();
        final OneToOneConcurrentArrayQueue<Object> queue = new OneToOneConcurrentArrayQueue<>(QUEUE);

        @TearDown(Level.Iteration)
        public void drain() {
            queue.clear();
        }
    }

    /**
     * Waits for the other side: spins briefly, then yields, so that a machine with more runnable threads than cores
     * (the JMH host, the OS) does not leave one side spinning out whole time slices while the other cannot run.
     */
    static void pause(int attempt) {
        if (attempt < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Benchmark
    @Group("pool")
    @GroupThreads(1)
    public void poolProduce(PoolLane lane, Control control) {
        MemorySegment block = lane.pool.allocate(lane.layout);
        block.set(JAVA_LONG, 0, VALUE);
        for (int attempt = 0; !lane.queue.offer(block); attempt++) {
            if (control.stopMeasurement) {
                lane.pool.deallocate(block, lane.layout);
                return;
            }
            pause(attempt);
        }
    }

    @Benchmark
    @Group("pool")
    @GroupThreads(1)
    public long poolConsume(PoolLane lane, Control control) {
        MemorySegment block;
        for (int attempt = 0; (block = lane.queue.poll()) == null; attempt++) {
            if (control.stopMeasurement) {
                return 0;
            }
            pause(attempt);
        }
        long value = block.get(JAVA_LONG, 0);
        lane.pool.deallocate(block, lane.layout);
        return value;
    }

    @Benchmark
    @Group("nettyPooled")
    @GroupThreads(1)
    public void nettyProduce(NettyLane lane, Control control) {
        ByteBuf block = PooledByteBufAllocator.DEFAULT.directBuffer(lane.size);
        block.setLong(0, VALUE);
        for (int attempt = 0; !lane.queue.offer(block); attempt++) {
            if (control.stopMeasurement) {
                block.release();
                return;
            }
            pause(attempt);
        }
    }

    @Benchmark
    @Group("nettyPooled")
    @GroupThreads(1)
    public long nettyConsume(NettyLane lane, Control control) {
        ByteBuf block;
        for (int attempt = 0; (block = lane.queue.poll()) == null; attempt++) {
            if (control.stopMeasurement) {
                return 0;
            }
            pause(attempt);
        }
        long value = block.getLong(0);
        block.release();
        return value;
    }

    @Benchmark
    @Group("queue")
    @GroupThreads(1)
    public void queueProduce(QueueLane lane, Control control) {
        for (int attempt = 0; !lane.queue.offer(lane.token); attempt++) {
            if (control.stopMeasurement) {
                return;
            }
            pause(attempt);
        }
    }

    @Benchmark
    @Group("queue")
    @GroupThreads(1)
    public Object queueConsume(QueueLane lane, Control control) {
        Object token;
        for (int attempt = 0; (token = lane.queue.poll()) == null; attempt++) {
            if (control.stopMeasurement) {
                return null;
            }
            pause(attempt);
        }
        return token;
    }
}
