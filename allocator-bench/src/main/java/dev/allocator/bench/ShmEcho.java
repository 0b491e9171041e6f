package dev.allocator.bench;

import dev.allocator.ring.SpscIndexRing;
import dev.allocator.shm.SharedPool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The consumer side of {@link ShmHandoverBenchmark}: takes block indices from the fill ring, reads the block's first
 * word and writes its complement, and returns the index through the completion ring, until it takes {@link #STOP}.
 * Runs as a thread of the benchmark's JVM or, through {@link #main}, as a second JVM over the same files.
 */
public final class ShmEcho {

    /** Ends the echo (no block has this index). */
    static final int STOP = Integer.MAX_VALUE;
    static final int RING_CAPACITY = 512;

    private ShmEcho() {
    }

    /** Maps the file holding the fill ring and then the completion ring. */
    static MemorySegment mapRings(Path file, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, 2 * SpscIndexRing.byteSize(RING_CAPACITY), arena);
        }
    }

    static SpscIndexRing ring(MemorySegment rings, int which) {
        long size = SpscIndexRing.byteSize(RING_CAPACITY);
        return SpscIndexRing.attach(rings.asSlice(which * size, size));
    }

    /** Echoes until STOP. */
    static void echo(SharedPool pool, SpscIndexRing fill, SpscIndexRing completion) {
        int[] batch = new int[64];
        for (int attempt = 0; ; ) {
            int n = fill.poll(batch, 0, batch.length);
            if (n == 0) {
                HandoffBenchmark.pause(attempt++);
                continue;
            }
            attempt = 0;
            for (int i = 0; i < n; i++) {
                if (batch[i] == STOP) {
                    return;
                }
                MemorySegment block = pool.segment(batch[i]);
                block.set(ValueLayout.JAVA_LONG, 0, ~block.get(ValueLayout.JAVA_LONG, 0));
            }
            for (int sent = 0, wait = 0; sent < n; ) {
                int moved = completion.offer(batch, sent, n - sent);
                sent += moved;
                if (moved == 0) {
                    HandoffBenchmark.pause(wait++);
                }
            }
        }
    }

    /**
     * The second JVM: {@code ShmEcho POOL_FILE RING_FILE}.
     *
     * @param args the pool file and the ring file the benchmark created
     * @throws IOException if a file cannot be mapped
     */
    public static void main(String[] args) throws IOException {
        try (Arena arena = Arena.ofShared(); SharedPool pool = SharedPool.open(Path.of(args[0]))) {
            MemorySegment rings = mapRings(Path.of(args[1]), arena);
            echo(pool, ring(rings, 0), ring(rings, 1));
        }
    }
}
