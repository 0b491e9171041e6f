package dev.allocator.compose.checked;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Freed blocks held back from the backing allocator, oldest first, up to a number of bytes, so that a write through
 * a stale raw address lands in memory nobody else uses and is seen when the block leaves. Not thread-safe: the
 * {@link CheckedAllocator} calls it under its lock; verifying and freeing what leaves is the caller's.
 */
final class Quarantine {

    private final long capacity;
    private final ArrayDeque<Allocation> held = new ArrayDeque<>();
    private long bytes;

    /** @param capacity the most bytes (of backing blocks) held; 0 holds nothing */
    Quarantine(long capacity) {
        this.capacity = capacity;
    }

    /** Whether a block of this many bytes is held back at all (one larger than the whole quarantine is not). */
    boolean takes(long blockBytes) {
        return blockBytes <= capacity;
    }

    /**
     * Holds {@code freed}; returns the oldest blocks that no longer fit, for the caller to verify and free.
     *
     * @param freed a freed allocation whose payload is poisoned, of at most {@code capacity} bytes
     * @return the evicted allocations, oldest first
     */
    List<Allocation> add(Allocation freed) {
        held.addLast(freed);
        bytes += freed.asked().size();
        List<Allocation> evicted = List.of();
        while (bytes > capacity) {
            if (evicted.isEmpty()) {
                evicted = new ArrayList<>();
            }
            Allocation oldest = held.removeFirst();
            bytes -= oldest.asked().size();
            evicted.add(oldest);
        }
        return evicted;
    }

    /** Whether nothing is held. */
    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Takes everything held, oldest first. */
    List<Allocation> drain() {
        List<Allocation> all = new ArrayList<>(held);
        held.clear();
        bytes = 0;
        return all;
    }
}
