package dev.allocator.secure;

import dev.allocator.api.Checks;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;

/**
 * The canary of one {@link SecureAllocator}: 16 random bytes, written before each allocation and repeated over its
 * slack (see {@link SecureBlockDescriptor}), compared on free. Random per allocator, so that code overrunning a buffer
 * cannot know what to write back. Immutable, thread-safe.
 */
final class Canary {

    private final byte[] bytes = new byte[(int) SecureBlockDescriptor.CANARY];

    Canary() {
        new SecureRandom().nextBytes(bytes);
    }

    /** Writes the canary before {@code [address, address + size)} and over the slack up to {@code dataEnd}. */
    void write(long address, long size, long dataEnd) {
        MemorySegment before = MemorySegment.ofAddress(address - bytes.length).reinterpret(bytes.length);
        MemorySegment.copy(bytes, 0, before, ValueLayout.JAVA_BYTE, 0, bytes.length);
        MemorySegment slack = MemorySegment.ofAddress(address + size).reinterpret(dataEnd - address - size);
        for (long i = 0; i < slack.byteSize(); i++) {
            slack.set(ValueLayout.JAVA_BYTE, i, bytes[(int) (i % bytes.length)]);
        }
    }

    /**
     * Compares the canary around {@code [address, address + size)}.
     *
     * @return {@code null} when intact, else which bytes differ
     */
    String check(long address, long size, long dataEnd) {
        MemorySegment before = MemorySegment.ofAddress(address - bytes.length).reinterpret(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (before.get(ValueLayout.JAVA_BYTE, i) != bytes[i]) {
                return "the canary byte at " + Checks.hex(address - bytes.length + i) + " (" + (bytes.length - i)
                        + " bytes before the allocation) was overwritten";
            }
        }
        MemorySegment slack = MemorySegment.ofAddress(address + size).reinterpret(dataEnd - address - size);
        for (long i = 0; i < slack.byteSize(); i++) {
            if (slack.get(ValueLayout.JAVA_BYTE, i) != bytes[(int) (i % bytes.length)]) {
                return "the slack byte at " + Checks.hex(address + size + i) + " (" + i
                        + " bytes after the allocation's end) was overwritten";
            }
        }
        return null;
    }
}
