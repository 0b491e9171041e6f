package dev.allocator.tests.trust.checked;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.compose.checked.CheckedAllocator;
import dev.allocator.compose.checked.Coverage;
import dev.allocator.compose.checked.LeakPolicy;
import dev.allocator.system.SystemAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checked mode's per-allocation scopes: ownership of freed segments and slices, stale segments at reused addresses,
 * segments held by a native call, and the options' errors.
 */
class CheckedScopeTest {

    /** {@code nanosleep(const struct timespec *req, struct timespec *rem)}: holds {@code req} while it sleeps. */
    private static final MethodHandle NANOSLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("nanosleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    @Test
    void shouldOwnItsSegmentsAndSlicesLiveOrFreedButNotForeignOnes() {
        try (Allocator checked = Allocators.open("checked > system"); Arena arena = Arena.ofConfined()) {
            MemorySegment segment = checked.allocate(Layout.of(64));
            assertTrue(checked.owns(segment.asSlice(8, 8)));
            checked.deallocate(segment, Layout.of(64));
            assertTrue(checked.owns(segment));
            assertTrue(checked.owns(segment.asSlice(8, 8)));
            assertFalse(checked.owns(arena.allocate(64)));
            assertThrows(IllegalStateException.class, () -> checked.deallocate(segment, Layout.of(64)));
            assertThrows(IllegalArgumentException.class, () -> checked.deallocate(arena.allocate(64), Layout.of(64)));
        }
    }

    @Test
    void shouldRejectAStaleSegmentWhoseAddressWasHandedOutAgain() {
        try (Allocator checked = Allocators.open("checked(quarantine=0, guard=0) > system")) {
            Layout layout = Layout.of(64);
            MemorySegment stale = checked.allocate(layout);
            checked.deallocate(stale, layout);
            MemorySegment again = checked.allocate(layout);
            assumeTrue(again.address() == stale.address(), "malloc did not hand the address out again");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> checked.deallocate(stale, layout));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            again.set(ValueLayout.JAVA_LONG, 0, 5);
            assertEquals(1, checked.stats().liveAllocations(), "the new allocation is still live");
            checked.deallocate(again, layout);
        }
    }

    @Test
    void shouldFreeARacingDoubleFreeOnce() throws Exception {
        try (Allocator checked = Allocators.open("checked > system")) {
            Layout layout = Layout.of(64);
            for (int round = 0; round < 200; round++) {
                MemorySegment segment = checked.allocate(layout);
                AtomicInteger freed = new AtomicInteger();
                AtomicInteger rejected = new AtomicInteger();
                CyclicBarrier start = new CyclicBarrier(2);
                Runnable free = () -> {
                    try {
                        start.await();
                        checked.deallocate(segment, layout);
                        freed.incrementAndGet();
                    } catch (IllegalStateException e) {
                        rejected.incrementAndGet();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
                Thread other = Thread.ofPlatform().start(free);
                free.run();
                other.join();
                assertEquals(1, freed.get(), "round " + round);
                assertEquals(1, rejected.get(), "round " + round);
            }
            assertEquals(200, checked.stats().deallocations());
        }
    }

    @Test
    void shouldRefuseToFreeOrCloseWhileANativeCallHoldsTheSegmentAndChangeNothing() throws Exception {
        SystemAllocator system = new SystemAllocator();
        CheckedAllocator checked = new CheckedAllocator(system, LeakPolicy.FREE, false, Coverage.DEFAULT, true);
        Layout timespec = Layout.of(16, 8);
        MemorySegment request = checked.allocate(timespec);
        request.set(ValueLayout.JAVA_LONG, 0, 1);   // one second
        request.set(ValueLayout.JAVA_LONG, 8, 0);
        Thread sleeper = Thread.ofPlatform().start(() -> {
            try {
                int ignored = (int) NANOSLEEP.invokeExact(request, MemorySegment.NULL);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        });
        Thread.sleep(300);
        IllegalStateException free = assertThrows(IllegalStateException.class,
                () -> checked.deallocate(request, timespec));
        assertTrue(free.getMessage().contains("in use by a native call"), free.getMessage());
        assertEquals(1, checked.stats().liveAllocations(), "nothing changed");
        IllegalStateException close = assertThrows(IllegalStateException.class, checked::close);
        assertTrue(close.getMessage().contains("did not close"), close.getMessage());
        assertEquals(16 + 32, system.stats().bytesInUse(), "nothing freed");
        sleeper.join();
        assertEquals(1, request.get(ValueLayout.JAVA_LONG, 0), "still live after the refused close");
        checked.deallocate(request, timespec);
        checked.close();
        assertEquals(0, system.stats().bytesInUse());
    }

    @ParameterizedTest
    @CsvSource({"FREE", "THROW"})
    void shouldBeClosedFirstWhenABackingItDoesNotOwnCloses(LeakPolicy policy) {
        SystemAllocator system = new SystemAllocator();
        CheckedAllocator checked = new CheckedAllocator(system, policy, false, Coverage.DEFAULT, false);
        MemorySegment leaked = checked.allocate(Layout.of(64));
        MemorySegment freed = checked.allocate(Layout.of(64));
        checked.deallocate(freed, Layout.of(64));
        system.close();
        assertFalse(leaked.scope().isAlive(), "checked's segment closed before system freed its memory");
        assertThrows(IllegalStateException.class, () -> checked.allocate(Layout.of(8)), "checked is closed");
        assertEquals(0, system.stats().bytesInUse(), "leaked and quarantined blocks went back first");
        checked.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"checked(guard=5000) > system; guard=5000",
            "checked(guard=-1) > system; guard=-1", "checked(quarantine=lots) > system; quarantine=lots",
            "checked(scopes=maybe) > system; scopes=maybe"})
    void shouldRejectBadOptions(String spec, String named) {
        SpecException e = assertThrows(SpecException.class, () -> Allocators.open(spec));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
