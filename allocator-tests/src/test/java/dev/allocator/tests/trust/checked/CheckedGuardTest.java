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
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checked mode's guards catch overruns by native code (written here through a raw address, as native code would):
 * reported on free and at close, naming the allocation, its site and the offset written, and no memory is lost.
 */
class CheckedGuardTest {

    private final SystemAllocator system = new SystemAllocator();
    private final CheckedAllocator checked = new CheckedAllocator(system, LeakPolicy.FREE, true,
            new Coverage(true, 16, 0), false);

    @AfterEach
    void close() {
        checked.close();
        system.close();
    }

    /** What native code holding only the address would do: write {@code value} at {@code offset} from it. */
    static void writeThroughRawAddress(MemorySegment segment, long offset, byte value) {
        long start = Math.min(0, offset);
        MemorySegment.ofAddress(segment.address() + start).reinterpret(offset - start + 1)
                .set(ValueLayout.JAVA_BYTE, offset - start, value);
    }

    @Test
    void shouldReportAnOverrunOnFreeNamingTheAllocationItsSiteAndTheOffsetAndStillFreeIt() {
        Layout layout = Layout.of(64, 8);
        MemorySegment segment = checked.allocate(layout);
        writeThroughRawAddress(segment, 64 + 3, (byte) 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> checked.deallocate(segment, layout));
        assertTrue(e.getMessage().contains("overrun"), e.getMessage());
        assertTrue(e.getMessage().contains(Checks.hex(segment.address()) + " of 64 B aligned 8"), e.getMessage());
        assertTrue(e.getMessage().contains("CheckedGuardTest.shouldReportAnOverrunOnFree"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 67 (3 B past its end"), e.getMessage());
        assertEquals(0, checked.stats().liveAllocations(), "the free happened");
        assertEquals(0, system.stats().bytesInUse(), "no memory lost");
        assertThrows(IllegalStateException.class, () -> checked.deallocate(segment, layout), "a second free");
        checked.deallocate(checked.allocate(layout), layout);
    }

    @Test
    void shouldReportAnUnderrunOnFree() {
        Layout layout = Layout.of(100, 16);
        MemorySegment segment = checked.allocate(layout);
        assertEquals(0, segment.address() % 16, "the front guard keeps the alignment");
        writeThroughRawAddress(segment, -1, (byte) 7);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> checked.deallocate(segment, layout));
        assertTrue(e.getMessage().contains("offset -1 (1 B before its start"), e.getMessage());
        assertEquals(0, system.stats().bytesInUse());
    }

    @Test
    void shouldReportAnOverrunOfALeakedBlockAtCloseAndStillFreeIt() {
        MemorySegment segment = checked.allocate(Layout.of(32));
        writeThroughRawAddress(segment, 32, (byte) 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, checked::close);
        assertTrue(e.getMessage().contains("overrun of the allocation at " + Checks.hex(segment.address())),
                e.getMessage());
        assertEquals(0, system.stats().bytesInUse(), "no memory lost");
    }

    @Test
    void shouldAskTheBackingForNoMoreThanTheRequestWithGuardZero() {
        try (Allocator plain = Allocators.open("checked(guard=0, quarantine=0) > system")) {
            MemorySegment segment = plain.allocate(Layout.of(64));
            assertEquals(64, plain.stats().bytesReserved());
            plain.deallocate(segment, Layout.of(64));
        }
        MemorySegment guarded = checked.allocate(Layout.of(64));
        assertEquals(64 + 16 + 16, system.stats().bytesInUse(), "a guard of 16 before and after");
        checked.deallocate(guarded, Layout.of(64));
    }

    @Test
    void shouldAllocateUnguardedWhenTheBackingCannotGiveTheLargerBlock() {
        try (Allocator overPool = Allocators.open("checked > pool(blockSize=64, capacity=2)")) {
            MemorySegment a = overPool.allocate(Layout.of(64));
            MemorySegment b = overPool.allocate(Layout.of(64));
            assertEquals(2, overPool.stats().liveAllocations());
            overPool.deallocate(a, Layout.of(64));
            overPool.deallocate(b, Layout.of(64));
        }
    }
}
