package dev.allocator.secure;

/**
 * Page-level counters of a {@link SecureAllocator}, beside its {@link dev.allocator.api.AllocatorStats}.
 *
 * @param pageSize    bytes in a page
 * @param lockedBytes bytes of data pages locked in RAM ({@code mlock}) for live allocations: what counts against
 *                    {@code RLIMIT_MEMLOCK}
 * @param pagesMapped pages mapped for live allocations, guard pages included
 * @param guardPages  of those, {@code PROT_NONE} guard pages (two per allocation)
 */
public record SecureStats(long pageSize, long lockedBytes, long pagesMapped, long guardPages) {
}
