package dev.allocator.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The raw-malloc peer: {@code malloc} and {@code free} through our own FFM downcall handles, addresses as
 * {@code long}, no registry, no segment objects. This is what a user who calls the C library directly pays.
 *
 * <p>Memory at an address is written through {@link #MEMORY}, one segment spanning the whole address space, so a
 * write costs no object either.
 */
public final class Malloc {

    /** A segment over every address, for writes at raw addresses. */
    public static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        // Critical: malloc and free never call back into Java, so the thread-state transition can be skipped.
        Linker.Option critical = Linker.Option.critical(false);
        MALLOC = linker.downcallHandle(libc.find("malloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), critical);
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG), critical);
    }

    private Malloc() {
    }

    /**
     * {@code malloc(size)}.
     *
     * @param size bytes
     * @return the address
     * @throws OutOfMemoryError if the C library returns {@code NULL}
     */
    public static long malloc(long size) {
        final long address;
        try {
            address = (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw new AssertionError("malloc downcall failed", t);
        }
        if (address == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") returned NULL");
        }
        return address;
    }

    /**
     * {@code free(address)}.
     *
     * @param address an address {@link #malloc} returned and not freed since
     */
    public static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new AssertionError("free downcall failed", t);
        }
    }
}
