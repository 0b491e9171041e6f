package dev.allocator.bench;

import dev.allocator.agrona.SegmentBuffer;
import dev.allocator.api.Allocators;
import dev.allocator.pool.BlockIndexes;
import dev.allocator.pool.FixedBlockPool;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds to re-wrap a flyweight over the next pooled block and encode then decode an SBE-like message in it
 * (a little-endian {@code long} timestamp, {@code int} id, {@code short} kind, {@code byte} flag and {@code double}
 * price, read back and summed), on one thread, for:
 * <ul>
 *   <li>{@code segmentBuffer}: our {@link SegmentBuffer}, {@code wrap(blocks.segment(index))} (scope-checked);</li>
 *   <li>{@code unsafeBuffer}: the peer, Agrona's {@link UnsafeBuffer}, {@code wrap(address, blockSize)} (raw
 *       address, Agrona's bounds checks on);</li>
 *   <li>{@code segment}: the floor, the same accesses on the pool's {@link MemorySegment} directly.</li>
 * </ul>
 * The blocks ({@value #BLOCKS} of {@value #BLOCK_SIZE} B, taken once) are cycled through so that each operation wraps
 * a different block, as a sender encoding into a ring of buffers does. Run with {@code -prof gc}: re-wrapping must
 * allocate nothing.
 *
 * {@snippet lang = "shell" :
 * java --enable-native-access=ALL-UNNAMED -jar allocator-bench/target/benchmarks.jar AgronaViewBenchmark -prof gc
 * }
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.AGRONA_UNSAFE, Jvm.HEAP, Jvm.HEAP_MAX})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class AgronaViewBenchmark {

    static final int BLOCKS = 64;
    static final int BLOCK_SIZE = 256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(LE);

    FixedBlockPool pool;
    BlockIndexes blocks;
    final int[] held = new int[BLOCKS];
    final SegmentBuffer segmentBuffer = new SegmentBuffer();
    final UnsafeBuffer unsafeBuffer = new UnsafeBuffer(0L, 0);
    int next;
    long sequence;

    /** Opens the pool and takes the blocks. */
    @Setup(Level.Trial)
    public void open() {
        pool = FixedBlockPool.builder().blockSize(BLOCK_SIZE).capacity(BLOCKS).backing(Allocators.system(), false)
                .build();
        blocks = pool.indexes();
        if (blocks.acquire(held, 0, BLOCKS) != BLOCKS) {
            throw new IllegalStateException("could not take every block: " + pool);
        }
    }

    /** Gives the blocks back and closes the pool. */
    @TearDown(Level.Trial)
    public void close() {
        blocks.release(held, 0, BLOCKS);
        pool.close();
    }

    private int nextBlock() {
        int index = held[next];
        next = (next + 1) & (BLOCKS - 1);
        return index;
    }

    private long encodeDecode(MutableDirectBuffer buffer) {
        long timestamp = ++sequence;
        buffer.putLong(0, timestamp, LE);
        buffer.putInt(8, (int) timestamp, LE);
        buffer.putShort(12, (short) 7, LE);
        buffer.putByte(14, (byte) 1);
        buffer.putDouble(16, 101.25, LE);
        return buffer.getLong(0, LE) + buffer.getInt(8, LE) + buffer.getShort(12, LE) + buffer.getByte(14)
                + (long) buffer.getDouble(16, LE);
    }

    /** Our view: wrap the pool's segment, encode, decode. */
    @Benchmark
    public long segmentBuffer() {
        segmentBuffer.wrap(blocks.segment(nextBlock()));
        return encodeDecode(segmentBuffer);
    }

    /** The peer: Agrona's UnsafeBuffer over the block's address. */
    @Benchmark
    public long unsafeBuffer() {
        unsafeBuffer.wrap(blocks.segment(nextBlock()).address(), BLOCK_SIZE);
        return encodeDecode(unsafeBuffer);
    }

    /** The floor: the same accesses on the segment itself. */
    @Benchmark
    public long segment() {
        MemorySegment block = blocks.segment(nextBlock());
        long timestamp = ++sequence;
        block.set(LONG, 0, timestamp);
        block.set(INT, 8, (int) timestamp);
        block.set(SHORT, 12, (short) 7);
        block.set(ValueLayout.JAVA_BYTE, 14, (byte) 1);
        block.set(DOUBLE, 16, 101.25);
        return block.get(LONG, 0) + block.get(INT, 8) + block.get(SHORT, 12) + block.get(ValueLayout.JAVA_BYTE, 14)
                + (long) block.get(DOUBLE, 16);
    }
}
