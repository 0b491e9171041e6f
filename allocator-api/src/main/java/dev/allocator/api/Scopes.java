package dev.allocator.api;

import java.lang.foreign.Arena;

/**
 * Helpers for the JDK arenas that allocators give their segments, so that implementations close them the same way.
 */
public final class Scopes {

    private Scopes() {
    }

    /**
     * Closes {@code arena} unless it is null or closed already, also when another thread closed it at the same
     * moment.
     *
     * @param arena the arena, or null
     * @throws IllegalStateException when a native call in another thread holds one of its segments (the JDK refuses
     *                               to close it then); the arena stays open
     */
    public static void closeIfAlive(Arena arena) {
        if (arena != null && arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (IllegalStateException e) {
                if (arena.scope().isAlive()) {
                    throw e;
                }
            }
        }
    }
}
