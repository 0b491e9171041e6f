package dev.allocator.bench;

import org.lwjgl.system.rpmalloc.RPmalloc;

/**
 * The rpmalloc peer: LWJGL's binding of rpmalloc (a lock-free thread-caching allocator), addresses as {@code long},
 * as {@link Malloc} is for the C library. rpmalloc needs each thread initialized once: {@link #malloc} does it.
 */
public final class Rpmalloc {

    static {
        if (RPmalloc.nrpmalloc_initialize(0L) != 0) {
            throw new ExceptionInInitializerError("rpmalloc_initialize failed");
        }
    }

    private Rpmalloc() {
    }

    /** Initializes rpmalloc for the calling thread, once. */
    public static void initThread() {
        if (!RPmalloc.rpmalloc_is_thread_initialized()) {
            RPmalloc.rpmalloc_thread_initialize();
        }
    }

    /**
     * {@code rpmalloc(size)} for a thread {@link #initThread initialized} before.
     *
     * @param size bytes
     * @return the address
     * @throws OutOfMemoryError if rpmalloc returns {@code NULL}
     */
    public static long malloc(long size) {
        final long address = RPmalloc.nrpmalloc(size);
        if (address == 0) {
            throw new OutOfMemoryError("rpmalloc(" + size + ") returned NULL");
        }
        return address;
    }

    /**
     * {@code rpfree(address)}.
     *
     * @param address an address {@link #malloc} returned and not freed since
     */
    public static void free(long address) {
        RPmalloc.nrpfree(address);
    }
}
