package dev.allocator.pages.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The memory-management system calls ({@code mmap}, {@code munmap}, {@code mprotect}, {@code madvise}, {@code mlock},
 * {@code munlock}, {@code mbind} through {@code syscall}, {@code getrlimit}, {@code explicit_bzero}) through the FFM
 * {@link Linker}. Addresses travel as {@code long}. Each call that can fail captures {@code errno} with
 * {@link Linker.Option#captureCallState(String...)} into a per-thread buffer and returns it: 0 is success. Linux on
 * x86-64 or AArch64 only (the constants below are theirs; checked when this class loads).
 *
 * <p>Thread-safe: the handles are immutable and each thread captures into its own buffer.
 */
public final class Mman {

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_HUGETLB = 0x40000;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_DONTDUMP = 16;
    public static final int MADV_POPULATE_WRITE = 23;
    public static final int MPOL_BIND = 2;
    public static final int RLIMIT_MEMLOCK = 8;
    public static final int ENOMEM = 12;
    public static final int EPERM = 1;
    public static final int EAGAIN = 11;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;
    /** What {@code mmap} returns on failure. */
    public static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));
    private static final long SYS_MBIND;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MPROTECT;
    private static final MethodHandle MADVISE;
    private static final MethodHandle MLOCK;
    private static final MethodHandle MUNLOCK;
    private static final MethodHandle MBIND;
    private static final MethodHandle GETRLIMIT;
    private static final MethodHandle GETPAGESIZE;
    private static final MethodHandle EXPLICIT_BZERO;

    static {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").startsWith("Linux") || ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
            throw new ExceptionInInitializerError("pages and secure need 64-bit Linux: os.name="
                    + System.getProperty("os.name") + ", os.arch=" + arch);
        }
        SYS_MBIND = switch (arch) {
            case "amd64", "x86_64" -> 237;
            case "aarch64" -> 235;
            default -> throw new ExceptionInInitializerError("pages and secure know the system calls of amd64 and "
                    + "aarch64 only: os.arch=" + arch);
        };
        ValueLayout.OfLong word = JAVA_LONG;
        ValueLayout.OfInt i32 = JAVA_INT;
        MMAP = withErrno("mmap", FunctionDescriptor.of(word, word, word, i32, i32, i32, word));
        MUNMAP = withErrno("munmap", FunctionDescriptor.of(i32, word, word));
        MPROTECT = withErrno("mprotect", FunctionDescriptor.of(i32, word, word, i32));
        MADVISE = withErrno("madvise", FunctionDescriptor.of(i32, word, word, i32));
        MLOCK = withErrno("mlock", FunctionDescriptor.of(i32, word, word));
        MUNLOCK = withErrno("munlock", FunctionDescriptor.of(i32, word, word));
        GETRLIMIT = withErrno("getrlimit", FunctionDescriptor.of(i32, i32, ADDRESS));
        // long syscall(long number, ...): mbind(addr, len, mode, nodemask, maxnode, flags), every argument a word
        MBIND = LINKER.downcallHandle(find("syscall"), FunctionDescriptor.of(word, word, word, word, word, word,
                word, word), Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        GETPAGESIZE = LINKER.downcallHandle(find("getpagesize"), FunctionDescriptor.of(i32));
        EXPLICIT_BZERO = LINKER.downcallHandle(find("explicit_bzero"), FunctionDescriptor.ofVoid(word, word),
                Linker.Option.critical(false));
    }

    private Mman() {
    }

    private static MemorySegment find(String name) {
        SymbolLookup libc = LINKER.defaultLookup();
        return libc.find(name).orElseThrow(
                () -> new ExceptionInInitializerError("the C library has no function '" + name + "'"));
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * {@code mmap(NULL, length, prot, flags, -1, 0)}: anonymous memory.
     *
     * @return the address, or {@code -errno} (a negative number) when the kernel refuses
     */
    public static long map(long length, int prot, int flags) {
        MemorySegment state = STATE.get();
        try {
            long address = (long) MMAP.invokeExact(state, 0L, length, prot, flags, -1, 0L);
            return address == MAP_FAILED ? -errno(state) : address;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code munmap(address, length)}; returns 0 or errno. */
    public static int unmap(long address, long length) {
        return call(MUNMAP, address, length);
    }

    /** {@code mlock(address, length)}; returns 0 or errno ({@code ENOMEM} beyond {@code RLIMIT_MEMLOCK}). */
    public static int lock(long address, long length) {
        return call(MLOCK, address, length);
    }

    /** {@code munlock(address, length)}; returns 0 or errno. */
    public static int unlock(long address, long length) {
        return call(MUNLOCK, address, length);
    }

    private static int call(MethodHandle handle, long address, long length) {
        MemorySegment state = STATE.get();
        try {
            return (int) handle.invokeExact(state, address, length) == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code mprotect(address, length, prot)}; returns 0 or errno. */
    public static int protect(long address, long length, int prot) {
        return callWithInt(MPROTECT, address, length, prot);
    }

    /** {@code madvise(address, length, advice)}; returns 0 or errno. */
    public static int advise(long address, long length, int advice) {
        return callWithInt(MADVISE, address, length, advice);
    }

    private static int callWithInt(MethodHandle handle, long address, long length, int value) {
        MemorySegment state = STATE.get();
        try {
            return (int) handle.invokeExact(state, address, length, value) == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code mbind(address, length, MPOL_BIND, {node}, 65, 0)}: the pages of the range come from {@code node} only.
     *
     * @param node a NUMA node below 64
     * @return 0 or errno ({@code ENOSYS} on a kernel without NUMA)
     */
    public static int bind(long address, long length, int node) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(JAVA_LONG);
            mask.set(JAVA_LONG, 0, 1L << node);
            // maxnode counts one more bit than the mask holds: the kernel reads maxnode - 1 bits
            long result = (long) MBIND.invokeExact(state, SYS_MBIND, address, length, (long) MPOL_BIND,
                    mask.address(), 65L, 0L);
            return result == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The soft {@code RLIMIT_MEMLOCK} of this process ({@code getrlimit}).
     *
     * @return bytes, or -1 ({@code RLIM_INFINITY}) when unlimited
     */
    public static long memlockLimit() {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limits = arena.allocate(JAVA_LONG, 2);
            if ((int) GETRLIMIT.invokeExact(state, RLIMIT_MEMLOCK, limits) != 0) {
                throw new IllegalStateException("getrlimit(RLIMIT_MEMLOCK) must succeed: errno=" + errno(state));
            }
            return limits.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The size of a base page ({@code getpagesize}), a power of two. */
    public static long pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code explicit_bzero(address, length)}: zeroes the bytes in a way the C library guarantees no compiler removes
     * (unlike a plain store to memory that is never read again).
     */
    public static void wipe(long address, long length) {
        try {
            EXPLICIT_BZERO.invokeExact(address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An errno as text for messages: {@code errno=12 (ENOMEM)}. */
    public static String describe(int errno) {
        String name = switch (errno) {
            case EPERM -> "EPERM";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EINVAL -> "EINVAL";
            case ENOSYS -> "ENOSYS";
            default -> null;
        };
        return "errno=" + errno + (name == null ? "" : " (" + name + ")");
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
