package dev.allocator.io.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code mlock}, {@code munlock}, {@code getrlimit(RLIMIT_MEMLOCK)} and the page size, through the FFM
 * {@link Linker}, with {@code errno} captured by {@link Linker.Option#captureCallState}. Linux only.
 *
 * <p>Thread-safe: the handles are immutable and each call captures {@code errno} into memory of its own.
 */
public final class MemoryLock {

    /** {@code RLIMIT_MEMLOCK} on Linux (x86-64 and AArch64). */
    public static final int RLIMIT_MEMLOCK = 8;
    /** {@code RLIM_INFINITY} on Linux: all ones. */
    public static final long RLIM_INFINITY = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MLOCK = withErrno("mlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MUNLOCK = withErrno("munlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETRLIMIT = withErrno("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETPAGESIZE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpagesize").orElseThrow(), FunctionDescriptor.of(JAVA_INT));

    private MemoryLock() {
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsupportedOperationException("the C library has no " + name)), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    /**
     * Locks {@code bytes} from {@code address} into RAM ({@code mlock}; the kernel rounds to whole pages).
     *
     * @param address the first byte
     * @param bytes   how many
     * @return 0, or the {@code errno} of the refusal ({@code ENOMEM} 12 over the limit, {@code EPERM} 1)
     */
    public static int lock(long address, long bytes) {
        return call(MLOCK, address, bytes);
    }

    /**
     * Unlocks what {@link #lock} locked ({@code munlock}).
     *
     * @param address the first byte
     * @param bytes   how many
     * @return 0, or the {@code errno} of the refusal
     */
    public static int unlock(long address, long bytes) {
        return call(MUNLOCK, address, bytes);
    }

    private static int call(MethodHandle handle, long address, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = arena.allocate(CALL_STATE);
            final int result = (int) handle.invokeExact(state, MemorySegment.ofAddress(address), bytes);
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("native call failed: " + e, e);
        }
    }

    /**
     * The soft and hard {@code RLIMIT_MEMLOCK} of this process ({@code getrlimit}).
     *
     * @return {soft, hard} in bytes, each {@link #RLIM_INFINITY} when unlimited
     * @throws IllegalStateException when {@code getrlimit} fails (its errno in the message)
     */
    public static long[] memlockLimit() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = arena.allocate(CALL_STATE);
            final MemorySegment limit = arena.allocate(JAVA_LONG, 2);
            final int result = (int) GETRLIMIT.invokeExact(state, RLIMIT_MEMLOCK, limit);
            if (result != 0) {
                throw new IllegalStateException("getrlimit(RLIMIT_MEMLOCK) must succeed: errno="
                        + (int) ERRNO.get(state, 0L));
            }
            return new long[] {limit.getAtIndex(JAVA_LONG, 0), limit.getAtIndex(JAVA_LONG, 1)};
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("native call failed: " + e, e);
        }
    }

    /**
     * The size of a memory page ({@code getpagesize}).
     *
     * @return bytes, a power of two
     */
    public static long pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("native call failed: " + e, e);
        }
    }

    /**
     * A limit as text: the number, or {@code unlimited}.
     *
     * @param limit a value from {@link #memlockLimit()}
     * @return the text
     */
    public static String describe(long limit) {
        return limit == RLIM_INFINITY ? "unlimited" : Long.toString(limit);
    }
}
