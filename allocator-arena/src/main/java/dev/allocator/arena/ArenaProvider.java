package dev.allocator.arena;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code arena}: creates a {@link ConfinedBumpArena} (confined to the thread that opens the spec)
 * or, with {@code shared=true}, a {@link SharedBumpArena}, over the stage to its right, which it owns and closes.
 *
 * {@snippet :
 * try (Allocator allocator = Allocators.open("arena(chunkSize=64KiB, keepChunks=2, wipe=always) > system")) {
 *     BumpArena arena = (BumpArena) allocator;          // the arena itself, also a java.lang.foreign.Arena
 *     MemorySegment text = arena.allocateFrom("hello");
 *     arena.reset();
 * }
 * }
 *
 * <p>Options: {@code chunkSize} (a size, default {@code 1MiB}, between 64 B and 1 TiB), {@code shared}
 * ({@code false} | {@code true}), {@code wipe} ({@code none} | {@code always}), {@code keepChunks} (chunks a reset
 * keeps, default 4).
 *
 * <p>A confined arena's segments can only be touched by the thread that opened the spec. Under a stage that other
 * threads use (a pool's slab, in {@code pool(...) > arena(...)}), write {@code shared=true}.
 */
public final class ArenaProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("chunkSize", "1MiB", "bytes per chunk taken from the backing allocator"),
            ProviderOption.optional("shared", "false", "false: confined to the opening thread | true: any thread"),
            ProviderOption.optional("wipe", "none", "none | always: zero memory on reset and before giving it back"),
            ProviderOption.optional("keepChunks", String.valueOf(ArenaOptions.DEFAULT_KEEP_CHUNKS),
                    "chunks kept for reuse by reset"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public ArenaProvider() {
    }

    @Override
    public String name() {
        return "arena";
    }

    @Override
    public String description() {
        return "bump allocator over chunks from the backing allocator; a java.lang.foreign.Arena with reset and marks";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    /**
     * Creates an arena that owns {@code backing}.
     *
     * @throws IllegalArgumentException when an option's value is bad; the message names the option and the value
     */
    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        long chunkSize = options.size("chunkSize");
        if (chunkSize < ArenaOptions.MIN_CHUNK_SIZE || chunkSize > ArenaOptions.MAX_CHUNK_SIZE) {
            throw options.bad("chunkSize", "between 64 B and 1 TiB", options.string("chunkSize"));
        }
        int keepChunks = options.intValue("keepChunks");
        if (keepChunks < 0) {
            throw options.bad("keepChunks", ">= 0", options.string("keepChunks"));
        }
        ArenaOptions arenaOptions = new ArenaOptions(chunkSize, keepChunks, options.choice("wipe", Wipe.class), true);
        return options.bool("shared") ? BumpArena.ofShared(backing, arenaOptions)
                : BumpArena.ofConfined(backing, arenaOptions);
    }
}
