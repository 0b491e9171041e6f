package dev.allocator.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.function.Consumer;

/**
 * Hands out blocks of off-heap memory by {@link Layout} and takes them back.
 *
 * <p>Every allocator is a {@link SegmentAllocator}, so it works wherever the JDK takes one:
 * {@snippet :
 * try (Allocator allocator = Allocators.open("pool(blockSize=256, capacity=1024) > system")) {
 *     MemorySegment frame = allocator.allocate(Layout.of(256, 64));
 *     MemorySegment name = allocator.allocateFrom("hello");   // JDK default method, through allocate(long, long)
 *     // ... use them ...
 *     allocator.deallocate(name, Layout.of(name.byteSize()));
 *     allocator.deallocate(frame, Layout.of(256, 64));
 * }
 * }
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #allocate(Layout)} returns a segment of exactly {@code layout.size()} bytes whose address is a multiple
 *       of {@code layout.alignment()}; no two live segments overlap. Its contents are unspecified unless
 *       {@link #allocateZeroed(Layout)} is used.</li>
 *   <li>{@link #deallocate(MemorySegment, Layout)} takes the segment and the layout it was allocated with. An allocator
 *       never silently accepts a segment it did not hand out: it throws {@link IllegalArgumentException}. Whether
 *       double frees are caught is part of each implementation's contract (all of this project's allocators catch
 *       them by default).</li>
 *   <li>Bad arguments throw {@link IllegalArgumentException}; a well-formed request the allocator cannot satisfy
 *       throws {@link AllocationException} from {@code allocate} and returns {@code null} from
 *       {@link #tryAllocate(Layout)}. After either, the allocator works as before.</li>
 *   <li>{@link #close()} gives back everything the allocator holds (including memory still handed out, which may then
 *       no longer be touched; most allocators scope their segments so that touching it throws
 *       {@link IllegalStateException}). Any later call but {@code close()}, {@link #owns(MemorySegment)} and
 *       {@link #stats()} throws {@link IllegalStateException}; closing twice does nothing.</li>
 *   <li>Thread-safety is stated by each implementation. A thread-safe allocator guarantees that actions in a thread
 *       before it deallocates a segment <i>happen-before</i> actions in another thread after an allocation that
 *       returns the same memory.</li>
 * </ul>
 */
public interface Allocator extends SegmentAllocator, AutoCloseable {

    /**
     * Allocates a segment of {@code layout.size()} bytes aligned to {@code layout.alignment()}.
     *
     * @param layout the size and alignment
     * @return a new segment, never null
     * @throws AllocationException   when the allocator cannot satisfy the request ({@link AllocationException#reason()}
     *                               says why)
     * @throws IllegalStateException when the allocator is closed
     * @throws NullPointerException  when {@code layout} is null
     */
    MemorySegment allocate(Layout layout);

    /**
     * Allocates like {@link #allocate(Layout)}, but returns {@code null} instead of throwing
     * {@link AllocationException} when the request cannot be satisfied. Bad arguments and a closed allocator still
     * throw.
     *
     * @param layout the size and alignment
     * @return a new segment, or {@code null} when the allocator cannot satisfy the request
     * @throws IllegalStateException when the allocator is closed
     * @throws NullPointerException  when {@code layout} is null
     */
    MemorySegment tryAllocate(Layout layout);

    /**
     * Allocates like {@link #allocate(Layout)} and returns the segment filled with zeros. Implementations may do this
     * faster than a fill (calloc, say).
     *
     * @param layout the size and alignment
     * @return a new zeroed segment, never null
     * @throws AllocationException   when the allocator cannot satisfy the request
     * @throws IllegalStateException when the allocator is closed
     */
    default MemorySegment allocateZeroed(Layout layout) {
        return allocate(layout).fill((byte) 0);
    }

    /**
     * Gives back a segment this allocator handed out.
     *
     * @param segment the segment, as returned by this allocator
     * @param layout  the layout it was allocated with
     * @throws IllegalArgumentException when this allocator did not hand out {@code segment}, or {@code layout} does
     *                                  not match it
     * @throws IllegalStateException    when the segment was already given back (where the implementation detects
     *                                  it), or the allocator is closed
     */
    void deallocate(MemorySegment segment, Layout layout);

