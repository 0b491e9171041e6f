package dev.allocator.tests.shm;

import dev.allocator.ring.SpscIndexRing;
import dev.allocator.shm.SharedPool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The worked example of docs/shm.md: two JVMs, one shared pool, a fill ring and a completion ring. The producer
 * ({@link #produce}) writes a frame into each block and passes its index on the fill ring; the consumer
 * ({@link #main}, another JVM) reads the frame and returns the index on the completion ring; the producer releases
 * the blocks that come back. {@link ShmExampleTest} runs it.
 */
public final class ShmExample {

    static final int FRAME = 2048;
    static final int FRAMES = 1024;
    static final int RING = 512;
    static final int STOP = Integer.MAX_VALUE;

    private ShmExample() {
    }

    /** Maps the ring file: the fill ring, then the completion ring. */
    static SpscIndexRing[] rings(Path file, Arena arena, boolean create) throws IOException {
        long size = SpscIndexRing.byteSize(RING);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MemorySegment both = channel.map(FileChannel.MapMode.READ_WRITE, 0, 2 * size, arena);
            MemorySegment fill = both.asSlice(0, size);
            MemorySegment completion = both.asSlice(size, size);
            return create
                    ? new SpscIndexRing[] {SpscIndexRing.create(fill, RING), SpscIndexRing.create(completion, RING)}
                    : new SpscIndexRing[] {SpscIndexRing.attach(fill), SpscIndexRing.attach(completion)};
        }
    }

    /** Producer: creates the pool and the rings (before the consumer starts). */
    static SharedPool create(Path poolFile, Path ringFile, Arena arena) throws IOException {
        SharedPool pool = SharedPool.create(poolFile, FRAME, FRAMES);
        rings(ringFile, arena, true);
        return pool;
    }

    /** Producer: sends {@code count} frames (frame i holds the int i), then STOP; returns when all came back. */
    static void produce(SharedPool pool, Path ringFile, Arena arena, int count) throws IOException {
        SpscIndexRing[] rings = rings(ringFile, arena, false);
        SpscIndexRing fill = rings[0];
        SpscIndexRing completion = rings[1];
        int sent = 0;
        int back = 0;
        while (back < count) {
            int index;
            if (sent < count && (index = pool.tryAcquire()) >= 0) {
                pool.segment(index).set(JAVA_INT, 0, sent);             // the frame's data
                while (!fill.offer(index)) {                             // hand over the index, not the data
                    Thread.onSpinWait();
                }
                sent++;
            }
            for (int done; (done = completion.poll()) >= 0; back++) {   // the consumer is done with these
                pool.release(done);
            }
        }
        while (!fill.offer(STOP)) {
            Thread.onSpinWait();
        }
    }

    /**
     * Consumer, in its own JVM: {@code ShmExample POOL_FILE RING_FILE}; prints the sum of the frames' ints.
     *
     * @param args the pool file and the ring file the producer created
     * @throws IOException if a file cannot be mapped
     */
    public static void main(String[] args) throws IOException {
        try (Arena arena = Arena.ofShared(); SharedPool pool = SharedPool.open(Path.of(args[0]))) {
            SpscIndexRing[] rings = rings(Path.of(args[1]), arena, false);
            long sum = 0;
            for (int index; (index = rings[0].poll()) != STOP; ) {
                if (index < 0) {
                    Thread.onSpinWait();                                 // empty: spin (or park, or poll a socket)
                    continue;
                }
                sum += pool.segment(index).get(JAVA_INT, 0);             // read the frame in place
                while (!rings[1].offer(index)) {                         // give the block back to the producer
                    Thread.onSpinWait();
                }
            }
            System.out.println(sum);
        }
    }
}
