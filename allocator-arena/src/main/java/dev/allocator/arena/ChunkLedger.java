package dev.allocator.arena;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.WeakHashMap;

/**
 * The slow-path bookkeeping both arena flavours share: the chunks taken from the backing allocator, the stack of
 * scope levels, and what reset, rewind and close do to them. Not thread-safe: a confined arena calls it from its
 * owner thread, a shared arena under its lock. The bump pointer itself is not here; each flavour keeps its own, and
 * passes the current chunk and offset in whenever it matters.
 */
final class ChunkLedger {

    /*
     * Invariants:
     *  - `used` holds the chunks taken in this epoch in the order they were taken (standard and dedicated); the
     *    flavour's current chunk, when it has one, is the last standard chunk taken, or one it returned to on rewind.
     *  - `spare` holds standard chunks of this arena that no allocation of a live level lies in.
     *  - levels[0..depth) is the scope stack; levels[0] is the base level, levels[i].mark != null for i > 0, and
     *    levels[i].usedCount is non-decreasing in i. A mark is valid exactly while its level is on the stack.
     *  - Ending a level closes its JDK arena BEFORE any byte of it is reused or wiped, so no segment of the ended
     *    level can observe a later allocation (no silent aliasing) or race with the wipe; and before any chunk goes
     *    back to the backing allocator, so no segment of this arena stays accessible over memory it no longer holds.
     *  - `gone` holds (weakly) the scopes ended by a reset or rewind that gave chunks back: deallocate tells a dead
     *    segment of this arena (IllegalStateException) from a foreign one (IllegalArgumentException) by its memory
     *    while the chunk is held, and by this set once the chunk has gone back.
     */

    /** What chunks are asked to be aligned to: what malloc and a pool of chunk-sized blocks certainly give. */
    static final long CHUNK_ALIGNMENT = 16;

    private final Object owner;
    private final Allocator backing;
    private final ArenaOptions options;
    private final boolean shared;
    private final ArrayList<Chunk> used = new ArrayList<>();
    private final ArrayDeque<Chunk> spare = new ArrayDeque<>();
    private final WeakHashMap<MemorySegment.Scope, Boolean> gone = new WeakHashMap<>();
    private Level[] levels = new Level[4];
    private int depth;
    private long nextMarkId = 1;

    private long chunksHeld;
    private long bytesReserved;
    private long tailBytes;
    private long failures;
    private long endedAllocations;
    private long resets;

    ChunkLedger(Object owner, Allocator backing, ArenaOptions options, boolean shared) {
        this.owner = owner;
        this.backing = backing;
        this.options = options;
        this.shared = shared;
        push(null, 0, null);
    }

    // ---- scope levels ----

    Level top() {
        return levels[depth - 1];
    }

    long nextMarkId() {
        return nextMarkId++;
    }

    Level push(Chunk current, long offset, BumpArena.Mark mark) {
        Arena jdkArena = shared ? Arena.ofShared() : Arena.ofConfined();
        if (depth == levels.length) {
            levels = Arrays.copyOf(levels, depth * 2);
        }
        Level level = new Level(mark, current, offset, used.size(), jdkArena, shared);
        levels[depth++] = level;
        return level;
    }

    /** The live level whose scope {@code segment} belongs to, or {@code null}. Safe to call racily (reads only). */
    Level levelOf(MemorySegment segment) {
        Level[] snapshot = levels;
        MemorySegment.Scope scope = segment.scope();
        for (int i = Math.min(depth, snapshot.length) - 1; i >= 0; i--) {
            Level level = snapshot[i];
            if (level != null && level.scope.equals(scope)) {
                return level;
            }
        }
        return null;
    }

    /** The stack index of a valid mark of this arena. */
    int indexOf(BumpArena.Mark mark) {
        if (mark.arena() != owner) {
            throw new IllegalArgumentException(mark + " belongs to another arena, not to " + owner);
        }
        for (int i = depth - 1; i > 0; i--) {
            if (levels[i].mark == mark) {
                return i;
            }
        }
        throw new IllegalArgumentException(mark + " is no longer valid: " + owner
                + " was reset, closed, or rewound to an earlier mark since it was taken");
    }

    // ---- chunks ----

    /** Whether a request fits an empty standard chunk, whatever the chunk's address. */
    boolean fitsChunk(long size, long alignment) {
        long worstPadding = Math.max(0, alignment - CHUNK_ALIGNMENT);
        return worstPadding < options.chunkSize() && size <= options.chunkSize() - worstPadding;
    }

