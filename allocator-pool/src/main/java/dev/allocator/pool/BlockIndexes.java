package dev.allocator.pool;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;


/**
 * A {@link FixedBlockPool}'s blocks by number, {@code 0 <= index < capacity}, for code that passes buffers around as
 * ints (packet rings, frame tables): nothing here allocates on the Java heap, and the bulk forms cost one list
 * operation per batch rather than per block. Same contract as the pool: thread-safe, with happens-before from a
 * release to the next acquire of the same block; misuse throws with the block's index and address and changes
 * nothing.
 *
 * {@snippet :
 * BlockIndexes blocks = pool.indexes();
 * int[] batch = new int[32];
 * int n = blocks.acquire(batch, 0, batch.length);     // one CAS for up to 32 blocks
 * for (int i = 0; i < n; i++) {
 *     blocks.segment(batch[i]).set(ValueLayout.JAVA_LONG, 8, i);
 * }
 * blocks.release(batch, 0, n);                         // one CAS for all of them
 * }
 *
 * <p>Blocks taken here count in the pool's stats as whole blocks; they may also be given back through the pool's
 * {@code deallocate(segment(index), Layout.of(blockSize))}, and the pool's segments through {@link #release} after
 * {@link #indexOf}.
 */
public final class BlockIndexes {

    /*
     * Maintainers' notes. segment(index) returns one segment object per block, built on the first call for that block
     * and kept in `table`, itself made on the first segment() call: the index API's callers keep and compare these
     * objects (I/O buffer tables), and the heap goes only to pools used that way, at about 44 B per block touched.
     * The Allocator paths build their segments on demand (Slab.segment) and keep none. Races are benign: the table
     * is installed by one CAS (the losers use the winner's); of two threads building one block's segment, one installs
     * it by CAS (release) and the other returns the installed one, so every caller gets the same object.
     */

    private static final VarHandle TABLE;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(MemorySegment[].class);

