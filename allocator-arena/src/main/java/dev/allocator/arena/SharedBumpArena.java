package dev.allocator.arena;

import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link BumpArena} any thread may use, like {@link java.lang.foreign.Arena#ofShared()}: allocation is lock-free
 * (a compare-and-set on the current chunk's offset); taking a new chunk, deallocate, mark, rewind, reset and close
 * take the arena's lock. Its segments may be accessed from any thread. The backing allocator must be thread-safe.
 *
 * {@snippet :
 * try (SharedBumpArena arena = BumpArena.ofShared(Allocators.system())) {
 *     List<MemorySegment> parts = IntStream.range(0, 8).parallel()
 *             .mapToObj(i -> arena.allocate(1024, 64))
 *             .toList();
 *     // ...
 *     arena.reset();   // one handshake with every thread: do it per batch
 * }
 * }
 *
 * <h2>Concurrency</h2>
 * Actions of a thread before it ends an allocation (deallocate, rewind, reset) happen-before actions of another
 * thread after an allocation that returns the same memory. An allocation that races with {@link #reset()},
 * {@link #rewind(Mark)} or {@link #close()} either takes effect before it (and its segment is dead when that call
 * returns) or after it; it never returns memory that a live segment covers. Ending a scope closes a shared JDK arena,
 * a handshake with every thread (measured 19 to 95 &micro;s per reset on a busy 2-core machine, against well under
 * a microsecond for a confined arena: JMH {@code ArenaBenchmark.resetShared}); a thread touching a segment of the
 * ending scope at that moment gets {@link IllegalStateException}.
 *
 * <p>See {@link BumpArena} for the contract of allocation, scopes, reset, rewind and close.
 */
public final class SharedBumpArena extends BumpArena {

    /*
     * Maintainers' notes.
     *
     * `region` (volatile) is the current chunk seen through the top level's scope, with its own bump state: the
     * offset `top` and the size of the latest allocation, packed in one long (see SharedRegion).
     *
     * allocate: read region (acquire), read the state (acquire), compute start/end as the confined flavour does; if
     * it fits, CAS the state from the value read to (end, size). That CAS is the linearization point: the bytes
     * [start, end) then belong to this caller alone, because every other bump of this region starts at or after
     * `end`, and the region is never moved backwards except by deallocate's roll-back CAS, which only succeeds while
     * the state still says [start, end) is the latest allocation (so nothing was allocated after it). Because the
     * state names the latest allocation exactly, deallocate also rejects a slice of it, or a segment past `top`:
     * every other live allocation of the level in this chunk ends at or before the latest one's start.
     * Only a segment that starts inside the current chunk is judged so (start < limit): a zero-byte segment at its
     * end may be one made at the start of a chunk placed right above it.

     * Everything else runs under `lock`. Replacing a region (new chunk, mark, rewind, reset, close) first SEALS the
     * old one: a CAS loop sets top to limit + 1, after which every bump of it fails the fit test and its thread
     * comes to the lock, sees the new region and retries. The top replaced by the seal is the old region's final
     * extent, which the ledger needs for wiping and tail accounting. A bump that won its CAS before the seal is
     * ordered before the replacement; if the replacement ends its scope, its segment is dead when the reset returns.
     *
     * Memory is reused only after (1) the region over it was sealed and (2) the JDK arenas of the ended levels were
     * closed, a handshake after which no thread can be inside an access to their segments. Hence no live segment ever
     * aliases a new one, and happens-before from the ending thread to the next allocator comes from the lock and the
     * volatile write of the new region.
     */

    /** What the slow path returns when the caller should run the fast path again. */
    private static final MemorySegment RETRY = MemorySegment.NULL;

    private final ArenaOptions options;
    private final ChunkLedger ledger;
    private final Object lock = new Object();
    private volatile SharedRegion region;
    private volatile boolean closed;

    private final LongAdder padding = new LongAdder();

    SharedBumpArena(Allocator backing, ArenaOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.ledger = new ChunkLedger(this, Objects.requireNonNull(backing, "backing"), options, true);
        this.region = new SharedRegion(null, ledger.top(), 0);
    }

    @Override
    MemorySegment bump(long size, long alignment, boolean throwOnFailure) {
        MemorySegment from;
        long start;
        for (;;) {
            final SharedRegion region = this.region;
            final long state = region.state();
            final long top = SharedRegion.top(state);
            final long limit = region.limit;
            start = top + (-(region.base + top) & (alignment - 1));
            final long end = start + size;
            if (size > limit || end > limit) {
                MemorySegment slow = slowBump(region, size, alignment, throwOnFailure);
                if (slow == null) {
                    return null;
                }
                if (slow != RETRY) {
                    from = slow;
                    start = 0;
                    break;
                }
            } else if (region.casState(state, SharedRegion.state(end, size))) {
                if (start != top) {
                    padding.add(start - top);
                }
                region.tally.add(size);
                from = region.view;
                break;
            }
        }
        return from.asSlice(start, size);
    }

    /** Under the lock: a dedicated chunk's view to slice, {@link #RETRY}, or {@code null} when refused, not throwing. */
    private MemorySegment slowBump(SharedRegion seen, long size, long alignment, boolean throwOnFailure) {
        synchronized (lock) {
            Checks.requireOpen(closed, this);
            Layout request = Layout.of(size, alignment);
            Level level = ledger.top();
            if (!ledger.fitsChunk(size, alignment)) {
                Chunk dedicated = ledger.takeDedicated(request, throwOnFailure);
                if (dedicated == null) {
                    return null;
                }
                level.tally.add(size);
                return ChunkLedger.view(dedicated, level);
            }
            if (region != seen) {
                return RETRY;
            }
            Chunk next = ledger.takeChunk(request, throwOnFailure);
            if (next == null) {
                return null;
            }
            long extent = seen.seal();
            if (seen.chunk != null) {
                ledger.retire(seen.chunk, extent);
            }
            region = new SharedRegion(next, level, 0);
            return RETRY;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Takes the arena's lock.
     *
     * @throws IllegalArgumentException when {@code segment} was not allocated by this arena, or its size or alignment
     *                                  does not match {@code layout}
     * @throws IllegalStateException    when the segment's scope has ended, or the arena is closed
     */
    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        checkDeallocation(segment, layout);
        synchronized (lock) {
            Checks.requireOpen(closed, this);
            Level owning = ledger.levelOf(segment);
            if (owning == null) {
                throw ledger.notOurs(segment);
            }
            final SharedRegion current = region;
            final long start = segment.address() - current.base;
            final long end = start + layout.size();
            if (owning == current.level && current.chunk != null && start >= 0 && start < current.limit
                    && end <= current.limit) {
                rollBackOrCheck(current, segment, start, end);
            }
            owning.tally.remove(layout.size());
        }
    }

    /**
     * Rolls back {@code [start, end)} of the current region when it is the latest allocation; throws when it overlaps
     * the latest allocation or the free space past it without being the latest allocation. Under the lock, so only
     * bumps race with it: they move {@code top} forward, and the retry then sees a newer latest allocation.
     */
    private void rollBackOrCheck(SharedRegion current, MemorySegment segment, long start, long end) {
        for (;;) {
            final long state = current.state();
            final long top = SharedRegion.top(state);
            final long latest = SharedRegion.latest(state);
            if (end > top) {
                throw notAnAllocation(segment);
            }
            if (latest == SharedRegion.UNKNOWN) {
                return;
            }
            if (start != top - latest || end != top) {
                if (end > top - latest) {
                    throw notAnAllocation(segment);
                }
                return;
            }
            current.chunk.extent = Math.max(current.chunk.extent, end);
            if (current.casState(state, SharedRegion.state(start, SharedRegion.UNKNOWN))) {
                return;
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>True for segments of this arena's live scopes and for any segment whose memory lies in a chunk the arena
     * holds (segments of ended scopes too). False after close: the memory has gone back.
     */
    @Override
    public boolean owns(MemorySegment segment) {
        if (ledger.levelOf(segment) != null) {
            return true;
        }
        synchronized (lock) {
            return !closed && ledger.holds(segment.address());
        }
    }

    @Override
    public MemorySegment.Scope scope() {
        return region.level.scope;
    }

    @Override
    public void reset() {
        Checks.requireOpen(closed, this);
        dependents.closeAll(this);
        synchronized (lock) {
            Checks.requireOpen(closed, this);
            SharedRegion old = region;
            long extent = old.seal();
            try {
                ledger.reset(old.chunk, extent);
            } catch (RuntimeException refused) {
                region = new SharedRegion(old.chunk, ledger.top(), extent);
                throw refused;
            }
            Level top = ledger.top();
            region = new SharedRegion(top.chunk, top, top.offset);
        }
    }

    @Override
    public Mark mark() {
        synchronized (lock) {
            Checks.requireOpen(closed, this);
            Mark mark = new Mark(this, ledger.nextMarkId());
            SharedRegion old = region;
            long extent = old.seal();
            Level level = ledger.push(old.chunk, extent, mark);
            region = new SharedRegion(old.chunk, level, extent);
            return mark;
        }
    }

    @Override
    public void rewind(Mark mark) {
        Objects.requireNonNull(mark, "mark");
        synchronized (lock) {
            Checks.requireOpen(closed, this);
            ledger.indexOf(mark);
        }
        dependents.closeAll(this);
        synchronized (lock) {
            Checks.requireOpen(closed, this);
            int index = ledger.indexOf(mark);
            SharedRegion old = region;
            long extent = old.seal();
            try {
                ledger.rewindTo(index, old.chunk, extent);
            } catch (RuntimeException refused) {
                region = new SharedRegion(old.chunk, ledger.top(), extent);
                throw refused;
            }
            Level top = ledger.top();
            region = new SharedRegion(top.chunk, top, top.offset);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws WrongThreadException when the backing allocator is confined to another thread
     */
    @Override
    public void requireCloseable() {
        ledger.requireBackingCloseable();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        requireCloseable();
        dependents.closeAll(this);
        synchronized (lock) {
            if (closed) {
                return;
            }
            SharedRegion old = region;
            long extent = old.seal();
            try {
                ledger.close(old.chunk, extent);
            } catch (RuntimeException refused) {
                region = new SharedRegion(old.chunk, ledger.top(), extent);
                throw refused;
            }
            closed = true;
            region = new SharedRegion(null, old.level, 0);
        }
    }

    @Override
    public boolean isShared() {
        return true;
    }

    @Override
    public ArenaStats arenaStats() {
        synchronized (lock) {
            long live = ledger.liveCount();
            long bytes = ledger.liveBytes();
            long allocated = ledger.allocations();
            return new ArenaStats(ledger.chunksHeld(), ledger.bytesReserved(), bytes, allocated, allocated - live,
                    ledger.failures(), ledger.resets(), padding.sum() + ledger.tailBytes());
        }
    }

    /** Returns {@code "arena(shared, chunkSize=1048576, wipe=none)"}. */
    @Override
    public String toString() {
        return describe("shared", options);
    }

    /** Lists the backing allocator's measures (an arena adds none of its own). */
    @Override
    public void measures(java.util.function.Consumer<? super dev.allocator.api.Measure> sink) {
        ledger.measures(sink);
    }
}
