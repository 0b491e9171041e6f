package dev.allocator.ring;

import dev.allocator.api.Checks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The first line of every ring region: magic, version, kind, capacity. Writes it ({@link #write}) and checks it
 * ({@link #check}) with messages that say what is wrong; the per-kind layouts are in the descriptors.
 */
final class RingHeader {

    /** "IDXRING" and a zero byte, little-endian: tells a ring region from anything else. */
    static final long MAGIC = 0x00474E4952584449L;
    /** Bumped whenever a layout changes; attach refuses any other. */
    static final int VERSION = 2;

    static final long MAGIC_OFFSET = 0;
    /** The magic is stored last with release and read first with acquire: a ring that has it is complete. */
    private static final VarHandle MAGIC_WORD = ValueLayout.JAVA_LONG.varHandle();
    static final long VERSION_OFFSET = 8;
    static final long KIND_OFFSET = 12;
    static final long CAPACITY_OFFSET = 16;
    /** One header line, one producer line, one consumer line: 128 bytes apart so no two share a prefetched pair. */
    static final long LINE = 128;
    /** The largest power of two an int holds: the largest capacity. */
    static final int MAX_CAPACITY = 1 << 30;

    private RingHeader() {
    }

    /** Checks capacity and region, clears the positions and the slots and writes the header last. */
    static void write(MemorySegment region, int capacity, int kind, long byteSize) {
        Checks.requirePowerOfTwo(capacity, "capacity");
        checkRegion(region, byteSize);
        region.asSlice(LINE, byteSize - LINE).fill((byte) 0);
        region.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        region.set(ValueLayout.JAVA_INT, KIND_OFFSET, kind);
        region.set(ValueLayout.JAVA_INT, CAPACITY_OFFSET, capacity);
        MAGIC_WORD.setRelease(region, MAGIC_OFFSET, MAGIC);
    }

    /** Checks what another party wrote; returns the capacity. */
    static int check(MemorySegment region, int kind, String kindName) {
        checkRegion(region, 3 * LINE);
        long magic = (long) MAGIC_WORD.getAcquire(region, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalArgumentException("region is not an index ring (no ring header; create it first): magic="
                    + Checks.hex(magic));
        }
        int version = region.get(ValueLayout.JAVA_INT, VERSION_OFFSET);
        if (version != VERSION) {
            throw new IllegalArgumentException("region holds an index ring of another layout version; this library"
                    + " reads version " + VERSION + ": version=" + version);
        }
        int found = region.get(ValueLayout.JAVA_INT, KIND_OFFSET);
        if (found != kind) {
            throw new IllegalArgumentException("region must hold " + kindName + " (kind " + kind + ")"
                    + ": kind=" + found);
        }
        int capacity = region.get(ValueLayout.JAVA_INT, CAPACITY_OFFSET);
        if (capacity <= 0 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring header is corrupt: capacity must be a power of 2 up to "
                    + MAX_CAPACITY + ": capacity=" + capacity);
        }
        return capacity;
    }

    static void checkRegion(MemorySegment region, long byteSize) {
        if (region == null) {
            throw new NullPointerException("region");
        }
        Checks.requireInRange(region.byteSize(), byteSize, Long.MAX_VALUE, "region byteSize");
        if (region.maxByteAlignment() < Long.BYTES || (region.address() & (Long.BYTES - 1)) != 0) {
            throw new IllegalArgumentException("region must be aligned to 8 bytes: address="
                    + Checks.hex(region.address()) + ", maxByteAlignment=" + region.maxByteAlignment());
        }
    }

    /** Checks a batch argument against the array it names. */
    static void checkRange(int[] array, int offset, int count) {
        if (array == null) {
            throw new NullPointerException("array");
        }
        Checks.requireInRange(offset, 0, array.length, "offset");
        Checks.requireInRange(count, 0, array.length - offset, "count");
    }

    /** Checks that every value of a batch is {@code >= 0} before any is offered. */
    static void checkValues(int[] values, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            if (values[i] < 0) {
                throw new IllegalArgumentException("values must be >= 0: values[" + i + "]=" + values[i]);
            }
        }
    }
}
