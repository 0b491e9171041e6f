package dev.allocator.pages.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One live allocation of {@code pages} or {@code secure}: the whole mapping ({@code base}, {@code length}), the
 * pages the user's bytes live in ({@code dataStart}, {@code dataLength}; the whole mapping for {@code pages}, the
 * pages between the guards for {@code secure}), the user's bytes ({@code address}, {@code size}) and the arena whose
 * scope the user's segment has, closed when the allocation is freed.
 *
 * @param base       first byte of the mapping, page-aligned
 * @param length     bytes mapped, a multiple of the page size
 * @param dataStart  first byte of the readable pages
 * @param dataLength bytes of readable pages
 * @param address    first byte handed out
 * @param size       bytes handed out (the layout's size)
 * @param hugeBytes  bytes backed by hugetlb pages ({@code MAP_HUGETLB}), else 0
 * @param advised    bytes advised {@code MADV_HUGEPAGE} (transparent huge pages), else 0
 * @param arena      the allocation's own shared arena
 */
public record Mapping(long base, long length, long dataStart, long dataLength, long address, long size,
                      long hugeBytes, long advised, Arena arena) {

    /** The segment handed out: the user's bytes in the allocation's own scope. */
    public MemorySegment segment() {
        return MemorySegment.ofAddress(address).reinterpret(size, arena, null);
    }

    /** The readable pages, in the global scope: for the allocator's own wiping and checks only. */
    public MemorySegment data() {
        return MemorySegment.ofAddress(dataStart).reinterpret(dataLength);
    }
}
