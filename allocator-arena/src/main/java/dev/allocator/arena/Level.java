package dev.allocator.arena;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One entry of an arena's scope stack: the base level (opened with the arena, renewed by each reset) or the level a
 * {@link BumpArena.Mark} opened. Every segment allocated while this level is the top one belongs to its JDK arena's
 * scope, so ending the level (closing that JDK arena) invalidates exactly those segments.
 */
final class Level {

    /** The mark that opened this level; {@code null} for the base level. */
    final BumpArena.Mark mark;
    /** The chunk that was current when the level opened ({@code null}: none yet). */
    final Chunk chunk;
    /** The bump offset in {@link #chunk} when the level opened. */
    final long offset;
    /** How many chunks the arena had taken in this epoch when the level opened. */
    final int usedCount;

    /** The JDK arena whose scope this level's segments belong to; replaced when the level is renewed. */
    Arena jdkArena;
    /** {@code jdkArena.scope()}, cached. */
    MemorySegment.Scope scope;
    /** Allocations made in this level and not ended. */
    Tally tally;

    Level(BumpArena.Mark mark, Chunk chunk, long offset, int usedCount, Arena jdkArena, boolean shared) {
        this.mark = mark;
        this.chunk = chunk;
        this.offset = offset;
        this.usedCount = usedCount;
        open(jdkArena, shared);
    }

    void open(Arena newJdkArena, boolean shared) {
        this.jdkArena = newJdkArena;
        this.scope = newJdkArena.scope();
        this.tally = Tally.create(shared);
    }
}
