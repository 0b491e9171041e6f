package dev.allocator.pool;

import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.pool.internal.FreeListDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The pool's memory: one slab from the backing allocator, seen through a segment scoped to an arena the pool owns,
 * and cut into blocks. Knows the geometry (stride, where block {@code i} is) and the lifecycle (give the slab back);
 * nothing about which blocks are free.
 */
final class Slab {

    /*
     * Two views of one slab. `backingSegment` is what the backing allocator returned, and what goes back to it (so
     * its checks see its own segment). `memory` is the same addresses reinterpreted into `arena`, a shared arena of
     * the pool's own; every block segment handed out is a slice of `memory`, so closing `arena` makes every one of
     * them throw on access, and ownership is a scope identity test. The wipe on close goes through `backingSegment`
     * after `arena` is closed, so no thread can still write a block while it is zeroed.
     */

    final long blockSize;
    final long alignment;
    final long stride;
    final int capacity;
    final MemorySegment memory;
    final long base;
    final MemorySegment.Scope scope;
    /** log2(stride) when the stride is a power of two, else -1 (then blockOf divides). */
    private final int strideShift;
    private final Allocator backing;
    private final boolean ownsBacking;
    private final Layout slabLayout;
    private final MemorySegment backingSegment;
    private final Arena arena;

    private Slab(Allocator backing, boolean ownsBacking, long blockSize, long alignment, int capacity,
                 Layout slabLayout, MemorySegment backingSegment, Arena arena) {
        this.backing = backing;
        this.ownsBacking = ownsBacking;
        this.blockSize = blockSize;
        this.alignment = alignment;
        this.stride = stride(blockSize, alignment);
        this.capacity = capacity;
        this.slabLayout = slabLayout;
        this.backingSegment = backingSegment;
        this.arena = arena;
        this.scope = arena.scope();
        this.memory = MemorySegment.ofAddress(backingSegment.address()).reinterpret(slabLayout.size(), arena, null);
        this.base = memory.address();
        this.strideShift = Long.bitCount(stride) == 1 ? Long.numberOfTrailingZeros(stride) : -1;
    }

    /**
     * The stride for blocks of this size and alignment: the size, at least {@link FreeListDescriptor#MIN_STRIDE},
     * rounded up to a multiple of the alignment (at least the slab's minimum alignment).
     */
    static long stride(long blockSize, long alignment) {
        return Checks.alignUp(Math.max(blockSize, FreeListDescriptor.MIN_STRIDE), slabAlignment(alignment));
    }

    static long slabAlignment(long alignment) {
        return Math.max(alignment, FreeListDescriptor.MIN_SLAB_ALIGNMENT);
    }

    /**
     * Takes a slab from {@code backing}. When this throws, {@code backing} is as before (the slab, if taken, is back).
     */
    static Slab carve(Allocator backing, boolean ownsBacking, long blockSize, long alignment, int capacity) {
        long stride = stride(blockSize, alignment);
        Layout slabLayout = Layout.of(Checks.multiplyExact(stride, capacity, "slab size"), slabAlignment(alignment));
        MemorySegment segment = backing.allocate(slabLayout);
        Arena arena = null;
        try {
            arena = Arena.ofShared();
            return new Slab(backing, ownsBacking, blockSize, alignment, capacity, slabLayout, segment, arena);
        } catch (RuntimeException | Error e) {
            if (arena != null) {
                arena.close();
            }
            try {
                backing.deallocate(segment, slabLayout);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The slab's size in bytes. */
    long bytes() {
        return slabLayout.size();
    }

    /**
     * The first {@code size} bytes of block {@code index}, as a new slice of {@link #memory}: nothing per block is
     * kept on the heap. Small enough to inline, so that a caller that does not let the slice escape gets it
     * scalar-replaced (no allocation).
     */
    MemorySegment segment(int index, long size) {
        return memory.asSlice(index * stride, size);
    }

    /** Zeroes block {@code index}. */
    void zero(int index) {
        memory.asSlice(index * stride, blockSize).fill((byte) 0);
    }

    /** Address of block {@code index}. */
    long address(int index) {
        return base + index * stride;
    }

    /**
     * The block starting at {@code address}, or -1 when no block starts there: the free path's test, in few
     * bytecodes so that it inlines.
     */
    int blockAt(long address) {
        final long offset = address - base;
        final int shift = strideShift;
        if (shift >= 0) {
            return offset >= 0 && (offset & (stride - 1)) == 0 && (offset >>> shift) < capacity
                    ? (int) (offset >>> shift) : -1;
        }
        return offset >= 0 && offset % stride == 0 && offset / stride < capacity ? (int) (offset / stride) : -1;
    }

    /** The byte offset of {@code address} from the slab's start divided by the stride, for an address in the slab. */
    long blockOf(long offset) {
        final int shift = strideShift;
        return shift >= 0 ? offset >>> shift : offset / stride;
    }

    /** Whether {@code offset} from the slab's start is where a block starts. */
    boolean isBlockStart(long offset) {
        final int shift = strideShift;
        return shift >= 0 ? (offset & (stride - 1)) == 0 : offset % stride == 0;
    }

    /**
     * Invalidates every block segment, zeroes the slab when asked, gives it back and closes the backing allocator
     * when owned.
     *
     * @throws IllegalStateException when a block segment is in use by a native call in another thread (the JDK then
     *                               refuses to close the arena); nothing has changed and this may be called again
     */
    void release(boolean wipe) {
        arena.close();
        try {
            if (wipe) {
                backingSegment.fill((byte) 0);
            }
            backing.deallocate(backingSegment, slabLayout);
        } finally {
            if (ownsBacking) {
                backing.close();
            }
        }
    }

    /**
     * Throws, changing nothing, when {@code thread} may not give the slab back: the backing's segment is confined to
     * another thread (an arena confined to its owner), so its deallocate and close would fail after the pool had
     * closed itself; the backing is asked too ({@link Allocator#requireCloseable}).
     *
     * @throws WrongThreadException naming the pool and the backing
     */
    void requireReleasableBy(Thread thread, PoolCore pool) {
        if (!backingSegment.isAccessibleBy(thread)) {
            throw PoolErrors.wrongThread(pool, backing);
        }
        backing.requireCloseable();
    }

    /**
     * Registers the pool with a backing it does not own, so that the backing closes it before freeing the slab
     * ({@link Allocator#addDependent}). When the backing does not honour dependents the caller must keep it open for
     * as long as the pool is.
     */
    void register(AutoCloseable pool) {
        if (!ownsBacking) {
            backing.addDependent(pool);
        }
    }

    /** Forgets the registration of {@link #register}, once the slab is back. */
    void unregister(AutoCloseable pool) {
        if (!ownsBacking) {
            backing.removeDependent(pool);
        }
    }

    /** Gives the slab back after building the pool failed, leaving the backing open even when owned. */
    void abandon() {
        arena.close();
        backing.deallocate(backingSegment, slabLayout);
    }

    /** The allocator the slab came from, whose measures the pool lists after its own. */
    Allocator backing() {
        return backing;
    }
}
