package dev.allocator.bench;

import dev.allocator.ring.MpmcIndexRing;
import dev.allocator.ring.SpscIndexRing;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Two threads handing over {@code int} indices, one per operation: our {@link SpscIndexRing} (state in a native
 * segment), JCTools' {@code SpscArrayQueue<Integer>} (with pre-boxed Integers, so the queue and not boxing is
 * measured), Agrona's {@code OneToOneRingBuffer} with 4-byte messages, and our {@link MpmcIndexRing} used by one
 * producer and one consumer; {@code spscBatch} is our SPSC ring moving 16 indices per call, scored per index. Each is a JMH group of one producer and one consumer; the score is the average time per
 * operation over both threads (lower is better; throughput is its inverse). A side that waits spins, then yields
 * ({@link HandoffBenchmark#pause}), and checks {@link Control#stopMeasurement} so that iterations end.
 *
 * {@snippet lang = "shell" :
 * java -jar allocator-bench/target/benchmarks.jar RingBenchmark -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.UNSAFE_ALLOWED, Jvm.AGRONA_UNSAFE, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RingBenchmark {

    /** Slots of every ring and queue. */
    static final int CAPACITY = 1024;
    /** The values handed over cycle through 0..CAPACITY-1, like block indices of a pool. */
    static final int MASK = CAPACITY - 1;
    /** Indices per call in the batch group. */
    static final int BATCH = 16;

    /** Our SPSC ring. */
    @State(Scope.Group)
    public static class Spsc {
        final SpscIndexRing ring = SpscIndexRing.create(
                Arena.ofAuto().allocate(SpscIndexRing.byteSize(CAPACITY), 128), CAPACITY);
        int next;

        @TearDown(Level.Iteration)
        public void drain() {
            while (ring.poll() >= 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Our SPSC ring with batches. */
    @State(Scope.Group)
    public static class SpscBatch {
        final SpscIndexRing ring = SpscIndexRing.create(
                Arena.ofAuto().allocate(SpscIndexRing.byteSize(CAPACITY), 128), CAPACITY);
        final int[] values = new int[BATCH];
        final int[] into = new int[BATCH];
        int next;

        @TearDown(Level.Iteration)
        public void drain() {
            while (ring.poll() >= 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Our MPMC ring, one producer and one consumer. */
    @State(Scope.Group)
    public static class Mpmc {
        final MpmcIndexRing ring = MpmcIndexRing.create(
                Arena.ofAuto().allocate(MpmcIndexRing.byteSize(CAPACITY), 128), CAPACITY);
        int next;

        @TearDown(Level.Iteration)
        public void drain() {
            while (ring.poll() >= 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** JCTools' SPSC queue of boxed indices. */
    @State(Scope.Group)
    public static class JcTools {
        final SpscArrayQueue<Integer> queue = new SpscArrayQueue<>(CAPACITY);
        final Integer[] boxed = new Integer[CAPACITY];
        int next;

        public JcTools() {
            for (int i = 0; i < CAPACITY; i++) {
                boxed[i] = i;   // one Integer object per index, made once
            }
        }

        @TearDown(Level.Iteration)
        public void drain() {
            queue.clear();
        }
    }

    /** Agrona's one-to-one ring buffer of 4-byte messages. */
    @State(Scope.Group)
    public static class Agrona {
        final OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
                Arena.ofAuto().allocate(16L * CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, 128).asByteBuffer()));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[4]);
        int next;
        int taken;
        /** Made once: a capturing lambda per poll would allocate. */
        final MessageHandler handler = (type, buffer, index, length) -> taken = buffer.getInt(index);

        @TearDown(Level.Iteration)
        public void drain() {
            while (ring.read((type, buffer, index, length) -> { }) > 0) {
                Thread.onSpinWait();
            }
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public void spscOffer(Spsc lane, Control control) {
        int value = lane.next++ & MASK;
        for (int attempt = 0; !lane.ring.offer(value); attempt++) {
            if (control.stopMeasurement) {
                return;
            }
            HandoffBenchmark.pause(attempt);
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public int spscPoll(Spsc lane, Control control) {
        int value;
        for (int attempt = 0; (value = lane.ring.poll()) < 0; attempt++) {
            if (control.stopMeasurement) {
                return -1;
            }
            HandoffBenchmark.pause(attempt);
        }
        return value;
    }

    /** Our SPSC ring moving {@value #BATCH} indices per call ({@code offer(int[])}/{@code poll(int[])}); score per index. */
    @Benchmark
    @Group("spscBatch")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public void spscBatchOffer(SpscBatch lane, Control control) {
        int base = lane.next;
        lane.next += BATCH;
        for (int i = 0; i < BATCH; i++) {
            lane.values[i] = (base + i) & MASK;
        }
        for (int sent = 0, attempt = 0; sent < BATCH; ) {
            int moved = lane.ring.offer(lane.values, sent, BATCH - sent);
            sent += moved;
            if (moved == 0) {
                if (control.stopMeasurement) {
                    return;
                }
                HandoffBenchmark.pause(attempt++);
            }
        }
    }

    @Benchmark
    @Group("spscBatch")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public int spscBatchPoll(SpscBatch lane, Control control) {
        int sum = 0;
        for (int taken = 0, attempt = 0; taken < BATCH; ) {
            int moved = lane.ring.poll(lane.into, 0, BATCH - taken);
            taken += moved;
            sum += moved == 0 ? 0 : lane.into[moved - 1];
            if (moved == 0) {
                if (control.stopMeasurement) {
                    return sum;
                }
                HandoffBenchmark.pause(attempt++);
            }
        }
        return sum;
    }

    @Benchmark
    @Group("mpmc")
    @GroupThreads(1)
    public void mpmcOffer(Mpmc lane, Control control) {
        int value = lane.next++ & MASK;
        for (int attempt = 0; !lane.ring.offer(value); attempt++) {
            if (control.stopMeasurement) {
                return;
            }
            HandoffBenchmark.pause(attempt);
        }
    }

    @Benchmark
    @Group("mpmc")
    @GroupThreads(1)
    public int mpmcPoll(Mpmc lane, Control control) {
        int value;
        for (int attempt = 0; (value = lane.ring.poll()) < 0; attempt++) {
            if (control.stopMeasurement) {
                return -1;
            }
            HandoffBenchmark.pause(attempt);
        }
        return value;
    }

    @Benchmark
    @Group("jctools")
    @GroupThreads(1)
    public void jctoolsOffer(JcTools lane, Control control) {
        Integer value = lane.boxed[lane.next++ & MASK];
        for (int attempt = 0; !lane.queue.offer(value); attempt++) {
            if (control.stopMeasurement) {
                return;
            }
            HandoffBenchmark.pause(attempt);
        }
    }

    @Benchmark
    @Group("jctools")
    @GroupThreads(1)
    public int jctoolsPoll(JcTools lane, Control control) {
        Integer value;
        for (int attempt = 0; (value = lane.queue.poll()) == null; attempt++) {
            if (control.stopMeasurement) {
                return -1;
            }
            HandoffBenchmark.pause(attempt);
        }
        return value;
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaOffer(Agrona lane, Control control) {
        lane.message.putInt(0, lane.next++ & MASK);
        for (int attempt = 0; !lane.ring.write(1, lane.message, 0, Integer.BYTES); attempt++) {
            if (control.stopMeasurement) {
                return;
            }
            HandoffBenchmark.pause(attempt);
        }
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public int agronaPoll(Agrona lane, Control control) {
        for (int attempt = 0; lane.ring.read(lane.handler, 1) == 0; attempt++) {
            if (control.stopMeasurement) {
                return -1;
            }
            HandoffBenchmark.pause(attempt);
        }
        return lane.taken;
    }
}
