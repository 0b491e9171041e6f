package dev.allocator.tests.trust.pool;

import dev.allocator.api.Layout;
import dev.allocator.arena.ArenaOptions;
import dev.allocator.arena.BumpArena;
import dev.allocator.arena.ConfinedBumpArena;
import dev.allocator.pool.FixedBlockPool;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A pool as the backing of an arena built in code that does not own it: closing the pool first closes the arena, so
 * the arena's segments throw instead of touching blocks the pool gave back with its slab.
 */
class PoolAsBackingTest {

    @Test
    void shouldCloseAnArenaBuiltOverItsBlocksBeforeGivingTheSlabBack() {
        FixedBlockPool pool = FixedBlockPool.builder().block(Layout.of(4096, 64)).capacity(8).build();
        ConfinedBumpArena arena = BumpArena.ofConfined(pool, ArenaOptions.defaults().withChunkSize(4096));
        MemorySegment record = arena.allocate(Layout.of(64, 8));
        record.set(ValueLayout.JAVA_LONG, 0, 42);
        assertEquals(1, pool.poolStats().inUse(), "the arena holds one block as its chunk");
        pool.close();
        assertThrows(IllegalStateException.class, () -> record.get(ValueLayout.JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> arena.allocate(Layout.of(64, 8)));
        assertEquals(0, pool.stats().bytesReserved());
    }
}
