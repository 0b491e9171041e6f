package dev.allocator.system.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls to the C library's allocation functions. Pointers travel as {@code long} (the platform must have 64-bit
 * pointers, checked when this class loads), so a call allocates no Java object.
 *
 * <p>The calls are linked {@linkplain Linker.Option#critical(boolean) critical}: these functions neither call back
 * into Java nor block for long, so the thread skips the state transition a normal downcall pays.
 */
public final class Libc {

    private static final MethodHandle MALLOC;
    private static final MethodHandle CALLOC;
    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    static {
        if (ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
            throw new ExceptionInInitializerError("the system allocator needs 64-bit pointers; this platform has "
                    + ValueLayout.ADDRESS.byteSize() * 8 + "-bit pointers");
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option critical = Linker.Option.critical(false);
        ValueLayout.OfLong word = ValueLayout.JAVA_LONG;
        MALLOC = linker.downcallHandle(find(libc, "malloc"), FunctionDescriptor.of(word, word), critical);
        CALLOC = linker.downcallHandle(find(libc, "calloc"), FunctionDescriptor.of(word, word, word), critical);
        ALIGNED_ALLOC = linker.downcallHandle(find(libc, "aligned_alloc"), FunctionDescriptor.of(word, word, word),
                critical);
        FREE = linker.downcallHandle(find(libc, "free"), FunctionDescriptor.ofVoid(word), critical);
    }

    private Libc() {
    }

    private static java.lang.foreign.MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(
                () -> new ExceptionInInitializerError("the C library has no function '" + name + "'"));
    }

    /**
     * {@code malloc(size)}.
     *
     * @param size bytes, {@code > 0}
     * @return the address, or 0 when the C library refuses
     */
    public static long malloc(long size) {
        try {
            return (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code calloc(1, size)}: zeroed memory.
     *
     * @param size bytes, {@code > 0}
     * @return the address, or 0 when the C library refuses
     */
    public static long calloc(long size) {
        try {
            return (long) CALLOC.invokeExact(1L, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code aligned_alloc(alignment, size)}.
     *
     * @param alignment a power of two, at least the size of a pointer
     * @param size      bytes, {@code > 0}
     * @return the address, or 0 when the C library refuses
     */
    public static long alignedAlloc(long alignment, long size) {
        try {
            return (long) ALIGNED_ALLOC.invokeExact(alignment, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code free(address)}.
     *
     * @param address an address returned by one of the other methods and not freed since
     */
    public static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native allocation call failed", t);
    }
}
