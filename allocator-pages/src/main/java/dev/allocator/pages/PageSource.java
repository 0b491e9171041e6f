package dev.allocator.pages;

import dev.allocator.api.Checks;
import dev.allocator.pages.internal.AlignedMap;
import dev.allocator.pages.internal.Machine;
import dev.allocator.pages.internal.Mman;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Maps the pages of one {@code pages} allocation as its options say: huge pages by {@link HugePages}, bound to a NUMA
 * node with {@code mbind}, populated. Each call returns a {@link Result}: the range mapped, or why nothing was.
 * Thread-safe (immutable).
 */
final class PageSource {

    /** A mapped range, or a failure with its reason. */
    record Result(long address, long length, long hugeBytes, long advised, String failure) {
        static Result failed(String why) {
            return new Result(0, 0, 0, 0, why);
        }
    }

    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final long pageSize = Mman.pageSize();
    private final long hugePageSize = Machine.hugePageSize();
    private final HugePages huge;
    private final boolean fallBackToBasePages;
    private final int numaNode;
    private final boolean populate;

    PageSource(HugePages huge, boolean fallBackToBasePages, int numaNode, boolean populate) {
        this.huge = huge;
        this.fallBackToBasePages = fallBackToBasePages;
        this.numaNode = numaNode;
        this.populate = populate;
    }

    long pageSize() {
        return pageSize;
    }

    long hugePageSize() {
        return hugePageSize;
    }

    /** Maps at least {@code bytes} (> 0) at a multiple of {@code alignment}. */
    Result map(long bytes, long alignment) {
        String why = null;
        if (huge == HugePages.TRUE || huge == HugePages.HUGETLB) {
            long length = Checks.alignUp(bytes, hugePageSize);
            int flags = ANON | Mman.MAP_HUGETLB | (populate && numaNode < 0 ? Mman.MAP_POPULATE : 0);
            long address = AlignedMap.map(length, Math.max(alignment, hugePageSize), hugePageSize, RW, flags);
            if (address > 0) {
                return finish(address, length, length, 0);
            }
            why = "mmap(MAP_HUGETLB) of " + length + " bytes failed with " + Mman.describe((int) -address)
                    + ": no free reserved huge page (vm.nr_hugepages=" + Machine.reservedHugePages()
                    + ", HugePages_Free=" + Machine.meminfo("HugePages_Free:") + " in /proc/meminfo; reserve some with"
                    + " sysctl -w vm.nr_hugepages=N)";
        }
        if (huge == HugePages.TRUE || huge == HugePages.TRANSPARENT) {
            if (Machine.transparentAvailable()) {
                long length = Checks.alignUp(bytes, hugePageSize);
                long address = AlignedMap.map(length, Math.max(alignment, hugePageSize), pageSize, RW, ANON);
                if (address < 0) {
                    return Result.failed("mmap of " + length + " bytes failed with " + Mman.describe((int) -address));
                }
                int errno = Mman.advise(address, length, Mman.MADV_HUGEPAGE);
                if (errno == 0) {
                    return finish(address, length, 0, length);
                }
                Mman.unmap(address, length);
                why = (why == null ? "" : why + "; ") + "madvise(MADV_HUGEPAGE) failed with " + Mman.describe(errno);
            } else {
                why = (why == null ? "" : why + "; ") + "transparent huge pages are off (" + Machine.THP_ENABLED
                        + " is '" + Machine.transparentMode() + "'; echo madvise > " + Machine.THP_ENABLED + ")";
            }
        }
        if (why != null && !fallBackToBasePages) {
            return Result.failed("huge pages must be available (or set fallback=basepages): " + why);
        }
        long length = Checks.alignUp(bytes, pageSize);
        int flags = ANON | (populate && numaNode < 0 ? Mman.MAP_POPULATE : 0);
        long address = AlignedMap.map(length, alignment, pageSize, RW, flags);
        if (address < 0) {
            return Result.failed("mmap of " + length + " bytes failed with " + Mman.describe((int) -address));
        }
        return finish(address, length, 0, 0);
    }

    /** Binds to the NUMA node, then populates (after the bind, so that the pages come from that node). */
    private Result finish(long address, long length, long hugeBytes, long advised) {
        if (numaNode >= 0) {
            int errno = Mman.bind(address, length, numaNode);
            if (errno != 0 && !(errno == Mman.ENOSYS && numaNode == 0)) {
                Mman.unmap(address, length);
                return Result.failed("mbind to NUMA node " + numaNode + " failed with " + Mman.describe(errno));
            }
        }
        if (populate && (numaNode >= 0 || advised > 0)) {
            if (Mman.advise(address, length, Mman.MADV_POPULATE_WRITE) != 0) {
                MemorySegment pages = MemorySegment.ofAddress(address).reinterpret(length);
                for (long offset = 0; offset < length; offset += pageSize) {
                    pages.set(ValueLayout.JAVA_BYTE, offset, (byte) 0);
                }
            }
        }
        return new Result(address, length, hugeBytes, advised, null);
    }
}
