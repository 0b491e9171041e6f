package dev.allocator.api;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ScopesTest {

    @Test
    void shouldCloseAnOpenArena() {
        Arena arena = Arena.ofShared();
        Scopes.closeIfAlive(arena);
        assertFalse(arena.scope().isAlive());
    }

    @Test
    void shouldIgnoreAClosedArenaAndNull() {
        Arena arena = Arena.ofConfined();
        arena.close();
        assertDoesNotThrow(() -> Scopes.closeIfAlive(arena));
        assertDoesNotThrow(() -> Scopes.closeIfAlive(null));
    }
}
