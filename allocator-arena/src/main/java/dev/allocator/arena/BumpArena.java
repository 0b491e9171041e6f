package dev.allocator.arena;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A bump allocator over chunks taken from a backing {@link Allocator}, which is at the same time a
 * {@link java.lang.foreign.Arena}: pass it wherever JDK code takes an {@code Arena} or a
 * {@link java.lang.foreign.SegmentAllocator}. Allocation moves a pointer through the current chunk; {@link #reset()}
 * ends every allocation at once and keeps the chunks for the next round; {@link #mark()} and {@link #rewind(Mark)}
 * do the same for nested phases.
 *
 * {@snippet :
 * try (BumpArena arena = BumpArena.ofConfined(Allocators.system())) {
 *     for (Request request : requests) {
 *         MemorySegment body = arena.allocate(request.length(), 8);
 *         MemorySegment path = arena.allocateFrom(request.path());   // JDK default method
 *         handle(body, path);
 *         arena.reset();                 // body and path are dead now: touching them throws
 *     }
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Flavours.</b> {@link ConfinedBumpArena} has the JDK's confined semantics: allocating, deallocating,
 *       {@link #mark()}, {@link #rewind(Mark)}, {@link #reset()} and closing it throw {@link WrongThreadException} on
 *       any thread but the one that created it ({@link #owns}, {@link #stats()}, {@link #arenaStats()} and
 *       {@link #scope()} answer any thread), and its segments can only be accessed by that thread. {@link SharedBumpArena}
 *       may be used and accessed from any thread; actions of a thread before it ends an allocation (deallocate,
 *       rewind, reset) happen-before actions of another thread after an allocation that returns the same memory.</li>
 *   <li><b>Allocation</b> ({@link #allocate(Layout)}, {@link #allocate(long, long)} and the JDK's default methods
 *       built on it) returns a segment of exactly the requested size, aligned as requested, in the current
 *       {@link #scope()}. Its contents are unspecified (unlike the JDK's own arenas, which zero memory): use
 *       {@link #allocateZeroed} or {@code fill}. A request that does not fit the rest of the current chunk takes a
 *       new chunk (the rest is waste, counted in {@link ArenaStats#wastedBytes()}); a request that does not fit an
 *       empty chunk gets a dedicated chunk sized for it. When the backing allocator refuses a chunk,
 *       {@link dev.allocator.api.AllocationException} carries its reason.</li>
 *   <li><b>Deallocation</b> of the latest allocation of the current scope rolls the pointer back, so its memory is
 *       reused by the next allocation; any other deallocation only updates the counters, and the memory comes back
 *       at reset, rewind or close. A deallocated segment stays accessible until its scope ends: do not use it
 *       (like {@code free}); double frees are not detected. A segment of another allocator throws
 *       {@link IllegalArgumentException}, a segment of this arena whose scope has ended throws
 *       {@link IllegalStateException}. A segment that overlaps the latest allocation of the current scope without
 *       being it, or lies past the current position (a slice of an allocation, or the latest one freed already),
 *       throws {@link IllegalArgumentException} and changes nothing; a slice of an older allocation, or an older
 *       allocation freed twice, is not detected and skews the counters (wrap the arena in {@code checked} to catch
 *       it).</li>
 *   <li><b>Scopes.</b> Every allocation belongs to the {@link #scope()} that was current when it was made. There is
 *       one scope per level: the base level, renewed by each {@link #reset()}, and one per {@link Mark} on the
 *       stack. {@link #reset()} ends every scope and {@link #rewind(Mark)} ends the mark's scope and every scope
 *       opened after it; ending a scope closes it, so touching one of its segments afterwards throws
 *       {@link IllegalStateException}, and memory is only reused after the segments that covered it are dead: an
 *       old segment never silently aliases a new one.</li>
 *   <li><b>Cost of ending a scope.</b> A confined arena closes a confined JDK arena: cheap (one allocation plus a
 *       reset measured 0.06 to 0.2 &micro;s). A shared arena closes a shared JDK arena, which is a handshake with
 *       every thread of the JVM: measured 19 to 95 &micro;s per reset on a busy 2-core machine (JMH
 *       {@code ArenaBenchmark.resetShared}), which adds about 35 ns to each of 1024 allocations between resets.
 *       Reset a shared arena per batch, not per tiny request, or use a confined arena per thread.</li>
 *   <li><b>Allocators built over the arena.</b> An allocator that takes its memory from the arena without owning
 *       it (a pool built in code over {@code backing(arena, false)}) registers with {@link #addDependent}; the arena
 *       closes every such dependent, newest first, before {@link #reset()}, {@link #rewind(Mark)} or {@link #close()}
 *       takes memory back, so that their segments die with it. When one does not close, the call throws
 *       {@link IllegalStateException} and the arena changes nothing. An arena built over a backing allocator it does
 *       not own registers itself with {@code backing.addDependent(this)} and forgets itself on close, so closing
 *       that backing first closes the arena (a confined arena then refuses another thread, and so does the
 *       backing's close).</li>
 *   <li><b>Close</b> ends every scope, gives every chunk back to the backing allocator, and closes the backing
 *       allocator when the arena owns it (always for arenas built from a spec). Closing twice does nothing (the
 *       {@link Allocator} contract; {@link Arena#close()} would throw), later allocations and resets throw
 *       {@link IllegalStateException}. When a segment of the arena is in use by a native call on another thread,
 *       the JDK refuses to end its scope: close, reset and rewind throw {@link IllegalStateException}, and may be
 *       called again.</li>
 * </ul>
 *
 * <p>Built from a spec, {@code Allocators.open("arena(chunkSize=64KiB, shared=true) > system")} returns the arena
 * itself: cast it to {@code BumpArena} or to {@code Arena}.
 */
public abstract sealed class BumpArena implements Allocator, Arena permits ConfinedBumpArena, SharedBumpArena {

    /*
     * Maintainers' notes. The two flavours share ChunkLedger (chunks, scope stack, reset/rewind/close) and differ in
     * the bump: plain fields and an owner check (confined), a CAS on a padded region object (shared). See each
     * class for its algorithm; see ChunkLedger for the invariants that keep ended segments from aliasing new ones.
     * Dependents are closed before anything else changes in reset, rewind and close (after the owner check of a
     * confined arena, and outside a shared arena's lock, so a dependent's close may call back into the arena from
     * this thread and never waits for the lock while holding its own).
     *
     * Garbage-free allocation: both flavours create the returned segment in exactly one place, `from.asSlice(start,
     * size)` at the end of bump, after choosing `from` (the current chunk's view, or the view of a chunk the slow path
     * took) and `start`. The slow path returns an offset or a view to slice, never the segment itself: a segment
     * that comes either from the inlined fast path or from a call the JIT does not inline meets the other in a phi,
     * and C2's escape analysis then keeps the fast path's object on the heap even when the caller only uses it
     * locally. With one allocation site and no such merge, a caller that does not let the segment escape gets it
     * scalar-replaced (0 B/op in ArenaBenchmark, as the JDK's slicing allocator). Keep it that way: no segment in a
     * field, a ledger or a tally on the fast path, and no second `return` of a segment built elsewhere.
     */

    /** The allocators built over this arena that it must close before taking memory back. */
    final Dependents dependents = new Dependents();

    BumpArena() {
    }

    /** Registers {@code arena} with its backing allocator when it does not own it (and so does not close it). */
    private static <A extends BumpArena> A registered(A arena, Allocator backing, ArenaOptions options) {
        if (!options.closeBacking()) {
            backing.addDependent(arena);
        }
        return arena;
    }

    /**
     * A confined arena over {@code backing} with the {@linkplain ArenaOptions#defaults() default options}; it does
     * not close {@code backing}.
     *
     * @param backing the allocator to take chunks from
     * @return a new arena, confined to the calling thread
     */
    public static ConfinedBumpArena ofConfined(Allocator backing) {
        return ofConfined(backing, ArenaOptions.defaults());
    }

    /**
     * A confined arena over {@code backing}.
     *
     * @param backing the allocator to take chunks from
     * @param options chunk size, chunks kept, wipe, whether to close {@code backing}
     * @return a new arena, confined to the calling thread
     */
    public static ConfinedBumpArena ofConfined(Allocator backing, ArenaOptions options) {
        return registered(new ConfinedBumpArena(backing, options), backing, options);
    }

    /**
     * A shared arena over {@code backing} with the {@linkplain ArenaOptions#defaults() default options}; it does not
     * close {@code backing}, which must be thread-safe.
     *
     * @param backing the allocator to take chunks from
     * @return a new arena, usable from any thread
     */
    public static SharedBumpArena ofShared(Allocator backing) {
        return ofShared(backing, ArenaOptions.defaults());
    }

    /**
     * A shared arena over {@code backing}, which must be thread-safe.
     *
     * @param backing the allocator to take chunks from
     * @param options chunk size, chunks kept, wipe, whether to close {@code backing}
     * @return a new arena, usable from any thread
     */
    public static SharedBumpArena ofShared(Allocator backing, ArenaOptions options) {
        return registered(new SharedBumpArena(backing, options), backing, options);
    }

    /**
     * Allocates {@code byteSize} bytes aligned to {@code byteAlignment} in the current {@link #scope()}: the entry
     * point of both {@link Arena} and {@link java.lang.foreign.SegmentAllocator}.
     *
     * @throws IllegalArgumentException when {@code byteSize < 0} or {@code byteAlignment} is not a power of two
     * @throws dev.allocator.api.AllocationException when the backing allocator refuses a chunk
     * @throws IllegalStateException    when the arena is closed
     * @throws WrongThreadException     when a confined arena is used from another thread
     */
    @Override
    public final MemorySegment allocate(long byteSize, long byteAlignment) {
        Checks.requireNonNegative(byteSize, "byteSize");
        Checks.requirePowerOfTwo(byteAlignment, "byteAlignment");
        return bump(byteSize, byteAlignment, true);
    }

    @Override
    public final MemorySegment allocate(Layout layout) {
        return bump(layout.size(), layout.alignment(), true);
    }

    @Override
    public final MemorySegment tryAllocate(Layout layout) {
        return bump(layout.size(), layout.alignment(), false);
    }

    /**
     * The flavour's bump: a segment of {@code size} bytes aligned to {@code alignment} in the current scope.
     *
     * @param size           bytes, {@code >= 0} (checked by the caller)
     * @param alignment      a power of two (checked by the caller)
     * @param throwOnFailure throw {@link dev.allocator.api.AllocationException} when a chunk is refused, else return
     *                       {@code null}
     * @return the segment, or {@code null} when refused and not throwing
     */
    abstract MemorySegment bump(long size, long alignment, boolean throwOnFailure);

    /**
     * The scope of the current level: every segment allocated from now until the next {@link #mark()},
     * {@link #rewind(Mark)} or {@link #reset()} belongs to it. It changes at each of those calls, so keep the arena,
     * not the scope. After {@link #close()} it is the last scope, no longer alive.
     *
     * @return the current scope
     */
    @Override
    public abstract MemorySegment.Scope scope();

    /**
     * Ends every allocation: closes every scope (old segments throw {@link IllegalStateException} when touched),
     * rewinds to empty, keeps up to {@link ArenaOptions#keepChunks()} chunks for reuse and gives the others (and every
     * dedicated chunk) back. Every {@link Mark} becomes invalid. With {@link Wipe#ALWAYS}, the used bytes of kept
     * chunks are zeroed. First closes the allocators registered with {@link #addDependent}.
     *
     * @throws IllegalStateException when the arena is closed, a segment of it is in use by a native call, or a
     *                               dependent did not close (the arena then changed nothing)
     * @throws WrongThreadException  when a confined arena is used from another thread
     */
    public abstract void reset();

    /**
     * Opens a nested level: allocations from now on belong to a new scope, which {@link #rewind(Mark)} with the
     * returned mark ends, with everything allocated after it. Allocations made before keep their scope. Marks nest:
     * rewinding to a mark ends the levels of every mark taken after it. Each level holds a JDK arena until it ends,
     * so take a mark once outside a loop and rewind to it inside, rather than a new mark per iteration.
     *
     * {@snippet :
     * BumpArena.Mark mark = arena.mark();
     * for (Row row : rows) {
     *     MemorySegment scratch = arena.allocate(row.width());
     *     process(row, scratch);
     *     arena.rewind(mark);          // scratch is dead; the mark stays valid for the next row
     * }
     * }
     *
     * @return the mark, valid until a rewind to an earlier mark, a reset or close
     * @throws IllegalStateException when the arena is closed
     * @throws WrongThreadException  when a confined arena is used from another thread
     */
    public abstract Mark mark();

    /**
     * Ends every allocation made since {@code mark} was taken: closes the mark's scope and those opened after it,
     * and moves the pointer back to where it was. The mark stays valid (its level continues with a fresh scope);
     * marks taken after it become invalid. With {@link Wipe#ALWAYS}, the bytes released are zeroed. First closes
     * the allocators registered with {@link #addDependent} (any of them may hold memory allocated since the mark).
     *
     * @param mark a mark of this arena
     * @throws IllegalArgumentException when {@code mark} belongs to another arena, or is no longer valid (a reset or
     *                                  a rewind to an earlier mark came since); the message names the mark
     * @throws IllegalStateException    when the arena is closed, a segment of it is in use by a native call, or a
     *                                  dependent did not close (the arena then changed nothing)
     * @throws WrongThreadException     when a confined arena is used from another thread
     * @throws NullPointerException     when {@code mark} is null
     */
    public abstract void rewind(Mark mark);

    /**
     * A snapshot of the arena's counters.
     *
     * @return the counters
     */
    public abstract ArenaStats arenaStats();

    /**
     * {@inheritDoc}
     *
     * <p>The same figures as {@link #arenaStats()}, where {@code deallocations} also counts the allocations ended by
     * rewind and reset.
     */
    @Override
    public final AllocatorStats stats() {
        return arenaStats().toAllocatorStats();
    }

    /**
     * Closes the arena: closes the allocators registered with {@link #addDependent}, ends every scope, gives every
     * chunk back, closes the backing allocator when the arena owns it, else forgets itself as the backing's
     * dependent. Closing twice does nothing.
     *
     * @throws IllegalStateException when a dependent did not close, or a segment of the arena is in use by a native
     *                               call on another thread (the JDK refuses to close its scope); the arena stays open
     * @throws WrongThreadException  when a confined arena is closed from another thread; nothing changed then
     */
    @Override
    public abstract void close();

    /**
     * {@inheritDoc}
     *
     * <p>The arena closes {@code dependent} before it takes memory back: on {@link #reset()}, {@link #rewind(Mark)}
     * and {@link #close()}. Any thread may call this.
     *
     * @return {@code true}
     */
    @Override
    public final boolean addDependent(AutoCloseable dependent) {
        dependents.add(dependent);
        return true;
    }

    @Override
    public final void removeDependent(AutoCloseable dependent) {
        dependents.remove(dependent);
    }

    /**
     * Whether this is a {@link SharedBumpArena}.
     *
     * @return {@code true} for the shared flavour
     */
    public abstract boolean isShared();

    static IllegalArgumentException sizeMismatch(MemorySegment segment, Layout layout) {
        return new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " has "
                + segment.byteSize() + " bytes, but the layout says " + layout);
    }

    /** The error for a segment of the current scope that is not an allocation (a slice, or freed already). */
    final IllegalArgumentException notAnAllocation(MemorySegment segment) {
        return new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " of "
                + segment.byteSize() + " bytes is not an allocation of " + this + ": it overlaps the latest "
                + "allocation without being it, or memory past it (a slice of an allocation, or one freed already)");
    }

    static void checkDeallocation(MemorySegment segment, Layout layout) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(layout, "layout");
        if (segment.byteSize() != layout.size()) {
            throw sizeMismatch(segment, layout);
        }
        if ((segment.address() & (layout.alignment() - 1)) != 0) {
            throw new IllegalArgumentException("segment at " + Checks.hex(segment.address())
                    + " is not aligned as the layout says: alignment=" + layout.alignment());
        }
    }

    static String describe(String flavour, ArenaOptions options) {
        return "arena(" + flavour + ", chunkSize=" + options.chunkSize() + ", wipe="
                + options.wipe().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /**
     * A position in a {@link BumpArena} to {@linkplain BumpArena#rewind(Mark) rewind} to, from
     * {@link BumpArena#mark()}. Opaque; valid until its arena is reset, closed or rewound to an earlier mark.
     *
     * {@snippet :
     * BumpArena.Mark mark = arena.mark();
     * MemorySegment temp = arena.allocate(4096);
     * arena.rewind(mark);    // temp is dead
     * }
     */
    public static final class Mark {
        private final BumpArena arena;
        private final long id;

        Mark(BumpArena arena, long id) {
            this.arena = arena;
            this.id = id;
        }

        BumpArena arena() {
            return arena;
        }

        /** Returns {@code "mark #3 of arena(...)"}. */
        @Override
        public String toString() {
            return "mark #" + id + " of " + arena;
        }
    }
}
