package dev.allocator.arena;

import dev.allocator.api.Allocator;

/** The two arena flavours, for parameterized tests. */
enum Flavour {
    CONFINED, SHARED;

    BumpArena open(Allocator backing, ArenaOptions options) {
        return this == CONFINED ? BumpArena.ofConfined(backing, options) : BumpArena.ofShared(backing, options);
    }
}
