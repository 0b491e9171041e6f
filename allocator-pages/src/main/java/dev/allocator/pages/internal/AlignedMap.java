package dev.allocator.pages.internal;

/**
 * Maps anonymous memory at an alignment above what {@code mmap} gives (a page, or a huge page with
 * {@code MAP_HUGETLB}): maps {@code length + alignment - granule} bytes, then unmaps the head before the first aligned
 * address and the tail after {@code length} bytes, so that only the aligned range stays mapped.
 */
public final class AlignedMap {

    private AlignedMap() {
    }

    /**
     * Maps {@code length} bytes at a multiple of {@code alignment}.
     *
     * @param length    bytes, a multiple of {@code granule}
     * @param alignment a power of two
     * @param granule   what {@code mmap} aligns to and maps in: the page size, or the huge page size with
     *                  {@code MAP_HUGETLB}
     * @param prot      {@code PROT_*}
     * @param flags     {@code MAP_*}, with {@code MAP_PRIVATE | MAP_ANONYMOUS}
     * @return the address, or {@code -errno}
     */
    public static long map(long length, long alignment, long granule, int prot, int flags) {
        if (alignment <= granule) {
            return Mman.map(length, prot, flags);
        }
        long total = length + alignment - granule;
        long raw = Mman.map(total, prot, flags);
        if (raw < 0) {
            return raw;
        }
        long aligned = (raw + alignment - 1) & -alignment;
        if (aligned > raw) {
            Mman.unmap(raw, aligned - raw);
        }
        long tail = raw + total - (aligned + length);
        if (tail > 0) {
            Mman.unmap(aligned + length, tail);
        }
        return aligned;
    }
}
