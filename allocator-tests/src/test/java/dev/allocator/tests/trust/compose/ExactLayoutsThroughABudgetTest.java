package dev.allocator.tests.trust.compose;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A budget over size classes or a pool (issue 12, finding 7 and the exact-layout rule): frees with another layout
 * than the allocation's are rejected with {@link IllegalArgumentException} and change nothing, so the budget is credited
 * only for the frees the backing accepted; after many rounds nothing is in use and the whole limit can be allocated.
 */
class ExactLayoutsThroughABudgetTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "budget(limit=4KiB) > sizeclasses > system; 20; 8; 4096",
            "budget(limit=64) > pool(blockSize=64, capacity=8) > system; 64; 64; 64"})
    void shouldRejectWrongLayoutFreesRoundAfterRoundAndKeepTheBudgetExact(String spec, long size, long alignment,
                                                                           long limit) {
        try (Allocator allocator = Allocators.open(spec)) {
            Layout layout = Layout.of(size, alignment);
            for (int round = 0; round < 1000; round++) {
                MemorySegment segment = allocator.allocate(layout);
                AllocatorStats before = allocator.stats();
                assertThrows(IllegalArgumentException.class,                   // a slice of another size
                        () -> allocator.deallocate(segment.asSlice(0, size / 2), Layout.of(size / 2, alignment)));
                assertThrows(IllegalArgumentException.class,                   // the segment, a smaller alignment
                        () -> allocator.deallocate(segment, Layout.of(size, alignment / 2)));
                assertThrows(IllegalArgumentException.class,                   // a slice not at the start
                        () -> allocator.deallocate(segment.asSlice(8), Layout.of(size - 8, 8)));
                assertEquals(before, allocator.stats(), "round " + round + ": a rejected free changes nothing");
                allocator.deallocate(segment, layout);
            }
            assertEquals(0, allocator.stats().bytesInUse());
            assertEquals(1000, allocator.stats().deallocations());
            Layout whole = Layout.of(limit, alignment);
            allocator.deallocate(allocator.allocate(whole), whole);
        }
    }
}