    /**
     * Whether {@code segment}'s memory came from this allocator: the primitive that fallback composition routes
     * deallocations by. It never throws for a foreign segment and may be called after close.
     *
     * @param segment any segment
     * @return {@code true} when the memory came from this allocator
     */
    boolean owns(MemorySegment segment);

    /**
     * A snapshot of this allocator's counters.
     *
     * @return the counters; cheap enough to call from a monitoring thread
     */
    AllocatorStats stats();

    /**
     * Gives back everything this allocator holds, and closes the allocator it was built over when it owns it (every
     * allocator built from a spec owns the stages beneath it). Closing twice does nothing.
     *
     * <p>A class that is also a {@link java.lang.foreign.Arena}, whose {@code close()} throws on a second call, follows
     * this contract instead, and says so.
     */
    @Override
    void close();

    /**
     * Asks this allocator to close {@code dependent} before it frees memory it handed out (on {@link #close()}, and
     * on any other call that takes memory back from its callers, such as an arena's reset). An allocator built over
     * a backing it does not own (a pool over a system allocator the caller keeps) registers itself this way, so that
     * closing the backing first makes the dependent's segments inaccessible instead of leaving them over freed
     * memory. The owner's close throws {@link IllegalStateException} and frees nothing when a dependent's close
     * throws (see {@link Dependents#closeAll(Object)}).
     *
     * <p>The default records nothing and returns {@code false}: the caller must then keep this allocator open for as
     * long as the dependent uses memory from it. Wrappers forward to the allocator they wrap when they free nothing of
     * their own.
     *
     * @param dependent what to close first; its {@code close()} must be idempotent
     * @return {@code true} when this allocator will close {@code dependent} first
     * @throws NullPointerException when {@code dependent} is null
     */
    default boolean addDependent(AutoCloseable dependent) {
        java.util.Objects.requireNonNull(dependent, "dependent");
        return false;
    }

    /**
     * Forgets a dependent registered with {@link #addDependent}: called by the dependent when it closes. Does nothing
     * for an unknown one.
     *
     * @param dependent the dependent to forget
     */
    default void removeDependent(AutoCloseable dependent) {
    }

    /**
     * Checks, without changing anything, that the calling thread may close this allocator and give memory back to
     * it, so that a stack closed from the wrong thread throws before any stage has changed instead of closing halfway.
     * An allocator built over another asks it too; {@link #close()} calls this first.
     *
     * <p>The default does nothing: an allocator that any thread may use and close.
     *
     * @throws WrongThreadException when this allocator, or one it gives memory back to on close, is confined to
     *                              another thread
     */
    default void requireCloseable() {
    }

    /**
     * Lists into {@code sink} the figures this allocator and those it is built over report beyond {@link #stats()}:
     * a pool's exhaustions, a budget's headroom, a size histogram's buckets ({@code docs/micrometer.md} lists this
     * project's). An allocator lists its own measures first, then those of the allocators it is built over, so a
     * monitoring binder given the top of a stack finds every layer's; a layer reached twice (a backing shared by the
     * two sides of a choice) is listed twice, with the same source.
     *
     * <p>Listing builds the measures (call it once, when binding); reading one later allocates nothing beyond what its
     * source's getter does. May be called from any thread and after close. The default lists nothing: an allocator
     * with no figures of its own and no backing. A wrapper lists its own, then calls its backing's
     * {@code measures}.
     *
     * @param sink receives each measure
     * @throws NullPointerException when {@code sink} is null
     */
    default void measures(Consumer<? super Measure> sink) {
        java.util.Objects.requireNonNull(sink, "sink");
    }

    /**
     * The {@link SegmentAllocator} entry point: delegates to {@link #allocate(Layout)}.
     *
     * @throws IllegalArgumentException when {@code byteSize < 0} or {@code byteAlignment} is not a power of two
     * @throws AllocationException      when the allocator cannot satisfy the request
     */
    @Override
    default MemorySegment allocate(long byteSize, long byteAlignment) {
        return allocate(Layout.of(byteSize, byteAlignment));
    }
}
