package dev.allocator.compose.checked;

import dev.allocator.api.Checks;

/**
 * What a {@link CheckedAllocator} checks beyond its bookkeeping, each a trade of cost for coverage.
 *
 * {@snippet :
 * Allocator strict = new CheckedAllocator(Allocators.open("system"), LeakPolicy.THROW, true,
 *         new Coverage(true, 64, 16L << 20), true);
 * }
 *
 * @param scopes     each allocation gets a shared scope of its own, closed when it is freed, so touching a freed
 *                   segment throws {@link IllegalStateException} (costs an arena per allocation and a handshake with
 *                   every thread per free)
 * @param guard      bytes of {@link GuardedBlock#GUARD} written before and after each allocation and verified on
 *                   free and close, to catch overruns by native code; 0 for none, at most 4096
 * @param quarantine bytes of freed blocks held back, filled with {@link GuardedBlock#FREED} and verified when they
 *                   leave, to catch writes after free through raw addresses; 0 for none
 */
public record Coverage(boolean scopes, long guard, long quarantine) {

    /** What checked mode does by default: scopes, 16-byte guards, a 1 MiB quarantine. */
    public static final Coverage DEFAULT = new Coverage(true, 16, 1L << 20);

    /** Bookkeeping only: no scopes, no guards, no quarantine. */
    public static final Coverage NONE = new Coverage(false, 0, 0);

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException when {@code guard} is not in {@code [0, 4096]} or {@code quarantine < 0}
     */
    public Coverage {
        Checks.requireInRange(guard, 0, GuardedBlock.MAX_GUARD, "guard");
        Checks.requireNonNegative(quarantine, "quarantine");
    }
}
