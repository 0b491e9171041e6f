package dev.allocator.compose.checked;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The state of a {@link CheckedAllocator}, every access under this object's monitor: the live allocations, the
 * counters, the quarantine, the scopes handed out, and whether a close has begun. It never calls the backing
 * allocator, closes a scope or touches memory: the checked allocator does that outside the lock.
 */
final class Ledger {

    /*
     * `live` maps the address handed out -> Allocation, for allocations of size > 0; zero-size allocations may share
     * an address with a neighbour (an arena hands out the same address for size 0 and the next request), so they are
     * counted per address in `zeroSized`. `handedScopes` has weak keys: a scope is forgotten once no segment refers
     * to it, and until then owns() recognises a freed segment and its slices.
     */

    private final LongObjectHashMap<Allocation> live = new LongObjectHashMap<>();
    private final LongIntHashMap zeroSized = new LongIntHashMap();
    private final Map<MemorySegment.Scope, Boolean> handedScopes = new WeakHashMap<>();
    private final Quarantine quarantine;
    private boolean closing;
    private long allocations;
    private long deallocations;
    private long failures;
    private long bytesInUse;

    Ledger(long quarantineBytes) {
        this.quarantine = new Quarantine(quarantineBytes);
    }

    synchronized void countFailure() {
        failures++;
    }

    /**
     * Records a new allocation.
     *
     * @return {@code false} when a close has begun (the caller gives the block back and throws)
     * @throws IllegalStateException when a live allocation starts at the same address (a broken backing)
     */
    synchronized boolean record(Allocation allocation, Object backing) {
        if (closing) {
            return false;
        }
        final long address = allocation.address();
        if (allocation.layout().size() == 0) {
            zeroSized.addToValue(address, 1);
        } else {
            Allocation clash = live.get(address);
            if (clash != null) {
                throw new IllegalStateException(backing + " handed out " + Checks.hex(address)
                        + " while the allocation at " + clash.describe() + " is still live");
            }
            live.put(address, allocation);
            if (allocation.arena() != null) {
                handedScopes.put(allocation.handed().scope(), Boolean.TRUE);
            }
        }
        allocations++;
        bytesInUse += allocation.layout().size();
        return true;
    }

    /**
     * Removes the live zero-size allocation at {@code address}.
     *
     * @return {@code false} when there is none
     */
    synchronized boolean takeZeroSized(long address) {
        if (zeroSized.get(address) == 0) {
            return false;
        }
        if (zeroSized.addToValue(address, -1) == 0) {
            zeroSized.remove(address);
        }
        deallocations++;
        return true;
    }

    /**
     * Removes the live allocation {@code segment} is, after checking {@code layout} against it: the linearization
     * point of a free.
     *
     * @return the allocation, or {@code null} when none is live at the segment's address in the segment's scope
     * @throws IllegalArgumentException when the sizes or alignments differ (nothing changes)
     */
    synchronized Allocation take(MemorySegment segment, Layout layout) {
        Allocation freed = live.get(segment.address());
        if (freed == null || !freed.handed().scope().equals(segment.scope())) {
            return null;
        }
        if (segment.byteSize() != freed.layout().size() || layout.size() != freed.layout().size()
                || layout.alignment() != freed.layout().alignment()) {
            throw new IllegalArgumentException("deallocate does not match the allocation at " + freed.describe()
                    + ": the segment has " + segment.byteSize() + " B and the layout says " + layout);
        }
        live.remove(segment.address());
        deallocations++;
        bytesInUse -= freed.layout().size();
        return freed;
    }

    /** Puts back an allocation {@link #take} removed, when its free could not go on. */
    synchronized void untake(Allocation allocation) {
        live.put(allocation.address(), allocation);
        deallocations--;
        bytesInUse += allocation.layout().size();
    }

    synchronized boolean ownsScope(MemorySegment.Scope scope) {
        return handedScopes.containsKey(scope);
    }

    synchronized boolean quarantineHolds() {
        return !quarantine.isEmpty();
    }

    synchronized List<Allocation> drainQuarantine() {
        return quarantine.drain();
    }

    /** Whether a freed block of this many bytes is held back at all. */
    boolean quarantines(long blockBytes) {
        return quarantine.takes(blockBytes);
    }

    /**
     * Quarantines a freed, poisoned allocation.
     *
     * @return what must now be verified and given back: the evicted allocations, or {@code freed} itself when a close
     *         has begun
     */
    synchronized List<Allocation> quarantine(Allocation freed) {
        return closing ? List.of(freed) : quarantine.add(freed);
    }

    /** Marks the start of a close (allocations now fail) and returns the live allocations, whose scopes to close. */
    synchronized List<Allocation> beginClose() {
        closing = true;
        List<Allocation> open = new ArrayList<>(live.size());
        live.forEachValue(open::add);
        return open;
    }

    /** Undoes {@link #beginClose} when a scope could not be closed. */
    synchronized void abortClose() {
        closing = false;
    }

    /** Empties the ledger at close: returns the quarantined allocations, then the leaked ones. */
    synchronized List<List<Allocation>> takeAll() {
        List<Allocation> leaked = new ArrayList<>(live.size());
        live.forEachValue(leaked::add);
        List<List<Allocation>> all = List.of(quarantine.drain(), leaked);
        live.clear();
        zeroSized.clear();
        bytesInUse = 0;
        return all;
    }

    synchronized LeakReport leakReport(String allocator) {
        List<LeakReport.Leak> leaks = new ArrayList<>(live.size() + zeroSized.size());
        live.forEachValue(a -> leaks.add(new LeakReport.Leak(a.address(), a.layout().size(), a.layout().alignment(),
                a.site())));
        zeroSized.forEachKeyValue((address, count) -> {
            for (int i = 0; i < count; i++) {
                leaks.add(new LeakReport.Leak(address, 0, 1, new StackTraceElement[0]));
            }
        });
        return new LeakReport(allocator, List.copyOf(leaks));
    }

    synchronized AllocatorStats stats(long bytesReserved) {
        return new AllocatorStats(allocations, deallocations, failures, bytesInUse, bytesReserved);
    }
}
