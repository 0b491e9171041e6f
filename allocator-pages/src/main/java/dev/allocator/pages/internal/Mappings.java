package dev.allocator.pages.internal;

import dev.allocator.api.AllocationException;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.api.Scopes;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The live allocations of one {@code pages} or {@code secure} allocator, keyed by the scope of the segment handed
 * out (each allocation has an arena of its own, and scopes compare by identity), with the counters both allocators
 * report. Thread-safe.
 */
public final class Mappings {

    /*
     * Maintainers' notes.
     *
     * The map is the single source of truth for "live": an allocation is live from the put in add() to the remove in
     * take() or drain(). A free closes the allocation's arena first (idempotent; a racing free may close it too), then
     * remove(scope, mapping) is its linearization point: of two racing frees (or a free racing close) exactly one
     * removes the entry and hands the mapping back to be wiped and unmapped; the other finds it gone with its scope
     * already closed, so it is told "double free" (IllegalStateException), never "foreign". The arena is closed
     * before the memory is unmapped, so no Java thread can touch a segment over unmapped memory (closing a shared
     * arena waits for every thread to leave code that is accessing it). Invariant: a mapping not in the map has a
     * closed scope (drain closes the scope of one added while it runs).
     *
     * Counters: allocations/deallocations/failures are LongAdders; bytesInUse and bytesMapped are added after the put
     * (before the put) and subtracted after the remove, so a snapshot is never negative.
     */

    private final ConcurrentHashMap<MemorySegment.Scope, Mapping> live = new ConcurrentHashMap<>();
    private final LongAdder allocations = new LongAdder();
    private final LongAdder deallocations = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong bytesInUse = new AtomicLong();
    private final AtomicLong bytesMapped = new AtomicLong();
    private final AtomicLong hugeBytes = new AtomicLong();
    private final AtomicLong advisedBytes = new AtomicLong();

    /** Records a new allocation and returns its segment. */
    public MemorySegment add(Mapping mapping) {
        allocations.increment();
        bytesInUse.addAndGet(mapping.size());
        bytesMapped.addAndGet(mapping.length());
        hugeBytes.addAndGet(mapping.hugeBytes());
        advisedBytes.addAndGet(mapping.advised());
        live.put(mapping.arena().scope(), mapping);
        return mapping.segment();
    }

    /**
     * Removes the allocation {@code segment} was handed out as and closes its scope; the caller then wipes and
     * unmaps it.
     *
     * @throws IllegalArgumentException when {@code segment} did not come from here ({@code allocator} named), is a
     *                                  slice of an allocation or its size or {@code layout}'s is not the allocation's
     * @throws IllegalStateException    when the segment's allocation was freed already (its scope is closed), or a
     *                                  native call in another thread holds the segment (the JDK refuses to close
     *                                  its scope; nothing changed then)
     */
    public Mapping take(MemorySegment segment, Layout layout, Object allocator) {
        Mapping mapping = find(segment, allocator);
        if (segment.address() != mapping.address() || segment.byteSize() != mapping.size()
                || layout.size() != mapping.size()) {
            throw new IllegalArgumentException("a free must give the allocation's own segment and layout: segment "
                    + Checks.hex(segment.address()) + " of " + segment.byteSize() + " bytes with " + layout
                    + ", allocation " + Checks.hex(mapping.address()) + " of " + mapping.size() + " bytes");
        }
        Scopes.closeIfAlive(mapping.arena());
        if (!live.remove(mapping.arena().scope(), mapping)) {
            throw notLive(segment, allocator);
        }
        released(mapping);
        return mapping;
    }

    /**
     * The live allocation {@code segment} (or a slice of it) belongs to.
     *
     * @throws IllegalArgumentException when it did not come from here
     * @throws IllegalStateException    when its allocation was freed already
     */
    public Mapping find(MemorySegment segment, Object allocator) {
        Mapping mapping = live.get(segment.scope());
        if (mapping != null) {
            return mapping;
        }
        if (!segment.scope().isAlive()) {
            throw notLive(segment, allocator);
        }
        throw new IllegalArgumentException("segment at " + Checks.hex(segment.address()) + " of "
                + segment.byteSize() + " bytes was not allocated by " + allocator);
    }

    private static IllegalStateException notLive(MemorySegment segment, Object allocator) {
        return new IllegalStateException("the segment at " + Checks.hex(segment.address())
                + " must be a live allocation of " + allocator + ": its scope is closed (freed already: double free)");
    }

    private void released(Mapping mapping) {
        deallocations.increment();
        bytesInUse.addAndGet(-mapping.size());
        bytesMapped.addAndGet(-mapping.length());
        hugeBytes.addAndGet(-mapping.hugeBytes());
        advisedBytes.addAndGet(-mapping.advised());
    }

    /** Whether {@code segment} is (a slice of) a live allocation. */
    public boolean owns(MemorySegment segment) {
        return live.containsKey(segment.scope());
    }

    /** Whether {@code base} is the start of a live mapping (for summing {@code /proc/self/smaps}). */
    public boolean mapsAt(long base) {
        for (Mapping mapping : live.values()) {
            if (mapping.base() <= base && base < mapping.base() + mapping.length()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Undoes {@link #add} for an allocation that raced {@code close()}: true when this call removed it (the caller
     * unmaps it), false when close's drain did.
     */
    public boolean undo(Mapping mapping) {
        Scopes.closeIfAlive(mapping.arena());
        if (live.remove(mapping.arena().scope(), mapping)) {
            released(mapping);
            return true;
        }
        return false;
    }

    /**
     * Closes every live allocation's scope first (so that no thread touches memory about to be unmapped while the
     * rest are closed), then removes each, closing the scope of any added meanwhile, and hands it to
     * {@code release}.
     */
    public void drain(Consumer<Mapping> release) {
        for (Mapping mapping : live.values()) {
            Scopes.closeIfAlive(mapping.arena());
        }
        for (Mapping mapping : live.values()) {
            if (live.remove(mapping.arena().scope(), mapping)) {
                Scopes.closeIfAlive(mapping.arena());   // added after the first loop: close it before it goes
                released(mapping);
                release.accept(mapping);
            }
        }
    }

    /**
     * Counts a request that cannot be satisfied, then throws for {@code allocate} or returns {@code null} for
     * {@code tryAllocate}.
     *
     * @return {@code null}, when {@code throwOnFailure} is false
     * @throws AllocationException naming {@code allocator}, the request and {@code why}, when {@code throwOnFailure}
     */
    public MemorySegment refuse(AllocationException.Reason reason, Layout layout, String why, boolean throwOnFailure,
                                Object allocator) {
        failures.increment();
        if (throwOnFailure) {
            throw new AllocationException(reason, layout, allocator + " cannot allocate " + layout + ": " + why);
        }
        return null;
    }

    /** The counters as {@link AllocatorStats}; {@code bytesReserved} is the bytes mapped. */
    public AllocatorStats stats() {
        return new AllocatorStats(allocations.sum(), deallocations.sum(), failures.sum(), bytesInUse.get(),
                bytesMapped.get());
    }

    public long allocations() {
        return allocations.sum();
    }

    public long deallocations() {
        return deallocations.sum();
    }

    public long bytesInUse() {
        return bytesInUse.get();
    }

    public long bytesMapped() {
        return bytesMapped.get();
    }

    public long hugeBytes() {
        return hugeBytes.get();
    }

    public long advisedBytes() {
        return advisedBytes.get();
    }
}
