package dev.allocator.arena;

/**
 * When a {@link BumpArena} zeroes its memory, for data that must not outlive its use (keys, personal data).
 *
 * {@snippet :
 * BumpArena arena = BumpArena.ofConfined(Allocators.system(), ArenaOptions.defaults().withWipe(Wipe.ALWAYS));
 * }
 */
public enum Wipe {
    /** Never: memory goes back to the backing allocator and is reused as it is. The default. */
    NONE,
    /**
     * Always: every byte the arena handed out is zeroed when {@link BumpArena#reset()} or
     * {@link BumpArena#rewind(BumpArena.Mark)} ends it, and every chunk is zeroed in full before it goes back to the
     * backing allocator (on reset, when the chunk is not kept, and on close).
     */
    ALWAYS
}
