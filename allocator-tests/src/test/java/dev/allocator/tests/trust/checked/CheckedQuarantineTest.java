package dev.allocator.tests.trust.checked;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Checks;
import dev.allocator.api.Layout;
import dev.allocator.compose.checked.CheckedAllocator;
import dev.allocator.compose.checked.Coverage;
import dev.allocator.compose.checked.LeakPolicy;
import dev.allocator.system.SystemAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.allocator.tests.trust.checked.CheckedGuardTest.writeThroughRawAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checked mode's quarantine catches writes after free through a raw address (the scope cannot see those): the freed
 * block is held back, filled with a pattern, and verified when it leaves the quarantine (evicted, emptied because
 * the backing ran out, or at close). The writes here land in memory the quarantine still holds.
 */
class CheckedQuarantineTest {

    private static final Layout LAYOUT = Layout.of(64, 8);
    /** A guarded block of {@link #LAYOUT}: 16 + 64 + 16 bytes; the quarantine holds two. */
    private static final long BLOCK = 96;

    private final SystemAllocator system = new SystemAllocator();
    private final CheckedAllocator checked = new CheckedAllocator(system, LeakPolicy.FREE, true,
            new Coverage(true, 16, 2 * BLOCK), false);

    @AfterEach
    void close() {
        checked.close();
        system.close();
    }

    @Test
    void shouldReportAWriteAfterFreeWhenTheBlockIsEvictedAndStillFreeEverything() {
        MemorySegment freed = allocateAndFreeAt();
        long address = freed.address();
        writeThroughRawAddress(freed, 8, (byte) 0x42);
        MemorySegment second = checked.allocate(LAYOUT);
        MemorySegment third = checked.allocate(LAYOUT);
        checked.deallocate(second, LAYOUT);
        assertEquals(2 * BLOCK, system.stats().bytesInUse() - BLOCK, "two freed blocks held, one live");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> checked.deallocate(third, LAYOUT));
        assertTrue(e.getMessage().contains("write after free"), e.getMessage());
        assertTrue(e.getMessage().contains(Checks.hex(address) + " of 64 B aligned 8"), e.getMessage());
        assertTrue(e.getMessage().contains("CheckedQuarantineTest.allocateAndFreeAt"), "the site: " + e.getMessage());
        assertTrue(e.getMessage().contains("written at offset 8"), e.getMessage());
        assertEquals(0, checked.stats().liveAllocations(), "the evicting free happened");
        assertEquals(2 * BLOCK, system.stats().bytesInUse(), "the evicted block went back");
        assertThrows(IllegalStateException.class, () -> checked.deallocate(third, LAYOUT), "third was freed");
    }

    private MemorySegment allocateAndFreeAt() {
        MemorySegment segment = checked.allocate(LAYOUT);
        checked.deallocate(segment, LAYOUT);
        return segment;
    }

    @Test
    void shouldReportAWriteAfterFreeAtCloseAndFreeEverything() {
        MemorySegment freed = allocateAndFreeAt();
        writeThroughRawAddress(freed, 63, (byte) 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, checked::close);
        assertTrue(e.getMessage().contains("write after free"), e.getMessage());
        assertTrue(e.getMessage().contains("written at offset 63"), e.getMessage());
        assertEquals(0, system.stats().bytesInUse(), "no memory lost");
    }

    @Test
    void shouldEmptyTheQuarantineWhenTheBackingRunsOutAndReportWhatItFinds() {
        try (Allocator overPool = Allocators.open("checked(quarantine=1KiB) > pool(blockSize=128, capacity=2)")) {
            MemorySegment kept = overPool.allocate(LAYOUT);
            MemorySegment freed = overPool.allocate(LAYOUT);
            overPool.deallocate(freed, LAYOUT);
            writeThroughRawAddress(freed, 0, (byte) 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> overPool.allocate(LAYOUT));
            assertTrue(e.getMessage().contains("write after free"), e.getMessage());
            MemorySegment again = overPool.allocate(LAYOUT);
            overPool.deallocate(again, LAYOUT);
            overPool.deallocate(kept, LAYOUT);
        }
    }

    @Test
    void shouldGiveBlocksBackAtOnceWithoutQuarantineOrWhenLargerThanIt() {
        try (Allocator none = Allocators.open("checked(quarantine=0) > system")) {
            MemorySegment segment = none.allocate(LAYOUT);
            none.deallocate(segment, LAYOUT);
            assertEquals(0, none.stats().bytesReserved());
        }
        MemorySegment large = checked.allocate(Layout.of(4096));
        checked.deallocate(large, Layout.of(4096));
        assertEquals(0, system.stats().bytesInUse(), "larger than the whole quarantine");
    }
}
