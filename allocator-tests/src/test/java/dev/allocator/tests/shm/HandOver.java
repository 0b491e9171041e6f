package dev.allocator.tests.shm;

import dev.allocator.ring.SpscIndexRing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What both processes of the two-process tests share besides the pool: a file with two SPSC rings, the fill ring
 * (producer to consumer: blocks full of data) and the completion ring (consumer to producer: blocks done with), and
 * the payload a block carries (a sequence number and words derived from it, so a stale or torn block is seen).
 */
final class HandOver {

    static final int RING_CAPACITY = 256;
    static final int BLOCK_SIZE = 64;
    static final int WORDS = BLOCK_SIZE / Long.BYTES;

    final SpscIndexRing fill;
    final SpscIndexRing completion;

    private HandOver(MemorySegment mapping, boolean create) {
        long size = SpscIndexRing.byteSize(RING_CAPACITY);
        MemorySegment first = mapping.asSlice(0, size);
        MemorySegment second = mapping.asSlice(size, size);
        fill = create ? SpscIndexRing.create(first, RING_CAPACITY) : SpscIndexRing.attach(first);
        completion = create ? SpscIndexRing.create(second, RING_CAPACITY) : SpscIndexRing.attach(second);
    }

    /** Creates (the producer) or attaches to (the consumer) the rings in {@code file}. */
    static HandOver map(Path file, boolean create, Arena arena) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return new HandOver(channel.map(FileChannel.MapMode.READ_WRITE, 0,
                    2 * SpscIndexRing.byteSize(RING_CAPACITY), arena), create);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The producer fills a block for sequence number {@code sequence}. */
    static void fill(MemorySegment block, long sequence) {
        for (int i = 0; i < WORDS; i++) {
            block.set(ValueLayout.JAVA_LONG, i * 8L, word(sequence, i));
        }
    }

    /** The consumer checks a block carries {@code sequence} and marks it done (word 0 = ~sequence). */
    static boolean checkAndMark(MemorySegment block, long sequence) {
        boolean ok = true;
        for (int i = 0; i < WORDS; i++) {
            ok &= block.get(ValueLayout.JAVA_LONG, i * 8L) == word(sequence, i);
        }
        block.set(ValueLayout.JAVA_LONG, 0, ~sequence);
        return ok;
    }

    /** The producer checks the consumer's mark. */
    static boolean marked(MemorySegment block, long sequence) {
        return block.get(ValueLayout.JAVA_LONG, 0) == ~sequence;
    }

    private static long word(long sequence, int i) {
        return i == 0 ? sequence : (sequence + 1) * 0x9E3779B97F4A7C15L ^ i;
    }
}
