package dev.allocator.pages;

/**
 * Whether and how {@code pages} backs its allocations with huge pages (option {@code hugePages}). Every mode but
 * {@link #FALSE} rounds each allocation up to whole huge pages (2 MiB on x86-64) and aligns it to one.
 */
public enum HugePages {
    /** Base pages only (the default). */
    FALSE,
    /**
     * {@code MAP_HUGETLB} from the reserved pool ({@code vm.nr_hugepages}); when it has none free,
     * {@code madvise(MADV_HUGEPAGE)} for transparent huge pages; when THP is {@code never}, the
     * {@linkplain PagesAllocator#fallback() fallback}.
     */
    TRUE,
    /** {@code MAP_HUGETLB} only: fails (or falls back) when no reserved huge page is free. */
    HUGETLB,
    /** {@code madvise(MADV_HUGEPAGE)} only: fails (or falls back) when THP is {@code never} or absent. */
    TRANSPARENT
}
