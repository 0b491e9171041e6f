package dev.allocator.tests.fault;

import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.contract.Subjects;

import java.util.List;

/**
 * Every spec of the contract kit ({@link Subjects}) with a {@code faulty} stage beneath each of its stages, and
 * compositions of them: what the fault injection tests and the soak run over.
 */
public final class FaultSubjects {

    private FaultSubjects() {
    }

    /** Each subject of {@link Subjects} as a fault subject (checked by {@code FaultyProviderTest}). */
    public static final List<FaultSubject> KIT = List.of(
            new FaultSubject("{F} > system", Subjects.SYSTEM, true),
            new FaultSubject("pool(blockSize=256, capacity=1024) > {F} > system", Subjects.POOL, false),
            new FaultSubject("pool(blockSize=4KiB, capacity=64, alignment=4096) > {F} > system",
                    Subjects.ALIGNED_POOL, false),
            new FaultSubject("pool(blockSize=256, capacity=1024) > {F} > arena(chunkSize=1MiB) > {F} > system",
                    Subjects.POOL_OVER_ARENA, false),
            new FaultSubject("arena(chunkSize=64KiB) > {F} > system", Subjects.ARENA, true),
            new FaultSubject("arena(chunkSize=64KiB, shared=true) > {F} > system", Subjects.SHARED_ARENA, true),
            new FaultSubject("arena(chunkSize=64KiB) > {F} > pool(blockSize=64KiB, capacity=64) > {F} > system",
                    Subjects.ARENA_OVER_POOL, true),
            new FaultSubject("budget(limit=1GiB) > {F} > system", Subjects.BUDGET, true),
            new FaultSubject("checked(onLeak=free) > {F} > system", Subjects.CHECKED, true),
            new FaultSubject("sizeclasses(maxClass=64KiB) > {F} > system", Subjects.SIZE_CLASSES, true),
            new FaultSubject("stats(jmx=false) > {F} > system", Subjects.STATS, true),
            new FaultSubject("checked(onLeak=free) > {F} > pool(blockSize=256, capacity=1024) > {F} > system",
                    Subjects.CHECKED_POOL, true),
            new FaultSubject("pool(blockSize=256, capacity=64) > {F} | {F} > system", Subjects.FALLBACK, true),
            new FaultSubject("{F} > pages", Subjects.PAGES, true),
            new FaultSubject("{F} > secure", Subjects.SECURE, true),
            new FaultSubject("pool(blockSize=64, capacity=1024, wipe=always) > {F} > secure",
                    Subjects.POOL_OVER_SECURE, false),
            new FaultSubject("pool(blockSize=256, capacity=1024) > {F} > pages(hugePages=true)",
                    Subjects.POOL_OVER_HUGE_PAGES, false),
            new FaultSubject("arena(chunkSize=64KiB) > {F} > pages", Subjects.ARENA_OVER_PAGES, true));

    /** Compositions beyond the kit: stacks of wrappers, shared backings, fallbacks over faulty pools. */
    public static final List<FaultSubject> COMPOSED = List.of(
            new FaultSubject("pool(blockSize=256, capacity=64) > {F} | system", Subjects.FALLBACK, false),
            new FaultSubject("budget(limit=256MiB) > stats(jmx=false) > checked(onLeak=free)"
                    + " > sizeclasses(maxClass=4KiB, slabSize=16KiB) > {F} > system",
                    Subject.of("budget > stats > checked > sizeclasses"), true),
            new FaultSubject("checked(onLeak=free) > budget(limit=64MiB)"
                    + " > (pool(blockSize=256, capacity=64) | sizeclasses(maxClass=64KiB)) > {F} > system",
                    Subject.of("checked > budget > (pool | sizeclasses)"), true),
            new FaultSubject("stats(jmx=false) > arena(chunkSize=4KiB, shared=true) > {F} > system",
                    Subjects.SHARED_ARENA, true),
            new FaultSubject("sizeclasses(maxClass=1KiB, slabSize=4KiB) > {F} > arena(chunkSize=64KiB, shared=true)"
                    + " > {F} > system", Subjects.SIZE_CLASSES, true),
            new FaultSubject("budget(limit=1MiB) > {F} > sizeclasses(maxClass=64KiB) > {F} > system",
                    Subjects.BUDGET.bounded(0), true));

    /** {@link #KIT} and {@link #COMPOSED}. */
    public static List<FaultSubject> all() {
        return java.util.stream.Stream.concat(KIT.stream(), COMPOSED.stream()).toList();
    }
}
