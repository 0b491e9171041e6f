package dev.allocator.secure;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocators;
import dev.allocator.api.AllocatorStats;
import dev.allocator.api.Layout;
import dev.allocator.pages.internal.Mman;
import dev.allocator.pages.internal.Smaps;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecureAllocatorTest {

    static final long PAGE = Mman.pageSize();

    /** Changes the byte at {@code address} to its complement, so it surely differs from what was there. */
    static void flip(long address) {
        MemorySegment at = MemorySegment.ofAddress(address).reinterpret(1);
        at.set(ValueLayout.JAVA_BYTE, 0, (byte) ~at.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void shouldPlaceTheBytesFlushAgainstTheTrailingGuardPage() {
        try (SecureAllocator secure = (SecureAllocator) Allocators.open("secure")) {
            MemorySegment key = secure.allocate(Layout.of(32));
            long end = key.address() + 32;
            assertEquals(0, end % PAGE, "the next byte is the guard page");
            assertEquals("0 kB", Smaps.of(end).get("Rss"));
            assertTrue(Smaps.of(end).get("VmFlags").startsWith("mr mw me"), "PROT_NONE: no rd, no wr");
            assertTrue(Smaps.of(key.address() - PAGE - 16).get("VmFlags").startsWith("mr mw me"), "leading guard");
            secure.deallocate(key, Layout.of(32));
        }
    }

    @Test
    void shouldLockTheDataPagesAndKeepThemOutOfCoreDumps() {
        try (SecureAllocator secure = new SecureAllocator()) {
            MemorySegment key = secure.allocate(Layout.of(100));
            Map<String, String> smaps = Smaps.of(key.address());
            assertEquals(PAGE / 1024 + " kB", smaps.get("Locked"));
            assertTrue((" " + smaps.get("VmFlags") + " ").contains(" dd "), smaps::toString);
            assertEquals(new SecureStats(PAGE, PAGE, 3, 2), secure.secureStats());
            assertEquals(new AllocatorStats(1, 0, 0, 100, 3 * PAGE), secure.stats());
            secure.deallocate(key, Layout.of(100));
            assertEquals(new SecureStats(PAGE, 0, 0, 0), secure.secureStats());
        }
    }

    @Test
    void shouldRoundTheAddressDownToTheAlignmentAndGuardTheSlackWithTheCanary() {
        try (SecureAllocator secure = new SecureAllocator()) {
            Layout layout = Layout.of(30, 16);
            MemorySegment block = secure.allocate(layout);
            assertEquals(0, block.address() % 16);
            assertEquals(2, (-block.address() - 30) & (PAGE - 1), "two bytes of slack before the guard");
            flip(block.address() + 31);
            CorruptedCanaryException e = assertThrows(CorruptedCanaryException.class,
                    () -> secure.deallocate(block, layout));
            assertTrue(e.getMessage().contains("slack byte"), e::getMessage);
            assertEquals(new AllocatorStats(1, 1, 0, 0, 0), secure.stats(), "freed anyway");
        }
    }

    @Test
    void shouldReportACanaryOverwrittenJustBeforeTheAllocationAndStillFreeIt() {
        SecureAllocator secure = new SecureAllocator();
        MemorySegment key = secure.allocate(Layout.of(64));
        long address = key.address();
        flip(address - 1);
        CorruptedCanaryException e = assertThrows(CorruptedCanaryException.class,
                () -> secure.deallocate(key, Layout.of(64)));
        assertTrue(e.getMessage().contains("1 bytes before the allocation"), e::getMessage);
        assertTrue(Smaps.of(address).isEmpty(), "unmapped anyway");
        assertEquals(0, secure.stats().liveAllocations());
        secure.close();
    }

    @Test
    void shouldReportACorruptedCanaryOnCloseAfterFreeingEverything() {
        SecureAllocator secure = new SecureAllocator();
        MemorySegment key = secure.allocate(Layout.of(8));
        flip(key.address() - 16);
        assertThrows(CorruptedCanaryException.class, secure::close);
        assertEquals(0, secure.stats().bytesReserved());
        secure.close();
    }

    @Test
    void shouldThrowInsteadOfTouchingAFreedSecret() {
        try (SecureAllocator secure = new SecureAllocator()) {
            MemorySegment key = secure.allocate(Layout.of(32));
            key.fill((byte) 0x42);
            secure.deallocate(key, Layout.of(32));
            assertThrows(IllegalStateException.class, () -> key.get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IllegalStateException.class, () -> secure.readOnly(key));
        }
    }

    @Test
    void shouldToggleAccessAndFreeANoAccessAllocation() {
        try (SecureAllocator secure = new SecureAllocator()) {
            MemorySegment key = secure.allocate(Layout.of(32));
            key.fill((byte) 1);
            secure.noAccess(key);
            assertTrue(Smaps.of(key.address()).get("VmFlags").startsWith("mr mw me"));
            secure.readOnly(key.asSlice(4));
            assertEquals(1, key.get(ValueLayout.JAVA_BYTE, 31));
            assertTrue(Smaps.of(key.address()).get("VmFlags").startsWith("rd mr"));
            secure.readWrite(key);
            key.set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
            secure.noAccess(key);
            secure.deallocate(key, Layout.of(32));
        }
    }

    @Test
    void shouldRejectForeignSegmentsInTogglesAndFrees() {
        try (SecureAllocator secure = new SecureAllocator()) {
            MemorySegment foreign = Arena.ofAuto().allocate(32);
            assertThrows(IllegalArgumentException.class, () -> secure.noAccess(foreign));
            assertThrows(IllegalArgumentException.class, () -> secure.deallocate(foreign, Layout.of(32)));
            assertFalse(secure.owns(foreign));
            assertEquals(new AllocatorStats(0, 0, 0, 0, 0), secure.stats());
        }
    }

    @Test
    void shouldRejectAlignmentAboveAPage() {
        try (SecureAllocator secure = new SecureAllocator()) {
            AllocationException e = assertThrows(AllocationException.class,
                    () -> secure.allocate(Layout.of(8, 2 * PAGE)));
            assertEquals(AllocationException.Reason.UNSUPPORTED_ALIGNMENT, e.reason());
            assertNull(secure.tryAllocate(Layout.of(8, 2 * PAGE)));
            assertEquals(2, secure.stats().failures());
        }
    }

    @Test
    void shouldWipeWithExplicitBzero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment secret = arena.allocate(64).fill((byte) 0x33);
            Mman.wipe(secret.address(), 64);
            assertEquals(-1, secret.mismatch(arena.allocate(64)));
        }
    }

    @Test
    void shouldRejectOptions() {
        assertThrows(IllegalArgumentException.class, () -> Allocators.open("secure(lock=false)"));
    }
}
