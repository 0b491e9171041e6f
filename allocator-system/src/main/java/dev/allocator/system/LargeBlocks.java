package dev.allocator.system;

import dev.allocator.api.Scopes;
import dev.allocator.system.internal.Libc;
import dev.allocator.system.internal.LiveTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The large blocks of a {@link SystemAllocator}: each reinterpreted into a shared arena of its own, closed before the
 * block goes back to the C library. Thread-safe; of two racing {@link #remove}s of one block exactly one removes it.
 */
final class LargeBlocks {

    /*
     * Maintainers' notes.
     *
     * A large block already costs a shared arena to create and a handshake with every thread to close (microseconds),
     * so a ConcurrentHashMap entry (address -> block) is noise here, and it keeps the segment, whose scope tells a
     * stale segment from a new allocation at the same address. `scopes` (weak keys, guarded by itself) answers
     * owns() for every large segment still referenced, live or freed.
     *
     * Counters: blocks and bytes as monotonic sums; a block is added to `adds` and `bytesAdded` before it is
     * published in `live`, and to `bytesRemoved` only by whoever removed it (ConcurrentHashMap.remove(key, value) succeeds once),
     * so reading the removed sums before the added ones never gives a negative difference.
     */

    private record Block(MemorySegment segment, Arena arena) {
    }

    private final ConcurrentHashMap<Long, Block> live = new ConcurrentHashMap<>();
    private final Map<MemorySegment.Scope, Boolean> scopes = new WeakHashMap<>();
    private final LongAdder adds = new LongAdder();
    private final LongAdder removes = new LongAdder();
    private final LongAdder bytesAdded = new LongAdder();
    private final LongAdder bytesRemoved = new LongAdder();

    /** Gives the block at {@code address} an arena of its own and records it; returns its segment. */
    MemorySegment add(long address, long size) {
        Arena own = Arena.ofShared();
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(size, own, null);
        synchronized (scopes) {
            scopes.put(own.scope(), Boolean.TRUE);
        }
        adds.increment();
        bytesAdded.add(size);
        live.put(address, new Block(segment, own));
        return segment;
    }

    /** @return whether {@code scope} is the scope of a large block handed out here, live or not */
    boolean owns(MemorySegment.Scope scope) {
        synchronized (scopes) {
            return scopes.containsKey(scope);
        }
    }

    /**
     * Removes and frees the live block {@code segment} starts, if its size is {@code size} (and the segment's).
     *
     * @return {@code size} when it was freed, {@link LiveTable#ABSENT} when no live
     *         block has the segment's address and scope, else the block's size (nothing changed)
     */
    long remove(MemorySegment segment, long size) {
        long address = segment.address();
        Block block = live.get(address);
        if (block == null || block.segment.scope() != segment.scope()) {
            return LiveTable.ABSENT;
        }
        long recorded = block.segment.byteSize();
        if (recorded != size || segment.byteSize() != size) {
            return recorded;
        }
        if (!live.remove(address, block)) {
            return LiveTable.ABSENT;
        }
        release(address, block);
        return size;
    }

    /** Closes every live block's arena (the first step of closing the allocator). */
    void closeArenas() {
        for (Block block : live.values()) {
            Scopes.closeIfAlive(block.arena);
        }
    }

    /** Removes and frees every live block. */
    void removeAll() {
        for (var entry : live.entrySet()) {
            if (live.remove(entry.getKey(), entry.getValue())) {
                release(entry.getKey(), entry.getValue());
            }
        }
    }

    private void release(long address, Block block) {
        Scopes.closeIfAlive(block.arena);
        Libc.free(address);
        bytesRemoved.add(block.segment.byteSize());
        removes.increment();
    }

    /** Adds blocks removed, blocks added and bytes live to {@code into[1]}, {@code into[0]} and {@code into[2]}. */
    void addCountsTo(long[] into) {
        long removed = removes.sum();    // removed sums first: see the maintainers' notes
        long inUse = -bytesRemoved.sum();
        into[1] += removed;
        into[0] += adds.sum();
        into[2] += inUse + bytesAdded.sum();
    }
}
