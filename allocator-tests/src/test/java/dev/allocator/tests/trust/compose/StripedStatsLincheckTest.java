package dev.allocator.tests.trust.compose;

import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.compose.stats.StatsAllocator;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Model checking of the striped counters of {@code stats}: one thread allocates, hands segments over and frees them,
 * another takes snapshots. Every snapshot must keep the invariants the allocator documents, however the counts of a
 * whole allocate-free pair land during the read: deallocations never exceed allocations and bytes in use are never
 * negative.
 */
public class StripedStatsLincheckTest {

    private static final Layout LAYOUT = Layout.of(16);

    private final StatsAllocator stats = new StatsAllocator("lincheck", new AddressOnlyAllocator(), false, false, true);
    private final ConcurrentLinkedQueue<MemorySegment> handed = new ConcurrentLinkedQueue<>();

    /** Allocates 16 B and hands the segment over. */
    @Operation(nonParallelGroup = "worker")
    public void allocate() {
        handed.add(stats.allocate(LAYOUT));
    }

    /** Frees a segment handed over, when there is one. */
    @Operation(nonParallelGroup = "worker")
    public boolean free() {
        MemorySegment segment = handed.poll();
        if (segment == null) {
            return false;
        }
        stats.deallocate(segment, LAYOUT);
        return true;
    }

    /** Whether a snapshot keeps the invariants (always, sequentially). */
    @Operation(nonParallelGroup = "observer")
    public boolean snapshotHolds() {
        AllocatorStats snapshot = stats.stats();
        return snapshot.deallocations() <= snapshot.allocations() && snapshot.bytesInUse() >= 0
                && stats.getBytesInUse() >= 0;
    }

    @Test
    void shouldKeepSnapshotInvariantsWhileAllocationsAndFreesRace() {
        new ModelCheckingOptions().iterations(Integer.getInteger("stats.lincheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("stats.lincheck.invocations", 500))
                .threads(2).actorsPerThread(3).check(StripedStatsLincheckTest.class);
    }
}