    /** A standard chunk from the spares or the backing allocator; {@code null} when refused and not throwing. */
    Chunk takeChunk(Layout request, boolean throwOnFailure) {
        Chunk chunk = spare.pollFirst();
        if (chunk == null) {
            chunk = fromBacking(Layout.of(options.chunkSize(), CHUNK_ALIGNMENT), false, request, throwOnFailure);
            if (chunk == null) {
                return null;
            }
        }
        used.add(chunk);
        return chunk;
    }

    /** A chunk sized for one request that does not fit a standard chunk. */
    Chunk takeDedicated(Layout request, boolean throwOnFailure) {
        Layout layout = Layout.of(request.size(), Math.max(request.alignment(), CHUNK_ALIGNMENT));
        Chunk chunk = fromBacking(layout, true, request, throwOnFailure);
        if (chunk != null) {
            used.add(chunk);
        }
        return chunk;
    }

    private Chunk fromBacking(Layout layout, boolean dedicated, Layout request, boolean throwOnFailure) {
        MemorySegment memory;
        try {
            memory = backing.allocate(layout);
        } catch (AllocationException refused) {
            failures++;
            if (!throwOnFailure) {
                return null;
            }
            throw new AllocationException(refused.reason(), request, owner + " cannot allocate " + request
                    + ": its backing allocator " + backing + " refused a " + (dedicated ? "dedicated " : "")
                    + "chunk of " + layout + ": " + refused.getMessage(), refused);
        }
        chunksHeld++;
        bytesReserved += memory.byteSize();
        return new Chunk(memory, layout, dedicated);
    }

    /** The current chunk is left for a new one at offset {@code top}: its tail is waste. */
    void retire(Chunk chunk, long top) {
        chunk.extent = Math.max(chunk.extent, top);
        tailBytes += chunk.size - Math.min(top, chunk.size);
    }

    /**
     * The chunk seen through a level's scope: what the flavours slice allocations from. Restricted (the JDK cannot
     * check that the memory outlives the scope): sound here because a chunk is given back only after every level
     * whose scope sees it has been closed.
     */
    @SuppressWarnings("restricted")
    static MemorySegment view(Chunk chunk, Level level) {
        return chunk.memory.reinterpret(level.jdkArena, null);
    }

    /** Whether {@code address} lies in a chunk this arena holds. */
    boolean holds(long address) {
        for (Chunk chunk : used) {
            if (chunk.contains(address)) {
                return true;
            }
        }
        for (Chunk chunk : spare) {
            if (chunk.contains(address)) {
                return true;
            }
        }
        return false;
    }

    // ---- reset, rewind, close ----

    /**
     * Ends every level above {@code index} and renews level {@code index} (a fresh scope, the same position), then
     * makes the chunks taken since that level opened spare (dedicated ones go back) and wipes what was released.
     * The flavour then continues from {@code top().chunk} at {@code top().offset}. When a JDK arena refuses to close
     * (a segment is in use by a native call), the levels above it stay ended and nothing else changes.
     */
    void rewindTo(int index, Chunk current, long currentTop) {
        rewindTo(index, current, currentTop, false);
    }

    /** As {@link #rewindTo(int, Chunk, long)}; {@code givesBack}: the caller gives chunks back afterwards. */
    private void rewindTo(int index, Chunk current, long currentTop, boolean givesBack) {
        if (current != null) {
            current.extent = Math.max(current.extent, currentTop);
        }
        Level target = levels[index];
        boolean record = givesBack || releasesDedicated(target.usedCount);
        while (depth - 1 > index) {
            Level level = levels[depth - 1];
            end(level, record);
            levels[--depth] = null;
        }
        end(target, record);
        target.open(shared ? Arena.ofShared() : Arena.ofConfined(), shared);
        for (int i = used.size() - 1; i >= target.usedCount; i--) {
            Chunk chunk = used.remove(i);
            if (chunk.dedicated) {
                giveBack(chunk);
            } else {
                wipe(chunk, 0);
                spare.addFirst(chunk);
            }
        }
        if (target.chunk != null) {
            wipe(target.chunk, target.offset);
        }
    }

    private boolean releasesDedicated(int from) {
        for (int i = used.size() - 1; i >= from; i--) {
            if (used.get(i).dedicated) {
                return true;
            }
        }
        return false;
    }

