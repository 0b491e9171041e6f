package dev.allocator.tests.contract;

import dev.allocator.system.SystemAllocator;

/**
 * Every allocator the project ships, as contract subjects. Each has one {@link AllocatorContract} subclass; the
 * model and fuzz tests draw their thread-safe subjects from here too.
 */
public final class Subjects {

    private Subjects() {
    }

    /** {@code new SystemAllocator()}, without ServiceLoader. */
    public static final Subject SYSTEM = Subject.of("system").withFactory(SystemAllocator::new);

    /** What {@code Allocators.system()} wraps, opened through ServiceLoader. */
    public static final Subject OPEN_SYSTEM = Subject.of("system");

    /** Fixed 256-byte blocks, 1024 of them, over malloc; natural alignment of the block, up to 64. */
    public static final Subject POOL = Subject.of("pool(blockSize=256, capacity=1024) > system")
            .withMaxSize(256, true).withMaxAlignment(64).bounded(1024);

    /** Page-aligned blocks: {@code alignment=4096} lifts the pool's alignment to a page. */
    public static final Subject ALIGNED_POOL = Subject.of("pool(blockSize=4KiB, capacity=64, alignment=4096) > system")
            .withMaxSize(4096, true).withMaxAlignment(4096).bounded(64);

    /** A pool whose slab comes from an arena. */
    public static final Subject POOL_OVER_ARENA =
            Subject.of("pool(blockSize=256, capacity=1024) > arena(chunkSize=1MiB) > system")
                    .withMaxSize(256, true).withMaxAlignment(64).bounded(1024);

    /** A confined bump arena over malloc'd chunks; bigger requests get a chunk of their own. */
    public static final Subject ARENA = Subject.of("arena(chunkSize=64KiB) > system")
            .withMaxSize(64L << 20, false).withMaxAlignment(1L << 20).alignmentUnlimited().confined().arenaLike();

    /** The same arena, shared between threads. */
    public static final Subject SHARED_ARENA = Subject.of("arena(chunkSize=64KiB, shared=true) > system")
            .withMaxSize(64L << 20, false).withMaxAlignment(1L << 20).alignmentUnlimited().arenaLike();

    /** An arena whose chunks are 64 KiB pool blocks: bounded by the pool's 64 blocks. */
    public static final Subject ARENA_OVER_POOL =
            Subject.of("arena(chunkSize=64KiB) > pool(blockSize=64KiB, capacity=64) > system")
                    .withMaxSize(16L << 10, false).withMaxAlignment(4096).alignmentUnlimited().confined().arenaLike()
                    .bounded(0);

    /** A byte budget far above what the suite asks for: behaves like the stage beneath. */
    public static final Subject BUDGET = Subject.of("budget(limit=1GiB) > system");

    /** Checked mode: tracks every live allocation, frees leaks on close. */
    public static final Subject CHECKED = Subject.of("checked(onLeak=free) > system");

    /** Size classes up to 64 KiB from pools, larger requests straight to system. */
    public static final Subject SIZE_CLASSES = Subject.of("sizeclasses(maxClass=64KiB) > system");

    /** Counters in front of system, without JMX (every test opens a new one). */
    public static final Subject STATS = Subject.of("stats(jmx=false) > system");

    /** Checked mode over a pool: the pool's limits, checked bookkeeping. */
    public static final Subject CHECKED_POOL = Subject.of("checked(onLeak=free) > pool(blockSize=256, capacity=1024)")
            .withMaxSize(256, true).withMaxAlignment(64).bounded(1024);

    /**
     * Fallback: a small pool first, system when the pool cannot (too large, too aligned, exhausted); when both
     * refuse, the secondary's reason is reported.
     */
    public static final Subject FALLBACK = Subject.of("pool(blockSize=256, capacity=64) | system");
    /** Pages straight from mmap, one mapping per allocation; alignment up to 1 GiB by trimming the mapping. */
    public static final Subject PAGES = Subject.of("pages");

    /**
     * Secrets: guard pages, mlock, canary, one mapping per allocation. Requests up to 1 MiB and alignment up to a page
     * (above it: UNSUPPORTED_ALIGNMENT). The suite's peak of locked memory (64 live blocks of at most 2 KiB, one page
     * each, or one 1 MiB block) stays far below an unprivileged RLIMIT_MEMLOCK of 8 MiB.
     */
    public static final Subject SECURE = Subject.of("secure").withMaxSize(1L << 20, false).withMaxAlignment(4096);

    /** The pool of 64-byte secrets: one locked 64 KiB slab from secure, blocks wiped on every free. */
    public static final Subject POOL_OVER_SECURE = Subject.of("pool(blockSize=64, capacity=1024, wipe=always) > secure")
            .withMaxSize(64, true).withMaxAlignment(64).bounded(1024);

    /** A bump arena whose chunks are mappings from pages; bigger requests get a mapping of their own. */
    public static final Subject ARENA_OVER_PAGES = Subject.of("arena(chunkSize=64KiB) > pages")
            .withMaxSize(64L << 20, false).withMaxAlignment(1L << 20).alignmentUnlimited().confined().arenaLike();

    /** A pool whose slab is huge pages (MAP_HUGETLB, else transparent huge pages advised). */
    public static final Subject POOL_OVER_HUGE_PAGES =
            Subject.of("pool(blockSize=256, capacity=1024) > pages(hugePages=true)")
                    .withMaxSize(256, true).withMaxAlignment(64).bounded(1024);
}
