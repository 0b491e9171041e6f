package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;

/**
 * The memory of one slab: what a slab's pool is built over instead of the real backing allocator. It takes the slab's
 * one segment from the backing allocator for the pool, and when the pool gives it back it only records that; the size
 * class then gives the segment back to the backing allocator itself ({@link #giveBack()}), from a thread the backing
 * accepts. So closing a pool never calls the backing allocator, a pool that fails to build cannot leak its slab, and
 * a backing that refuses the calling thread (a confined arena) leaves the memory here, still ours, to be given back
 * later.
 *
 * <p>Not thread-safe: the pool calls {@code allocate} once while its size class holds the class lock, and
 * {@code deallocate} once from {@code close}; {@link SlabReturns} guards {@link #giveBack()}.
 */
final class SlabMemory implements Allocator {

    private final Allocator backing;
    private MemorySegment raw;
    private Layout layout;
    private boolean returnedByPool;
    private boolean givenBack;

    SlabMemory(Allocator backing) {
        this.backing = backing;
    }

    /** Takes the slab from the backing allocator; a second call throws (a pool takes one slab). */
    @Override
    public MemorySegment allocate(Layout slabLayout) {
        if (raw != null) {
            throw new IllegalStateException("a slab's memory is taken once: slab=" + raw);
        }
        final MemorySegment segment = backing.allocate(slabLayout);
        raw = segment;
        layout = slabLayout;
        return segment;
    }

    @Override
    public MemorySegment tryAllocate(Layout slabLayout) {
        if (raw != null) {
            return null;
        }
        final MemorySegment segment = backing.tryAllocate(slabLayout);
        if (segment != null) {
            raw = segment;
            layout = slabLayout;
        }
        return segment;
    }

    /** The pool gives the slab back: recorded only; {@link #giveBack()} returns it to the backing allocator. */
    @Override
    public void deallocate(MemorySegment segment, Layout slabLayout) {
        if (raw == null || returnedByPool || segment.address() != raw.address() || !slabLayout.equals(layout)) {
            throw new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " with layout "
                    + slabLayout + " must be this slab's: slab=" + raw + ", layout=" + layout);
        }
        returnedByPool = true;
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return raw != null && segment.address() >= raw.address()
                && segment.address() - raw.address() < raw.byteSize();
    }

    @Override
    public AllocatorStats stats() {
        final long bytes = held() ? layout.size() : 0;
        return new AllocatorStats(raw != null ? 1 : 0, givenBack ? 1 : 0, 0, bytes, bytes);
    }

    /** Nothing to close: the size class gives the memory back. */
    @Override
    public void close() {
    }

    /** Whether the slab's memory was taken from the backing allocator and not yet given back to it. */
    boolean held() {
        return raw != null && !givenBack;
    }

    /** The segment the backing allocator handed out, null before. */
    MemorySegment raw() {
        return raw;
    }

    /** The slab's size, 0 before it was taken. */
    long bytes() {
        return layout != null ? layout.size() : 0;
    }

    /**
     * Whether {@code thread} may touch the slab's memory as the backing allocator handed it out: false for a segment
     * of a confined arena seen from another thread, whose backing would then refuse the memory from that thread too.
     */
    boolean accessibleBy(Thread thread) {
        return raw == null || raw.isAccessibleBy(thread);
    }

    /**
     * Gives the slab back to the backing allocator once; does nothing when it never took one or already did.
     *
     * @throws RuntimeException what the backing allocator throws (a {@link WrongThreadException} from a confined
     *                          one); the memory is still held then
     */
    void giveBack() {
        if (held()) {
            backing.deallocate(raw, layout);
            givenBack = true;
        }
    }

    @Override
    public String toString() {
        return backing.toString();
    }
}
