package dev.allocator.shm;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A fixed-block pool in a file that several processes map: each allocates blocks ({@link #acquire()}), names them
 * to the others by index (through a ring, say), and frees them ({@link #release(int)}). The slab, the free-list
 * (an ABA-tagged head in one {@code long}, links in per-block records) and each block's owner live in the file; the
 * layout is {@link SharedPoolDescriptor}.
 *
 * {@snippet :
 * try (SharedPool pool = SharedPool.create(Path.of("/dev/shm/frames"), 2048, 4096)) {   // the other: open(file)
 *     int index = pool.acquire();
 *     pool.segment(index).set(ValueLayout.JAVA_INT, 0, 42);
 *     pool.release(index);
 * }
 * }
 *
 * <p><b>Ownership.</b> A taken block records the process that took it (pid and start time). Only that process may
 * release it; the others give the index back to it (the completion ring of the worked example in docs/shm.md).
 * {@link #recover()} frees the blocks of processes that have died.
 *
 * <p><b>Threads and processes.</b> {@code acquire}, {@code tryAcquire}, {@code release}, {@code segment},
 * {@code recover} and {@code inUse} may be called from any threads of any processes at once; the free-list is
 * lock-free. Everything written into a block before its release happens-before the next acquirer's reads of it;
 * passing an index from process to process needs its own happens-before edge (the rings give it).
 * {@link #close()} unmaps the file: call it once no thread of this process uses the pool or its segments.
 *
 * <p><b>Process death.</b> Each operation is one CAS on the free-list head and one atomic store of the block's
 * owner, so a process killed at any instant leaves no half-moved head and no torn record. What it can leave:
 * <ul>
 *   <li>blocks it owned: still owned by the dead pid; {@link #recover()} gives them back.</li>
 *   <li>killed in {@code acquire} between unlinking a block and recording itself as owner, or in {@code release}
 *       between clearing its ownership and linking the block back: one block that is neither owned nor on the
 *       free-list. No process can tell it from a block a live process is acquiring or releasing at that moment,
 *       so {@code recover()} leaves it alone; it is lost until the file is created anew (two stores wide each).</li>
 * </ul>
 *
 * <p><b>Errors.</b> Bad arguments throw {@link IllegalArgumentException}; a double release or a release by another
 * process than the owner {@link IllegalStateException}; both change nothing. After {@link #close()} every method
 * but {@code close} throws {@link IllegalStateException}.
 */
public final class SharedPool implements AutoCloseable {

    /*
     * Maintainers. Free-list head word: (tag << 32) | (index & 0xFFFFFFFF), index -1 = empty; the tag grows on every
     * successful CAS so that a head read before another process popped and pushed the same block fails its CAS (ABA).
     * Pop: getAcquire head, read next of the head block, CAS head -> (tag + 1, next): linearization point; then
     * setRelease owner = pid (start time written before it). Push: CAS owner pid -> 0 (the double-release gate:
     * exactly one release of an ownership wins), write next = current head index, CAS head -> (tag + 1, index): the
     * linearization point, whose volatile semantics publish the link and the block's contents.
     * Invariants: a block is on the list iff its owner is 0, except while one operation is between its two steps;
     * links on the list are in [0, capacity) or -1.
     */

    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();
    private static final long EMPTY = 0xFFFF_FFFFL;

    private final Path file;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int blockSize;
    private final int capacity;
    private final long slabOffset;
    private boolean closed;

    private SharedPool(Path file, Arena arena, MemorySegment mapping) {
        this.file = file;
        this.arena = arena;
        this.mapping = mapping;
        this.blockSize = mapping.get(ValueLayout.JAVA_INT, SharedPoolDescriptor.BLOCK_SIZE_OFFSET);
        this.capacity = mapping.get(ValueLayout.JAVA_INT, SharedPoolDescriptor.CAPACITY_OFFSET);
        this.slabOffset = mapping.get(ValueLayout.JAVA_LONG, SharedPoolDescriptor.SLAB_OFFSET_OFFSET);
    }

    /**
     * Creates a pool file of {@code capacity} free blocks of {@code blockSize} bytes and maps it. The file must not
     * exist (a file a running process maps is never overwritten).
     *
     * @param file      the file to create; {@code /dev/shm/...} keeps it in memory on Linux
     * @param blockSize bytes per block, {@code > 0}
     * @param capacity  number of blocks, 1 to 2<sup>30</sup>
     * @return the pool, mapped into this process
     * @throws IllegalArgumentException       if a size is out of range
     * @throws java.io.UncheckedIOException   if the file exists or cannot be created or mapped
     */
    public static SharedPool create(Path file, int blockSize, int capacity) {
        if (file == null) {
            throw new NullPointerException("file");
        }
        Checks.requirePositive(blockSize, "blockSize");
        Checks.requireInRange(capacity, 1, SharedPoolDescriptor.MAX_CAPACITY, "capacity");
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping = PoolFile.create(file, PoolFile.size(blockSize, capacity), arena);
            for (int i = 0; i < capacity; i++) {
                mapping.set(ValueLayout.JAVA_INT, SharedPoolDescriptor.record(i) + SharedPoolDescriptor.NEXT,
                        i + 1 < capacity ? i + 1 : -1);
            }
            WORD.setRelease(mapping, SharedPoolDescriptor.HEAD_OFFSET, 0L);
            mapping.set(ValueLayout.JAVA_INT, SharedPoolDescriptor.VERSION_OFFSET, SharedPoolDescriptor.VERSION);
            mapping.set(ValueLayout.JAVA_INT, SharedPoolDescriptor.BLOCK_SIZE_OFFSET, blockSize);
            mapping.set(ValueLayout.JAVA_INT, SharedPoolDescriptor.CAPACITY_OFFSET, capacity);
            mapping.set(ValueLayout.JAVA_LONG, SharedPoolDescriptor.SLAB_OFFSET_OFFSET,
                    SharedPoolDescriptor.slabOffset(capacity));
            WORD.setRelease(mapping, SharedPoolDescriptor.MAGIC_OFFSET, SharedPoolDescriptor.MAGIC);
            return new SharedPool(file, arena, mapping);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps a pool file another process created.
     *
     * @param file the file {@link #create} wrote
     * @return the pool, mapped into this process
     * @throws IllegalArgumentException     if the file is not a shared pool, is of another layout version, or its
     *                                      size does not match its header; the message says which
     * @throws java.io.UncheckedIOException if the file cannot be opened or mapped
     */
    public static SharedPool open(Path file) {
        if (file == null) {
            throw new NullPointerException("file");
        }
        Arena arena = Arena.ofShared();
        try {
            return new SharedPool(file, arena, PoolFile.open(file, arena));
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Takes a free block for this process.
     *
     * @return its index
     * @throws AllocationException   with reason {@code EXHAUSTED} when every block is in use
     * @throws IllegalStateException if the pool is closed or its free-list is corrupt
     */
    public int acquire() {
        int index = tryAcquire();
        if (index < 0) {
            throw new AllocationException(AllocationException.Reason.EXHAUSTED, Layout.of(blockSize), this
                    + " cannot allocate a block: all " + capacity + " blocks are in use by this and other processes"
                    + " (recover() gives back those of dead processes)");
        }
        return index;
    }

    /**
     * Takes a free block for this process, or says there is none.
     *
     * @return its index, or {@code -1} when every block is in use
     * @throws IllegalStateException if the pool is closed or its free-list is corrupt
     */
    public int tryAcquire() {
        Checks.requireOpen(closed, this);
        int index;
        while (true) {
            long head = (long) WORD.getAcquire(mapping, SharedPoolDescriptor.HEAD_OFFSET);
            index = (int) head;
            if (index == -1) {
                return -1;
            }
            requireLink(index, "free-list head");
            int next = mapping.get(ValueLayout.JAVA_INT, SharedPoolDescriptor.record(index) + SharedPoolDescriptor.NEXT);
            if (WORD.compareAndSet(mapping, SharedPoolDescriptor.HEAD_OFFSET, head, moved(head, next))) {
                break;
            }
        }
        PauseHook.at("acquire-unlinked");
        long record = SharedPoolDescriptor.record(index);
        mapping.set(ValueLayout.JAVA_LONG, record + SharedPoolDescriptor.START, Owners.START);
        if (!WORD.compareAndSet(mapping, record + SharedPoolDescriptor.OWNER, 0L, Owners.PID)) {
            throw new IllegalStateException("free-list of " + this + " is corrupt: block " + index
                    + " was on it but is owned by process " + WORD.getAcquire(mapping, record));
        }
        return index;
    }

    /**
     * Gives a block this process took back to the pool.
     *
     * @param index the block's index
     * @throws IllegalArgumentException if {@code index} is not a block of this pool
     * @throws IllegalStateException    if the block is free (double release), is owned by another process, or the
     *                                  pool is closed; nothing changes then
     */
    public void release(int index) {
        Checks.requireOpen(closed, this);
        Checks.requireInRange(index, 0, capacity - 1L, "index");
        long record = SharedPoolDescriptor.record(index);
        long owner = (long) WORD.getAcquire(mapping, record + SharedPoolDescriptor.OWNER);
        if (owner != Owners.PID || !WORD.compareAndSet(mapping, record + SharedPoolDescriptor.OWNER, owner, 0L)) {
            throw owner == 0 || owner == Owners.PID
                    ? new IllegalStateException("block " + index + " of " + this + " is already free (double release)")
                    : new IllegalStateException("block " + index + " of " + this + " is owned by process " + owner
                    + ", not by this process " + Owners.PID + ": give the index back to its owner to release it");
        }
        PauseHook.at("release-unowned");
        push(index);
    }

    /**
     * The block's memory in this process's mapping; valid until {@link #close()}.
     *
     * @param index the block's index
     * @return a segment of {@code blockSize} bytes
     * @throws IllegalArgumentException if {@code index} is not a block of this pool
     * @throws IllegalStateException    if the pool is closed
     */
    public MemorySegment segment(int index) {
        Checks.requireOpen(closed, this);
        Checks.requireInRange(index, 0, capacity - 1L, "index");
        return mapping.asSlice(slabOffset + (long) index * blockSize, blockSize);
    }

    /**
     * Gives back every block owned by a process that has died (its pid is gone, or now names a process started at
     * another time).
     *
     * @return how many blocks were given back
     * @throws IllegalStateException if the pool is closed
     */
    public int recover() {
        Checks.requireOpen(closed, this);
        Owners owners = new Owners();
        int recovered = 0;
        for (int i = 0; i < capacity; i++) {
            long record = SharedPoolDescriptor.record(i);
            long owner = (long) WORD.getAcquire(mapping, record + SharedPoolDescriptor.OWNER);
            if (owner == 0 || owner == Owners.PID) {
                continue;
            }
            long start = mapping.get(ValueLayout.JAVA_LONG, record + SharedPoolDescriptor.START);
            if (!owners.alive(owner, start)
                    && WORD.compareAndSet(mapping, record + SharedPoolDescriptor.OWNER, owner, 0L)) {
                push(i);
                recovered++;
            }
        }
        return recovered;
    }

    /**
     * How many blocks are owned by some process now (a scan of the records, O(capacity)).
     *
     * @return the number of blocks in use
     * @throws IllegalStateException if the pool is closed
     */
    public int inUse() {
        Checks.requireOpen(closed, this);
        int used = 0;
        for (int i = 0; i < capacity; i++) {
            if ((long) WORD.getAcquire(mapping, SharedPoolDescriptor.record(i) + SharedPoolDescriptor.OWNER) != 0) {
                used++;
            }
        }
        return used;
    }

    /** @return the number of blocks */
    public int capacity() {
        return capacity;
    }

    /** @return the bytes per block */
    public int blockSize() {
        return blockSize;
    }

    /** Unmaps the file in this process (the file and the other processes' mappings stay); idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "shared pool " + file + " (" + blockSize + " B x " + capacity + ")";
    }

    private void push(int index) {
        long next = SharedPoolDescriptor.record(index) + SharedPoolDescriptor.NEXT;
        long head;
        do {
            head = (long) WORD.getAcquire(mapping, SharedPoolDescriptor.HEAD_OFFSET);
            mapping.set(ValueLayout.JAVA_INT, next, (int) head);
        } while (!WORD.compareAndSet(mapping, SharedPoolDescriptor.HEAD_OFFSET, head, moved(head, index)));
    }

    private static long moved(long head, int index) {
        return ((head >>> 32) + 1) << 32 | (index & EMPTY);
    }

    private void requireLink(int index, String where) {
        if (index < 0 || index >= capacity) {
            throw new IllegalStateException("free-list of " + this + " is corrupt: " + where + " links block "
                    + index + ", outside 0 to " + (capacity - 1));
        }
    }
}
