package dev.allocator.tests.contract;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An allocator under contract test, and what its own contract promises beyond the {@link Allocator} interface. The
 * suite ({@link AllocatorContract}) reads these capabilities to decide which checks apply and what to expect.
 *
 * @param spec            the spec it is opened from (also names the providers it covers)
 * @param factory         opens a fresh instance; the test closes it
 * @param maxSize         the largest request the tests make (for a bounded subject: one that must succeed)
 * @param sizeLimited     whether a request above {@code maxSize} fails with reason {@code TOO_LARGE}
 * @param maxAlignment    the largest alignment the subject guarantees (tests go up to it, at most 1 MiB)
 * @param alignmentLimited whether a request above {@code maxAlignment} fails with reason
 *                        {@code UNSUPPORTED_ALIGNMENT} (an arena pads inside a chunk instead: no crisp limit)
 * @param threadSafe      whether any thread may use it ({@code false}: confined to the thread that opened it, others
 *                        get {@link WrongThreadException})
 * @param detectsDoubleFree whether a second deallocation of a segment throws {@link IllegalStateException}
 * @param reuse           what happens to memory given back
 * @param exactCapacity   how many live allocations of {@code maxSize} bytes fit before it is exhausted, {@code 0}
 *                        when it is not bounded or the bound is not exact
 * @param bounded         whether it can be exhausted ({@code tryAllocate} returns {@code null}, {@code allocate}
 *                        throws reason {@code EXHAUSTED})
 * @param knownBugs       contract tests this subject is known to fail, by method name, with the bug: they are
 *                        skipped (aborted) with that text, so the build stays green and the report shows them; remove
 *                        an entry when its bug is fixed
 */
public record Subject(String spec, Supplier<Allocator> factory, long maxSize, boolean sizeLimited,
                      long maxAlignment, boolean alignmentLimited, boolean threadSafe, boolean detectsDoubleFree,
                      Reuse reuse, long exactCapacity, boolean bounded, Map<String, String> knownBugs) {

    /** What an allocator does with memory given back. */
    public enum Reuse {
        /** Any freed block can be handed out again (pools; the C library). */
        ANY,
        /** Only freeing the latest allocation gives memory back; other frees do nothing until close (arenas). */
        LATEST_ONLY
    }

    public Subject {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(reuse, "reuse");
        knownBugs = Map.copyOf(knownBugs);
    }

    /** A thread-safe, unbounded subject opened from {@code spec} with defaults like the system allocator's. */
    public static Subject of(String spec) {
        return new Subject(spec, () -> Allocators.open(spec), 64L << 20, false, 1L << 30, true, true, true,
                Reuse.ANY, 0, false, Map.of());
    }

    public Subject withFactory(Supplier<Allocator> newFactory) {
        return new Subject(spec, newFactory, maxSize, sizeLimited, maxAlignment, alignmentLimited, threadSafe,
                detectsDoubleFree, reuse, exactCapacity, bounded, knownBugs);
    }

    public Subject withMaxSize(long newMaxSize, boolean limited) {
        return new Subject(spec, factory, newMaxSize, limited, maxAlignment, alignmentLimited, threadSafe,
                detectsDoubleFree, reuse, exactCapacity, bounded, knownBugs);
    }

    public Subject withMaxAlignment(long newMaxAlignment) {
        return new Subject(spec, factory, maxSize, sizeLimited, newMaxAlignment, alignmentLimited, threadSafe,
                detectsDoubleFree, reuse, exactCapacity, bounded, knownBugs);
    }

    /** Alignments above {@code maxAlignment} are not refused, only not tested. */
    public Subject alignmentUnlimited() {
        return new Subject(spec, factory, maxSize, sizeLimited, maxAlignment, false, threadSafe, detectsDoubleFree,
                reuse, exactCapacity, bounded, knownBugs);
    }

    /** Confined to the thread that opened it. */
    public Subject confined() {
        return new Subject(spec, factory, maxSize, sizeLimited, maxAlignment, alignmentLimited, false,
                detectsDoubleFree, reuse, exactCapacity, bounded, knownBugs);
    }

    /** An arena: frees of anything but the latest allocation do nothing, so double frees go unseen. */
    public Subject arenaLike() {
        return new Subject(spec, factory, maxSize, sizeLimited, maxAlignment, alignmentLimited, threadSafe, false,
                Reuse.LATEST_ONLY, exactCapacity, bounded, knownBugs);
    }

    /** Bounded; {@code capacity} live allocations of {@code maxSize} fit exactly, or {@code 0} if not exact. */
    public Subject bounded(long capacity) {
        return new Subject(spec, factory, maxSize, sizeLimited, maxAlignment, alignmentLimited, threadSafe,
                detectsDoubleFree, reuse, capacity, true, knownBugs);
    }

    /** This subject, known to fail contract test {@code testMethod} because of {@code bug}. */
    public Subject withKnownBug(String testMethod, String bug) {
        Map<String, String> bugs = new HashMap<>(knownBugs);
        bugs.put(testMethod, bug);
        return new Subject(spec, factory, maxSize, sizeLimited, maxAlignment, alignmentLimited, threadSafe,
                detectsDoubleFree, reuse, exactCapacity, bounded, bugs);
    }

    /** Returns the spec, so parameterized test names show the subject. */
    @Override
    public String toString() {
        return spec;
    }
}