    static {
        try {
            TABLE = MethodHandles.lookup().findVarHandle(BlockIndexes.class, "table", MemorySegment[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PoolCore core;
    /** Block segments handed out by {@link #segment}, by index; null until the first call. */
    private volatile MemorySegment[] table;

    BlockIndexes(PoolCore core) {
        this.core = core;
    }

    /**
     * Takes a free block.
     *
     * @return its index, or {@code -1} when every block is in use
     * @throws IllegalStateException when the pool is closed
     */
    public int acquire() {
        return core.acquire(core.blockSize);
    }

    /**
     * Takes a free block for a request of {@code requested} bytes: like {@link #acquire()}, but the pool's
     * bytes-in-use figure counts {@code requested} rather than the whole block. For routers (size classes) that hand
     * out a slice of the block themselves.
     *
     * @param requested the bytes the caller will use, 0 to {@link FixedBlockPool#blockSize()}
     * @return the block's index, or {@code -1} when no block is free
     * @throws IllegalArgumentException when {@code requested} is negative or larger than a block
     * @throws IllegalStateException    when the pool is closed
     */
    public int acquireFor(long requested) {
        return core.acquire(requested);
    }

    /**
     * Takes a free block, waiting up to {@code timeout} for one as {@link FixedBlockPool#allocate(
     * dev.allocator.api.Layout, Duration)} does.
     *
     * @param timeout how long to wait at most; zero or negative means not at all
     * @return the block's index, or {@code -1} when none was freed in time or the thread was interrupted (its
     *         interrupt status stays set)
     * @throws IllegalStateException when the pool is closed, before or during the wait
     */
    public int acquire(Duration timeout) {
        return BoundedWait.acquire(core, timeout);
    }

    /**
     * Takes up to {@code count} free blocks with one list operation.
     *
     * @param into   where their indices go
     * @param offset the first slot to fill
     * @param count  how many blocks are wanted
     * @return how many were taken, fewer than {@code count} when fewer are free; slots past them are unchanged
     * @throws IllegalArgumentException when {@code offset} and {@code count} do not lie within {@code into}
     * @throws IllegalStateException    when the pool is closed
     */
    public int acquire(int[] into, int offset, int count) {
        return core.bulk.takeMany(Objects.requireNonNull(into, "into"), null, offset, count);
    }

    /**
     * The segment of block {@code index}: all {@link FixedBlockPool#blockSize()} bytes; the same object every time
     * (made on the first call for the block and kept: about 44 B of heap per block asked for; the pool's
     * {@code Allocator} paths keep none). While the block is free its first 4 bytes belong to the pool.
     *
     * @param index the block
     * @return the segment
     * @throws IllegalArgumentException when {@code index} is out of range
     */
    public MemorySegment segment(int index) {
        core.checkRange(index);
        MemorySegment[] table = this.table;
        if (table == null) {
            final MemorySegment[] fresh = new MemorySegment[core.capacity];
            final Object won = TABLE.compareAndExchange(this, (MemorySegment[]) null, fresh);
            table = won == null ? fresh : (MemorySegment[]) won;
        }
        final MemorySegment known = table[index]; // plain: a segment's fields are final, safe through a race
        if (known != null) {
            return known;
        }
        final MemorySegment built = core.slab.segment(index, core.blockSize);
        final Object won = SLOT.compareAndExchangeRelease(table, index, (MemorySegment) null, built);
        return won == null ? built : (MemorySegment) won;
    }

    /**
     * The block that starts at {@code address}, by arithmetic alone: no scope check, no exception. For routers that
     * already know the segment is this pool's ({@link FixedBlockPool#owns}) and want the index without handing the
     * segment object to another call.
     *
     * @param address an address
     * @return the block's index, or -1 when no block of this pool starts at {@code address}
     */
    public int blockAt(long address) {
        return core.slab.blockAt(address);
    }

    /**
     * Every block of the pool, read-only: block {@code i} starts at offset {@code i * stride}
     * ({@link FixedBlockPool#stride()}), in the pool's scope (accessible from any thread until the pool closes). For
     * routers that read a block by its address without the block's own segment, for example to bring a freed block
     * into the cache before it is handed out again. While a block is free its first 4 bytes are the pool's.
     *
     * @return a new read-only segment on each call (keep it)
     */
    public MemorySegment memory() {
        return core.slab.memory.asReadOnly();
    }

    /**
     * The block a segment of this pool starts at.
     *
     * @param segment a segment the pool handed out
     * @return the block's index
     * @throws IllegalArgumentException when the segment is not this pool's or does not start at a block
     */
    public int indexOf(MemorySegment segment) {
        return core.indexOf(Objects.requireNonNull(segment, "segment"));
    }

    /**
     * Gives block {@code index} back.
     *
     * @param index the block
     * @throws IllegalArgumentException when {@code index} is out of range
     * @throws IllegalStateException    when the block is already free (with double-free checking on) or the pool is
     *                                  closed
     */
    public void release(int index) {
        core.give.release(index);
    }

    /**
     * Gives block {@code index} back, checking that it was taken for {@code requested} bytes (by
     * {@link #acquireFor}, or by the pool's {@code allocate} of a layout of that size): the counterpart of
     * {@link #acquireFor} for routers, so that a free naming the wrong size is refused rather than counted.
     *
     * @param index     the block
     * @param requested the bytes it was taken for
     * @throws IllegalArgumentException when {@code index} is out of range, or the block was taken for another size
     * @throws IllegalStateException    when the block is already free (with double-free checking on) or the pool is
     *                                  closed
     */
    public void releaseFor(int index, long requested) {
        core.give.releaseFor(index, requested);
    }

    /**
     * Gives back {@code count} blocks with one list operation: all of them, or, when one cannot be given back, none.
     *
     * @param indices the blocks
     * @param offset  the first slot to read
     * @param count   how many
     * @throws IllegalArgumentException when {@code offset} and {@code count} do not lie within {@code indices}, or an
     *                                  index is out of range
     * @throws IllegalStateException    when a block is already free or listed twice (with double-free checking on),
     *                                  or the pool is closed
     */
    public void release(int[] indices, int offset, int count) {
        core.bulk.giveMany(Objects.requireNonNull(indices, "indices"), null, offset, count);
    }

    /** @return the number of blocks; indices run from 0 to this minus 1 */
    public int capacity() {
        return core.capacity;
    }

    /** Returns the pool's {@code toString()}. */
    @Override
    public String toString() {
        return core.toString();
    }
}
