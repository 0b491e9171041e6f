package dev.allocator.pool;

/**
 * When a {@link FixedBlockPool} zeroes its memory, so that data does not outlive its use (keys, personal data).
 * Spec option {@code wipe=none|free|close|always}.
 *
 * {@snippet :
 * try (FixedBlockPool keys = FixedBlockPool.builder().blockSize(32).capacity(128).wipe(Wipe.ALWAYS).build()) {
 *     MemorySegment key = keys.allocate(Layout.of(32));
 *     // ... use the key ...
 *     keys.deallocate(key, Layout.of(32));   // zeroed here, before another caller can get the block
 * }                                          // and the whole slab zeroed here, before it goes back
 * }
 */
public enum Wipe {
    /** Never zero (the default): the fastest. */
    NONE(false, false),
    /**
     * Zero each block when it is freed, and the whole slab when the pool is built, so every block handed out reads
     * as zeros (the free-list's 4-byte link is cleared when the block is taken).
     */
    FREE(true, false),
    /** Zero the whole slab, blocks still in use included, when the pool is closed, before it goes back. */
    CLOSE(false, true),
    /** Both {@link #FREE} and {@link #CLOSE}. */
    ALWAYS(true, true);

    private final boolean onFree;
    private final boolean onClose;

    Wipe(boolean onFree, boolean onClose) {
        this.onFree = onFree;
        this.onClose = onClose;
    }

    /**
     * Whether blocks are zeroed when freed.
     *
     * @return {@code true} for {@link #FREE} and {@link #ALWAYS}
     */
    public boolean onFree() {
        return onFree;
    }

    /**
     * Whether the slab is zeroed when the pool closes.
     *
     * @return {@code true} for {@link #CLOSE} and {@link #ALWAYS}
     */
    public boolean onClose() {
        return onClose;
    }
}
