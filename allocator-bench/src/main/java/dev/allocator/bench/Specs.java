package dev.allocator.bench;

/** The spec strings the benchmarks open our allocators with, through {@code Allocators.open}. */
public final class Specs {

    /** The arena's chunk: 1 MiB, so a pair benchmark resets long before a second chunk is needed. */
    public static final long ARENA_CHUNK = 1L << 20;

    private Specs() {
    }

    /**
     * A pool of {@code capacity} blocks of {@code blockSize} bytes over the system allocator.
     *
     * @param blockSize bytes per block
     * @param capacity  blocks
     * @return the spec
     */
    public static String pool(long blockSize, long capacity) {
        return "pool(blockSize=" + blockSize + ", capacity=" + capacity + ") > system";
    }

    /**
     * An arena with {@link #ARENA_CHUNK}-byte chunks over the system allocator.
     *
     * @return the spec
     */
    public static String arena() {
        return "arena(chunkSize=" + ARENA_CHUNK + ") > system";
    }

    /**
     * The system allocator.
     *
     * @return the spec
     */
    public static String system() {
        return "system";
    }
}
