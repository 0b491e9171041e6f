package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;

/**
 * Every exception the pool throws for misuse or a request it cannot meet, so the messages have one shape: what is
 * wrong, naming the block by index and address, and the pool.
 */
final class PoolErrors {

    private PoolErrors() {
    }

    static IllegalArgumentException foreign(MemorySegment segment, PoolCore pool) {
        return new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " of "
                + segment.byteSize() + " bytes was not allocated by " + pool);
    }

    static IllegalArgumentException notBlockStart(MemorySegment segment, int index, long blockAddress,
                                                  PoolCore pool) {
        return new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " starts "
                + (segment.address() - blockAddress) + " bytes into block " + index + " at " + Checks.hex(blockAddress)
                + " of " + pool + ": give back the segment the pool handed out, not a slice of it");
    }

    static IllegalArgumentException wrongLayout(int index, long address, MemorySegment segment, Layout layout,
                                                PoolCore pool) {
        return new IllegalArgumentException("block " + index + " at " + Checks.hex(address) + " of " + pool
                + " was given back with layout " + layout + ", but the segment has " + segment.byteSize()
                + " bytes and the pool's blocks are " + pool.blockSize + " B aligned " + pool.alignment);
    }

    static IllegalStateException doubleFree(int index, long address, PoolCore pool) {
        return new IllegalStateException("block " + index + " at " + Checks.hex(address) + " of " + pool
                + " is already free (double free)");
    }

    static IllegalArgumentException indexOutOfRange(int index, PoolCore pool) {
        return new IllegalArgumentException("block index must be between 0 and " + (pool.blocks.length - 1)
                + ": index=" + index + " (" + pool + ")");
    }

    static IllegalArgumentException badRange(int length, int offset, int count) {
        return new IllegalArgumentException("offset and count must lie within the array of length " + length
                + ": offset=" + offset + ", count=" + count);
    }

    static AllocationException tooLarge(Layout layout, PoolCore pool) {
        return new AllocationException(AllocationException.Reason.TOO_LARGE, layout, pool + " cannot allocate "
                + layout + ": its blocks are " + pool.blockSize + " bytes");
    }

    static AllocationException tooAligned(Layout layout, PoolCore pool) {
        return new AllocationException(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, layout, pool
                + " cannot allocate " + layout + ": its blocks are aligned to " + pool.alignment + " bytes");
    }

    static AllocationException exhausted(Layout layout, PoolCore pool, String how) {
        return new AllocationException(AllocationException.Reason.EXHAUSTED, layout, pool + " cannot allocate "
                + layout + ": all " + pool.blocks.length + " blocks are in use" + parked(pool) + how);
    }

    private static String parked(PoolCore pool) {
        final int parked = pool.parkedElsewhere();
        return parked == 0 ? "" : " or parked in other live threads' caches (" + parked
                + " free blocks; they come back on those threads' next pool call, or use cache=0)";
    }

    static IllegalArgumentException badRequest(long requested, PoolCore pool) {
        return new IllegalArgumentException("requested bytes must be between 0 and the block size " + pool.blockSize
                + ": requested=" + requested);
    }
}
