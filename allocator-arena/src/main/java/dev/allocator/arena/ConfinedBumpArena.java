package dev.allocator.arena;

import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A {@link BumpArena} confined to the thread that created it, like {@link java.lang.foreign.Arena#ofConfined()}:
 * allocation is a few plain field updates, with no atomic instruction and no lock. Any other thread gets
 * {@link WrongThreadException} from every method but {@link #owns}, {@link #stats()}, {@link #arenaStats()} and
 * {@link #scope()} (those may be called from a monitoring thread and see a recent state), and cannot access the
 * arena's segments.
 *
 * {@snippet :
 * try (ConfinedBumpArena arena = BumpArena.ofConfined(Allocators.system(),
 *         ArenaOptions.defaults().withChunkSize(64 << 10))) {
 *     MemorySegment ints = arena.allocate(ValueLayout.JAVA_INT, 100);
 *     MemorySegment text = arena.allocateFrom("hello");
 * }
 * }
 *
 * <p>See {@link BumpArena} for the contract of allocation, scopes, reset, rewind and close.
 */
public final class ConfinedBumpArena extends BumpArena {

    /*
     * Maintainers' notes.
     *
     * The current chunk is cached in plain fields: `view` (the chunk seen through the top level's scope), `base`
     * (its address), `limit` (its size) and `top` (the bump offset). Allocation computes
     *     start = top + (-(base + top) & (alignment - 1))       (aligning the ADDRESS, not the offset)
     *     end   = start + size
     * and succeeds when size <= limit && end <= limit (the first test keeps `end` from overflowing; limit <= 1 TiB
     * and alignment <= 2^62 keep `start` from it). "No chunk" and "closed" are both limit = -1, so the fast path has
     * no other test than the owner check; the slow path sorts out which it is.
     *
     * `latest` is the size of the latest allocation when it is [top - latest, top) of the current chunk in the
     * current level, else -1 (after a new chunk, a mark, a rewind, a reset or a roll-back); deallocate rolls back
     * exactly that allocation, and rejects a segment of the current level and chunk that overlaps it or [top, limit)
     * without being it: no other allocation of the level lies there. A segment is judged against the current chunk
     * only when it starts inside it (start < limit): a zero-byte segment at the chunk's end may be one made at the
     * start of the chunk placed right above it, and then nothing about it can be known from the current chunk.
     *
     * Invariants: 0 <= top <= limit while a chunk is current; the bytes [top, limit) of the current chunk are
     * handed out to no live segment; every other live allocation of the current level in the current chunk ends at
     * or before top - latest; `level` is ledger.top(), and `view` belongs to level.scope.
     */

    private final Thread owner;
    private final ArenaOptions options;
    private final ChunkLedger ledger;

    private Level level;
    private Chunk chunk;
    private MemorySegment view;
    private long base;
    private long top;
    private long limit = -1;
    private long latest = -1;
    private boolean closed;

    private long padding;
    /** Where {@link #slowClaim} claimed the request: a new chunk's view or a dedicated chunk's; null otherwise. */
    private MemorySegment claimedFrom;

    ConfinedBumpArena(Allocator backing, ArenaOptions options) {
        this.owner = Thread.currentThread();
        this.options = Objects.requireNonNull(options, "options");
        this.ledger = new ChunkLedger(this, Objects.requireNonNull(backing, "backing"), options, false);
        this.level = ledger.top();
    }

    @Override
    MemorySegment bump(long size, long alignment, boolean throwOnFailure) {
        if (Thread.currentThread() != owner) {
            throw wrongThread();
        }
        long start = claim(size, alignment);
        MemorySegment from = view;
        if (start < 0) {
            start = slowClaim(size, alignment, throwOnFailure);
            if (start < 0) {
                return null;
            }
            from = claimedFrom;
            claimedFrom = null;
        }
        return from.asSlice(start, size);
    }

    /**
     * Claims {@code [start, start + size)} of the current chunk when it fits, and returns {@code start}, else
     * {@code -1} and changes nothing.
     */
    private long claim(long size, long alignment) {
        final long top = this.top;
        final long limit = this.limit;
        final long start = top + (-(base + top) & (alignment - 1));
        final long end = start + size;
        if (size > limit || end > limit) {
            return -1;
        }
        this.top = end;
        this.latest = size;
        padding += start - top;
        level.tally.add(size);
        return start;
    }

    /**
     * Takes a new chunk (or a dedicated one) and claims the request from it: returns the offset in
     * {@link #claimedFrom}, or {@code -1} when the backing allocator refused and {@code throwOnFailure} is false.
     */
    private long slowClaim(long size, long alignment, boolean throwOnFailure) {
        Checks.requireOpen(closed, this);
        Layout request = Layout.of(size, alignment);
        if (!ledger.fitsChunk(size, alignment)) {
            Chunk dedicated = ledger.takeDedicated(request, throwOnFailure);
            if (dedicated == null) {
                return -1;
            }
            level.tally.add(size);
            claimedFrom = ChunkLedger.view(dedicated, level);
            return 0;
        }
        Chunk next = ledger.takeChunk(request, throwOnFailure);
        if (next == null) {
            return -1;
        }
        if (chunk != null) {
            ledger.retire(chunk, top);
        }
        install(next, 0);
        claimedFrom = view;
        return claim(size, alignment);
    }

    private void install(Chunk next, long offset) {
        chunk = next;
        top = offset;
        latest = -1;
        if (next == null) {
            view = null;
            base = 0;
            limit = -1;
        } else {
            view = ChunkLedger.view(next, level);
            base = next.base;
            limit = next.size;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code segment} was not allocated by this arena, or its size or alignment
     *                                  does not match {@code layout}
     * @throws IllegalStateException    when the segment's scope has ended, or the arena is closed
     * @throws WrongThreadException     when called from another thread
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        checkOwner();
        Checks.requireOpen(closed, this);
        checkDeallocation(segment, layout);
        Level owning = ledger.levelOf(segment);
        if (owning == null) {
            throw ledger.notOurs(segment);
        }
        final long start = segment.address() - base;
        final long end = start + layout.size();
        if (owning == level && chunk != null && start >= 0 && start < limit && end <= limit) {
            if (end > top) {
                throw notAnAllocation(segment);
            }
            if (latest >= 0) {
                if (start == top - latest && end == top) {
                    chunk.extent = Math.max(chunk.extent, top);
                    top = start;
                    latest = -1;
                } else if (end > top - latest) {
                    throw notAnAllocation(segment);
                }
            }
        }
        owning.tally.remove(layout.size());
    }

    /**
     * {@inheritDoc}
     *
     * <p>True for segments of this arena's live scopes (from any thread) and, on the owner thread, for any segment
     * whose memory lies in a chunk the arena holds (segments of ended scopes too). False after close: the memory
     * has gone back.
     */
    @Override
    public boolean owns(MemorySegment segment) {
        return ledger.levelOf(segment) != null
                || (!closed && Thread.currentThread() == owner && ledger.holds(segment.address()));
    }

    @Override
    public MemorySegment.Scope scope() {
        return level.scope;
    }

    @Override
    public void reset() {
        checkOwner();
        Checks.requireOpen(closed, this);
        dependents.closeAll(this);
        try {
            ledger.reset(chunk, top);
        } catch (RuntimeException refused) {
            keepPosition();
            throw refused;
        }
        continueAtTop();
    }

    @Override
    public Mark mark() {
        checkOwner();
        Checks.requireOpen(closed, this);
        Mark mark = new Mark(this, ledger.nextMarkId());
        level = ledger.push(chunk, top, mark);
        latest = -1;
        if (chunk != null) {
            view = ChunkLedger.view(chunk, level);
        }
        return mark;
    }

    @Override
    public void rewind(Mark mark) {
        Objects.requireNonNull(mark, "mark");
        checkOwner();
        Checks.requireOpen(closed, this);
        int index = ledger.indexOf(mark);
        dependents.closeAll(this);
        try {
            ledger.rewindTo(index, chunk, top);
        } catch (RuntimeException refused) {
            keepPosition();
            throw refused;
        }
        continueAtTop();
    }

    /** After a rewind or reset: continue where the (renewed) top level began. */
    private void continueAtTop() {
        level = ledger.top();
        install(level.chunk, level.offset);
    }

    /** After a rewind or reset the JDK refused half-way: stay where we are, seen through the new top level. */
    private void keepPosition() {
        level = ledger.top();
        latest = -1;
        if (chunk != null) {
            view = ChunkLedger.view(chunk, level);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        requireCloseable();
        dependents.closeAll(this);
        try {
            ledger.close(chunk, top);
        } catch (RuntimeException refused) {
            keepPosition();
            throw refused;
        }
        closed = true;
        chunk = null;
        view = null;
        base = 0;
        top = 0;
        limit = -1;
    }

    @Override
    public boolean isShared() {
        return false;
    }

    @Override
    public ArenaStats arenaStats() {
        final long live = ledger.liveCount();
        final long allocated = ledger.allocations();
        return new ArenaStats(ledger.chunksHeld(), ledger.bytesReserved(), ledger.liveBytes(), allocated,
                allocated - live, ledger.failures(), ledger.resets(), padding + ledger.tailBytes());
    }

    /**
     * {@inheritDoc}
     *
     * @throws WrongThreadException when called from a thread other than the owner, or the backing allocator is
     *                              confined to another thread
     */
    @Override
    public void requireCloseable() {
        checkOwner();
        ledger.requireBackingCloseable();
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw wrongThread();
        }
    }

    private WrongThreadException wrongThread() {
        return new WrongThreadException(this + " is confined to thread " + owner.getName()
                + ", but was used from thread " + Thread.currentThread().getName());
    }

    /** Returns {@code "arena(confined, chunkSize=1048576, wipe=none)"}. */
    @Override
    public String toString() {
        return describe("confined", options);
    }

    /** Lists the backing allocator's measures (an arena adds none of its own). */
    @Override
    public void measures(java.util.function.Consumer<? super dev.allocator.api.Measure> sink) {
        ledger.measures(sink);
    }
}
