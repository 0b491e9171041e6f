package dev.allocator.shm;

import dev.allocator.api.Checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Creates and opens the mapping of a pool file, with the checks and messages of {@link SharedPool#open}. */
final class PoolFile {

    private PoolFile() {
    }

    /** Maps a new file of {@code size} bytes; the caller writes the header. */
    static MemorySegment create(Path file, long size, Arena arena) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create shared pool file " + file + ": " + e, e);
        }
    }

    /** Maps an existing pool file whole, after checking its header against its size. */
    static MemorySegment open(Path file, Arena arena) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size < SharedPoolDescriptor.RECORDS_OFFSET) {
                throw new IllegalArgumentException("file is not a shared pool (too small for a pool header): file="
                        + file + ", size=" + size);
            }
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            check(file, mapping);
            return mapping;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open shared pool file " + file + ": " + e, e);
        }
    }

    private static void check(Path file, MemorySegment mapping) {
        long magic = mapping.get(ValueLayout.JAVA_LONG, SharedPoolDescriptor.MAGIC_OFFSET);
        if (magic != SharedPoolDescriptor.MAGIC) {
            throw new IllegalArgumentException("file is not a shared pool (no pool header; create it with"
                    + " SharedPool.create): file=" + file + ", magic=" + Checks.hex(magic));
        }
        int version = mapping.get(ValueLayout.JAVA_INT, SharedPoolDescriptor.VERSION_OFFSET);
        if (version != SharedPoolDescriptor.VERSION) {
            throw new IllegalArgumentException("file is a shared pool of another layout version; this library reads"
                    + " version " + SharedPoolDescriptor.VERSION + ": file=" + file + ", version=" + version);
        }
        int blockSize = mapping.get(ValueLayout.JAVA_INT, SharedPoolDescriptor.BLOCK_SIZE_OFFSET);
        int capacity = mapping.get(ValueLayout.JAVA_INT, SharedPoolDescriptor.CAPACITY_OFFSET);
        long expected = size(blockSize, capacity);
        if (blockSize <= 0 || capacity <= 0 || capacity > SharedPoolDescriptor.MAX_CAPACITY
                || mapping.byteSize() != expected) {
            throw new IllegalArgumentException("shared pool file is truncated or corrupt: its size must be "
                    + expected + " for " + capacity + " blocks of " + blockSize + " bytes: file=" + file + ", size="
                    + mapping.byteSize());
        }
    }

    static long size(int blockSize, int capacity) {
        long slab = Checks.multiplyExact(Math.max(blockSize, 0), Math.max(capacity, 0), "slab size");
        return SharedPoolDescriptor.slabOffset(Math.max(capacity, 0)) + slab;
    }
}
