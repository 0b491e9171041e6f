package dev.allocator.arena;

import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;

/**
 * One block of memory taken from the backing allocator: either a standard chunk of the arena's chunk size, bumped
 * through by many allocations, or a dedicated chunk sized for one request that does not fit a standard one.
 *
 * <pre>
 *  base                               base + extent                          base + size
 *  |&lt;pad&gt;|  allocation  |&lt;pad&gt;| allocation |   never written since the last wipe    |
 *  +-----+--------------+-----+------------+----------------------------------------+
 * </pre>
 * The arena keeps no metadata inside chunks: every byte of a chunk is available to allocations.
 */
final class Chunk {

    /** The segment exactly as the backing allocator handed it out (in the backing's scope), for giving it back. */
    final MemorySegment memory;
    /** The layout it was asked for, for giving it back. */
    final Layout layout;
    /** Its address. */
    final long base;
    /** Its size in bytes. */
    final long size;
    /** Whether it was taken for one oversized request (never reused, given back on rewind and reset). */
    final boolean dedicated;
    /** How far from {@code base} allocations may have written since the chunk was last wiped: an upper bound. */
    long extent;

    Chunk(MemorySegment memory, Layout layout, boolean dedicated) {
        this.memory = memory;
        this.layout = layout;
        this.base = memory.address();
        this.size = memory.byteSize();
        this.dedicated = dedicated;
        this.extent = dedicated ? size : 0;
    }

    boolean contains(long address) {
        return address >= base && address - base < Math.max(size, 1);
    }
}
