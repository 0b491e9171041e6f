package dev.allocator.bench;

/**
 * The JVM flags every benchmark fork runs with, as constants for {@code @Fork(jvmArgsAppend = ...)}.
 *
 * <p>Forked JVMs start from a class path, so the jar manifest's {@code Enable-Native-Access} does not reach them:
 * each benchmark class names the flags itself. The peers get the settings their own benchmarks use, so we compare
 * against them at their best: Netty's leak detector off (it samples allocations and records stack traces) and
 * {@code sun.misc.Unsafe} memory access allowed (Netty's fast path; JDK 24+ warns about it otherwise).
 */
public final class Jvm {

    /** Lets the system allocator and {@link Malloc} make downcalls without a warning. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** Netty's leak detector off, as in Netty's own microbenchmarks. */
    public static final String NETTY_NO_LEAK_DETECTION = "-Dio.netty.leakDetection.level=disabled";

    /** Netty's {@code Unsafe} fast path on JDK 24+ without a warning. */
    public static final String UNSAFE_ALLOWED = "--sun-misc-unsafe-memory-access=allow";

    /**
     * Agrona 2's queues (the hand-off benchmark's peer-neutral queue) read memory through
     * {@code jdk.internal.misc.Unsafe} and fail to load without this export. Our own code never uses it.
     */
    public static final String AGRONA_UNSAFE = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Heap fixed so that runs compare: no resizing during measurement. */
    public static final String HEAP = "-Xms2g";

    /** Heap ceiling matching {@link #HEAP}. */
    public static final String HEAP_MAX = "-Xmx2g";

    /**
     * Every page of the heap touched at start-up (about 5 s for 2 GiB here), for benchmarks whose segments escape:
     * without it, the first pass of the allocation through a fresh heap measures the kernel zeroing pages (perfasm:
     * {@code clear_page_erms} a quarter of the live-set benchmark's samples), which a long-running process pays once.
     */
    public static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    private Jvm() {
    }
}
