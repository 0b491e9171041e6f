package dev.allocator.arena;

import dev.allocator.api.Checks;

import java.util.Objects;

/**
 * How a {@link BumpArena} takes and keeps memory. Start from {@link #defaults()} and change what you need:
 * {@snippet :
 * ArenaOptions options = ArenaOptions.defaults().withChunkSize(64 << 10).withKeepChunks(2).withWipe(Wipe.ALWAYS);
 * try (BumpArena arena = BumpArena.ofShared(Allocators.system(), options)) {
 *     // ...
 * }
 * }
 *
 * @param chunkSize    bytes asked of the backing allocator per chunk, between {@link #MIN_CHUNK_SIZE} and
 *                     {@link #MAX_CHUNK_SIZE}; a request that does not fit an empty chunk gets a dedicated chunk sized
 *                     for it
 * @param keepChunks   how many chunks {@link BumpArena#reset()} keeps for reuse, {@code >= 0}; the others (and every
 *                     dedicated chunk) go back to the backing allocator
 * @param wipe         when memory is zeroed
 * @param closeBacking whether {@link BumpArena#close()} also closes the backing allocator (arenas built from a spec
 *                     always do: they own the stages beneath them)
 */
public record ArenaOptions(long chunkSize, int keepChunks, Wipe wipe, boolean closeBacking) {

    /** The default chunk size: 1 MiB. */
    public static final long DEFAULT_CHUNK_SIZE = 1L << 20;
    /** The default number of chunks kept by a reset: 4. */
    public static final int DEFAULT_KEEP_CHUNKS = 4;
    /** The smallest chunk size: 64 bytes. */
    public static final long MIN_CHUNK_SIZE = 64;
    /** The largest chunk size: 1 TiB (keeps the bump arithmetic far from overflow). */
    public static final long MAX_CHUNK_SIZE = 1L << 40;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException when {@code chunkSize} or {@code keepChunks} is out of range; the message
     *                                  names the value
     * @throws NullPointerException     when {@code wipe} is null
     */
    public ArenaOptions {
        Checks.requireInRange(chunkSize, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE, "chunkSize");
        Checks.requireNonNegative(keepChunks, "keepChunks");
        Objects.requireNonNull(wipe, "wipe");
    }

    /**
     * The defaults: 1 MiB chunks, 4 kept by a reset, no wipe, the backing allocator left open on close.
     *
     * @return the default options
     */
    public static ArenaOptions defaults() {
        return new ArenaOptions(DEFAULT_CHUNK_SIZE, DEFAULT_KEEP_CHUNKS, Wipe.NONE, false);
    }

    /**
     * These options with another chunk size.
     *
     * @param newChunkSize the chunk size in bytes
     * @return the options
     * @throws IllegalArgumentException when the size is out of range
     */
    public ArenaOptions withChunkSize(long newChunkSize) {
        return new ArenaOptions(newChunkSize, keepChunks, wipe, closeBacking);
    }

    /**
     * These options with another number of chunks kept by a reset.
     *
     * @param newKeepChunks the number, {@code >= 0}
     * @return the options
     * @throws IllegalArgumentException when the number is negative
     */
    public ArenaOptions withKeepChunks(int newKeepChunks) {
        return new ArenaOptions(chunkSize, newKeepChunks, wipe, closeBacking);
    }

    /**
     * These options with another wipe policy.
     *
     * @param newWipe the policy
     * @return the options
     */
    public ArenaOptions withWipe(Wipe newWipe) {
        return new ArenaOptions(chunkSize, keepChunks, newWipe, closeBacking);
    }

    /**
     * These options with the backing allocator closed, or not, when the arena closes.
     *
     * @param newCloseBacking whether the arena owns its backing allocator
     * @return the options
     */
    public ArenaOptions withCloseBacking(boolean newCloseBacking) {
        return new ArenaOptions(chunkSize, keepChunks, wipe, newCloseBacking);
    }
}
