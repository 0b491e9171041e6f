package dev.allocator.arena;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Dependents;
import dev.allocator.api.Layout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backing allocator for tests: hands out memory filled with garbage (0xA5), remembers what is live, can be told to
 * refuse, and records whether every block it gets back is all zeros (for the wipe tests). Honours dependents: its
 * close closes them first, and throws (staying open) when one does not close. Thread-safe.
 */
final class TestBacking implements Allocator {

    static final byte GARBAGE = (byte) 0xA5;

    private final Arena memory = Arena.ofShared();
    private final Dependents dependents = new Dependents();
    private final Map<Long, Layout> live = new ConcurrentHashMap<>();
    private final List<String> dirtyReturns = new ArrayList<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger allocations = new AtomicInteger();
    private final AtomicInteger returns = new AtomicInteger();
    private volatile boolean closed;

    /** Where {@link #carveAdjacent} hands blocks out from; null to allocate each block on its own. */
    private MemorySegment region;
    private long regionNext;
    private boolean descending;

    /**
     * From now on hands out blocks back to back from one region of {@code bytes}, each new block right below the
     * previous one (as mmap places them) when {@code descending}, else right above it; blocks must be a multiple of
     * their alignment for the next one to be adjacent.
     */
    synchronized void carveAdjacent(long bytes, boolean descending) {
        this.region = memory.allocate(bytes, 4096);
        this.descending = descending;
        this.regionNext = descending ? bytes : 0;
    }

    /** Makes the next {@code count} allocations fail with reason EXHAUSTED. */
    void refuseNext(int count) {
        refusals.set(count);
    }

    int liveBlocks() {
        return live.size();
    }

    int allocations() {
        return allocations.get();
    }

    int returns() {
        return returns.get();
    }

    int dependents() {
        return dependents.size();
    }

    boolean isClosed() {
        return closed;
    }

    /** Blocks that came back with a byte that is not zero, described. */
    synchronized List<String> dirtyReturns() {
        return List.copyOf(dirtyReturns);
    }

    @Override
    public MemorySegment allocate(Layout layout) {
        MemorySegment segment = tryAllocate(layout);
        if (segment == null) {
            throw new AllocationException(AllocationException.Reason.EXHAUSTED, layout,
                    "test backing refuses " + layout);
        }
        return segment;
    }

    @Override
    public MemorySegment tryAllocate(Layout layout) {
        if (closed) {
            throw new IllegalStateException("test backing is closed");
        }
        if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return null;
        }
        MemorySegment segment = region != null ? carve(layout)
                : memory.allocate(Math.max(layout.size(), 1), layout.alignment()).asSlice(0, layout.size());
        segment.fill(GARBAGE);
        live.put(segment.address(), layout);
        allocations.incrementAndGet();
        return segment;
    }

    private synchronized MemorySegment carve(Layout layout) {
        long mask = layout.alignment() - 1;
        long start = descending ? (regionNext - layout.size()) & ~mask : (regionNext + mask) & ~mask;
        if (start < 0 || start + layout.size() > region.byteSize()) {
            throw new AssertionError("test backing's region is used up by " + layout);
        }
        regionNext = descending ? start : start + layout.size();
        return region.asSlice(start, layout.size());
    }

    @Override
    public void deallocate(MemorySegment segment, Layout layout) {
        Layout recorded = live.remove(segment.address());
        if (recorded == null || !recorded.equals(layout) || segment.byteSize() != layout.size()) {
            throw new AssertionError("bad return to the test backing: " + segment + " " + layout);
        }
        long firstNonZero = segment.mismatch(MemorySegment.ofArray(new byte[(int) segment.byteSize()]));
        if (firstNonZero >= 0) {
            synchronized (this) {
                dirtyReturns.add("block at " + segment.address() + " of " + layout + " has a non-zero byte at "
                        + firstNonZero);
            }
        }
        returns.incrementAndGet();
    }

    @Override
    public boolean owns(MemorySegment segment) {
        return live.containsKey(segment.address());
    }

    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(allocations.get(), returns.get(), 0, 0, 0);
    }

    @Override
    public boolean addDependent(AutoCloseable dependent) {
        dependents.add(dependent);
        return true;
    }

    @Override
    public void removeDependent(AutoCloseable dependent) {
        dependents.remove(dependent);
    }

    @Override
    public void close() {
        dependents.closeAll(this);
        closed = true;
    }

    /** Frees the memory behind every block; call once the arena over it is closed. */
    void release() {
        memory.close();
    }

    @Override
    public String toString() {
        return "test-backing";
    }
}