    /** Closes a level's JDK arena (this may throw: a segment in use by a native call) and counts its allocations. */
    private void end(Level level, boolean recordGone) {
        level.jdkArena.close();
        endedAllocations += level.tally.allocated();
        if (recordGone) {
            gone.put(level.scope, Boolean.TRUE);
        }
    }

    void reset(Chunk current, long currentTop) {
        int standard = 0;
        for (Chunk chunk : used) {
            standard += chunk.dedicated ? 0 : 1;
        }
        rewindTo(0, current, currentTop, spare.size() + standard > options.keepChunks());
        while (spare.size() > options.keepChunks()) {
            giveBack(spare.pollLast());
        }
        resets++;
    }

    /**
     * Ends every level, gives every chunk back, and closes the backing allocator when the arena owns it (else the
     * arena is no longer its dependent).
     */
    /** Asks the backing allocator whether this thread may give chunks back to it (and close it, when owned). */
    void requireBackingCloseable() {
        backing.requireCloseable();
    }

    void close(Chunk current, long currentTop) {
        if (current != null) {
            current.extent = Math.max(current.extent, currentTop);
        }
        while (depth > 0) {
            end(levels[depth - 1], false);
            depth--;
        }
        for (Chunk chunk : List.copyOf(used)) {
            giveBack(chunk);
        }
        used.clear();
        while (!spare.isEmpty()) {
            giveBack(spare.pollFirst());
        }
        if (options.closeBacking()) {
            backing.close();
        } else {
            backing.removeDependent((AutoCloseable) owner);
        }
    }

    private void wipe(Chunk chunk, long from) {
        if (options.wipe() == Wipe.ALWAYS && chunk.extent > from) {
            chunk.memory.asSlice(from, chunk.extent - from).fill((byte) 0);
        }
        chunk.extent = Math.min(chunk.extent, from);
    }

    private void giveBack(Chunk chunk) {
        if (options.wipe() == Wipe.ALWAYS) {
            chunk.memory.fill((byte) 0);
        }
        chunksHeld--;
        bytesReserved -= chunk.size;
        backing.deallocate(chunk.memory, chunk.layout);
    }

    // ---- errors and counters ----

    /** The error for a segment no live level of this arena owns: stale (ISE) when its memory is ours, else IAE. */
    RuntimeException notOurs(MemorySegment segment) {
        String what = "segment at " + Checks.hex(segment.address()) + " of " + segment.byteSize() + " bytes";
        if (!segment.scope().isAlive() && (holds(segment.address()) || gone.containsKey(segment.scope()))) {
            return new IllegalStateException(what + " was allocated by " + owner
                    + " in a scope that has ended (reset or rewind since): it is dead already");
        }
        return new IllegalArgumentException(what + " was not allocated by " + owner);
    }

    /** Allocations not ended by deallocate in the live levels. */
    long liveCount() {
        long count = 0;
        Level[] snapshot = levels;
        for (int i = Math.min(depth, snapshot.length) - 1; i >= 0; i--) {
            Level level = snapshot[i];
            count += level == null ? 0 : level.tally.live();
        }
        return count;
    }

    /**
     * Allocations since the arena was created: those of ended levels, counted when they ended, and those of the
     * live levels. (A shared arena's bump that races with the end of its level may be missed; it is dead anyway.)
     */
    long allocations() {
        long count = endedAllocations;
        Level[] snapshot = levels;
        for (int i = Math.min(depth, snapshot.length) - 1; i >= 0; i--) {
            Level level = snapshot[i];
            count += level == null ? 0 : level.tally.allocated();
        }
        return count;
    }

    long liveBytes() {
        long bytes = 0;
        Level[] snapshot = levels;
        for (int i = Math.min(depth, snapshot.length) - 1; i >= 0; i--) {
            Level level = snapshot[i];
            bytes += level == null ? 0 : level.tally.bytes();
        }
        return bytes;
    }

    long chunksHeld() {
        return chunksHeld;
    }

    long bytesReserved() {
        return bytesReserved;
    }

    long tailBytes() {
        return tailBytes;
    }

    long failures() {
        return failures;
    }

    long resets() {
        return resets;
    }

    /** Lists the backing allocator's measures: an arena has none of its own. */
    void measures(java.util.function.Consumer<? super dev.allocator.api.Measure> sink) {
        backing.measures(sink);
    }
}
