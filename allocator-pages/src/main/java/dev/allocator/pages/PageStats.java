package dev.allocator.pages;

/**
 * Page-level counters of a {@link PagesAllocator}, beside its {@link dev.allocator.api.AllocatorStats}.
 *
 * @param pageSize      bytes in a base page
 * @param hugePageSize  bytes in a huge page
 * @param pagesMapped   base pages mapped for live allocations ({@code bytesMapped / pageSize})
 * @param bytesMapped   bytes mapped for live allocations (their sizes rounded up to pages or huge pages)
 * @param hugetlbBytes  of those, bytes backed by reserved huge pages ({@code MAP_HUGETLB}): huge pages in use are
 *                      {@code hugetlbBytes / hugePageSize}
 * @param advisedBytes  of those, bytes advised {@code MADV_HUGEPAGE}: the kernel backs them with transparent huge
 *                      pages when it can ({@link PagesAllocator#transparentHugeBytes()} says how many it did)
 */
public record PageStats(long pageSize, long hugePageSize, long pagesMapped, long bytesMapped, long hugetlbBytes,
                        long advisedBytes) {
}
