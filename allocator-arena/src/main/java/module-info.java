/**
 * The arena backend: {@link dev.allocator.arena.BumpArena}, a bump allocator over chunks taken from any backing
 * {@link dev.allocator.api.Allocator}, which is also a {@link java.lang.foreign.Arena}. Provider name {@code arena}.
 *
 * <p>The arena gives every segment its own JDK scope with {@code MemorySegment.reinterpret}, a restricted method: run
 * with {@code --enable-native-access=dev.allocator.arena} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path. Without it, JDK 25 prints a warning on first use and
 * a later JDK will refuse.
 */
module dev.allocator.arena {
    requires transitive dev.allocator.api;

    exports dev.allocator.arena;

    provides dev.allocator.api.AllocatorProvider with dev.allocator.arena.ArenaProvider;
}
