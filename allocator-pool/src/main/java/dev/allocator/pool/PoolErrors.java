package dev.allocator.pool;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import dev.allocator.pool.internal.BlockStates;
import dev.allocator.pool.internal.FreeListCorruptException;

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
                + segment.byteSize() + " bytes was not allocated by " + pool.describe());
    }

    static IllegalArgumentException notBlockStart(MemorySegment segment, int index, long blockAddress,
                                                  PoolCore pool) {
        return new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " starts "
                + (segment.address() - blockAddress) + " bytes into block " + index + " at " + Checks.hex(blockAddress)
                + " of " + pool.describe() + ": give back the segment the pool handed out, not a slice of it");
    }

    /**
     * A free whose layout or segment is not the allocation's: names both. {@code segment} may be null (the index
     * API); {@code word} is the block's state word, FREE when the free was rejected before it was read.
     */
    static IllegalArgumentException wrongLayout(int index, long address, MemorySegment segment, Layout layout,
                                                long word, PoolCore pool) {
        final String given = segment == null ? "for " + layout.size() + " bytes"
                : "with layout " + layout + " (the segment has " + segment.byteSize() + " bytes)";
        final String allocated = BlockStates.isAllocatedWord(word)
                ? "it was allocated for " + BlockStates.requested(word) + " bytes"
                + (BlockStates.alignment(word) == 0 ? "" : " aligned " + BlockStates.alignment(word))
                : "the pool's blocks are " + pool.blockSize + " B aligned " + pool.alignment;
        return new IllegalArgumentException("block " + index + " at " + Checks.hex(address) + " of "
                + pool.describe() + " was given back " + given + ", but " + allocated
                + ": give back the segment the pool handed out, with the layout it was allocated with");
    }

    /** A block on its way to a caller through the free-list is not free: the list is corrupt. */
    static IllegalStateException takenTwice(int index, long address, long word, PoolCore pool) {
        return new IllegalStateException("free-list of " + pool.describe() + " is corrupt: block " + index + " at "
                + Checks.hex(address) + " was about to be handed out but is " + (BlockStates.isAllocatedWord(word)
                ? "allocated (for " + BlockStates.requested(word) + " bytes)" : "not free")
                + "; a freed block was written to, or freed twice with double-free checking off."
                + " The pool hands out no more blocks; close it");
    }

    /** A link found out of range by the free-list. */
    static IllegalStateException corrupt(FreeListCorruptException found, long address, PoolCore pool) {
        return new IllegalStateException("free-list of " + pool.describe() + " is corrupt at block " + found.block()
                + " at " + Checks.hex(address) + ": " + found.getMessage()
                + ". The pool hands out no more blocks; close it", found);
    }

    /** A take after the pool was poisoned. */
    static IllegalStateException stillCorrupt(IllegalStateException first, PoolCore pool) {
        return new IllegalStateException(pool.describe()
                + " hands out no more blocks: its free-list was found corrupt (" + (first != null ? first.getMessage() : "see the first report") + ")", first);
    }

    /** The calling thread cannot give the slab back to the backing. */
    static WrongThreadException wrongThread(PoolCore pool, Object backing) {
        return new WrongThreadException(pool.describe() + " cannot be closed from thread '"
                + Thread.currentThread().getName() + "': the slab it must give back to " + backing + " is confined to another thread; nothing was"
                + " closed: close the pool from the thread that owns " + backing);
    }

    static IllegalStateException doubleFree(int index, long address, PoolCore pool) {
        return new IllegalStateException("block " + index + " at " + Checks.hex(address) + " of " + pool.describe()
                + " is already free (double free)");
    }

    static IllegalArgumentException indexOutOfRange(int index, PoolCore pool) {
        return new IllegalArgumentException("block index must be between 0 and " + (pool.capacity - 1)
                + ": index=" + index + " (" + pool.describe() + ")");
    }

    static IllegalArgumentException badRange(int length, int offset, int count) {
        return new IllegalArgumentException("offset and count must lie within the array of length " + length
                + ": offset=" + offset + ", count=" + count);
    }

    /** Why {@code layout} got no block: too large, too aligned, or none free ({@code how} says how it waited). */
    static AllocationException fitFailure(Layout layout, PoolCore pool, String how) {
        if (layout.size() > pool.blockSize) {
            return tooLarge(layout, pool);
        }
        if (layout.alignment() > pool.alignment) {
            return tooAligned(layout, pool);
        }
        return exhausted(layout, pool, how);
    }

    static AllocationException tooLarge(Layout layout, PoolCore pool) {
        return new AllocationException(AllocationException.Reason.TOO_LARGE, layout, pool.describe()
                + " cannot allocate " + layout + ": its blocks are " + pool.blockSize + " bytes");
    }

    static AllocationException tooAligned(Layout layout, PoolCore pool) {
        return new AllocationException(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, layout, pool.describe()
                + " cannot allocate " + layout + ": its blocks are aligned to " + pool.alignment + " bytes");
    }

    /**
     * No block was free: O(lanes + local caches), never O(capacity), since callers use exhaustion as back-pressure.
     * Names what is parked where from the counts the caches keep as they go.
     */
    static AllocationException exhausted(Layout layout, PoolCore pool, String how) {
        return new AllocationException(AllocationException.Reason.EXHAUSTED, layout, pool.describe()
                + " cannot allocate " + layout + ": all " + pool.capacity + " blocks are in use" + parked(pool)
                + how);
    }

    private static String parked(PoolCore pool) {
        final int lanes = pool.tier.parkedElsewhere();
        int local = 0;
        for (final LocalCache cache : pool.localCaches) {
            local += cache.held();
        }
        if (lanes == 0 && local == 0) {
            return "";
        }
        return " or parked" + (lanes == 0 ? "" : " in other live threads' caches (" + lanes
                + " free blocks; they come back on those threads' next pool call, or use cache=0)")
                + (lanes != 0 && local != 0 ? " and" : "")
                + (local == 0 ? "" : " in " + pool.localCaches.size() + " open local caches (" + local
                + " free blocks; they come back when their owners close them)");
    }

    static IllegalArgumentException badRequest(long requested, PoolCore pool) {
        return new IllegalArgumentException("requested bytes must be between 0 and the block size " + pool.blockSize
                + ": requested=" + requested);
    }
}
