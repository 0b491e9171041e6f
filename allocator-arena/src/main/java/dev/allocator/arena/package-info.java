/**
 * Bump arenas: {@link dev.allocator.arena.BumpArena} and its two flavours,
 * {@link dev.allocator.arena.ConfinedBumpArena} (one owner thread, no atomics) and
 * {@link dev.allocator.arena.SharedBumpArena} (any thread, a lock-free bump), built from a spec by
 * {@link dev.allocator.arena.ArenaProvider} ({@code arena(chunkSize=1MiB, shared=false, wipe=none) > system}).
 *
 * {@snippet :
 * try (BumpArena arena = BumpArena.ofConfined(Allocators.system())) {
 *     MemorySegment name = arena.allocateFrom("hello");      // a java.lang.foreign.Arena, too
 *     arena.reset();                                          // name is now dead: touching it throws
 * }
 * }
 *
 * <h2>Padding against false sharing (maintainers)</h2>
 * The field every allocating thread of a {@link dev.allocator.arena.SharedBumpArena} compare-and-sets (the bump
 * offset of the current chunk) sits alone on its cache line: the class that declares it is sandwiched between classes
 * of 128 bytes of unused fields each (two 64-byte lines, because adjacent-line prefetchers fetch pairs). Without
 * this, the arena's other fields (its read-mostly pointer to the current region, the region's chunk base and limit)
 * would share the line with the hottest written word, and every successful bump by one core would evict them from
 * every other core's cache. Java lays out superclass fields before subclass fields, so padding in superclasses and
 * subclasses is the one portable way to control this without {@code jdk.internal.vm.annotation.Contended}.
 */
package dev.allocator.arena;
