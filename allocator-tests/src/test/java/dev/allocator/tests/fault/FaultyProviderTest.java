package dev.allocator.tests.fault;

import dev.allocator.api.AllocationException;
import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.api.Layout;
import dev.allocator.api.SpecException;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.contract.Subjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.allocator.tests.support.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code faulty} provider: its options, which calls fail and how, what it counts, and its subjects' coverage. */
class FaultyProviderTest {

    private static final Layout LAYOUT = Layout.of(64, 8);

    /** Which of the first {@code calls} calls of {@code allocate} fail (1-based). */
    private static List<Integer> failingCalls(String options, int calls) {
        List<Integer> failed = new ArrayList<>();
        try (Allocator allocator = Allocators.open("faulty(id=plan, " + options + ") > system")) {
            FaultyAllocator faulty = FaultyProvider.take("plan");
            for (int call = 1; call <= calls; call++) {
                try {
                    MemorySegment segment = allocator.allocate(LAYOUT);
                    allocator.deallocate(segment, LAYOUT);
                } catch (AllocationException e) {
                    assertEquals(AllocationException.Reason.OUT_OF_NATIVE_MEMORY, e.reason());
                    failed.add(call);
                }
            }
            assertEquals(failed.size(), faulty.injected());
            assertEquals(calls, faulty.calls());
        }
        return failed;
    }

    @Test
    void shouldFailExactlyThePlannedCalls() {
        assertEquals(List.of(2, 3, 4, 5, 6, 9, 10, 11, 12), failingCalls("failAt=2;4..5;9.., failEvery=3", 12));
        assertEquals(List.of(), failingCalls("failEvery=0", 12));
    }

    @Test
    void shouldReplayTheSameRandomFailuresForTheSameSeed() {
        List<Integer> first = failingCalls("probability=0.3, seed=42", 200);
        assertEquals(first, failingCalls("probability=0.3, seed=42", 200));
        assertTrue(first.size() > 30 && first.size() < 90, () -> "about 60 of 200 calls fail: " + first.size());
        assertFalse(first.equals(failingCalls("probability=0.3, seed=43", 200)));
        assertEquals(200, failingCalls("probability=1", 200).size());
    }

    @Test
    void shouldReturnNullFromTryAllocateInModeNullAndThrowInModeThrow() {
        try (Allocator allocator = Allocators.open("faulty(id=modes, failAt=1;3, mode=null) > system")) {
            FaultyProvider.take("modes");
            assertNull(allocator.tryAllocate(LAYOUT));
            allocator.deallocate(allocator.tryAllocate(LAYOUT), LAYOUT);
            assertThrows(AllocationException.class, () -> allocator.allocateZeroed(LAYOUT));
        }
        try (Allocator allocator = Allocators.open("faulty(id=modes, failAt=1, mode=throw) > system")) {
            FaultyProvider.take("modes");
            assertThrows(AllocationException.class, () -> allocator.tryAllocate(LAYOUT));
        }
    }

    @Test
    void shouldCountInjectedFailuresInStatsAndLiveBytesThroughIt() {
        Allocator allocator = Allocators.open("faulty(id=counts, failEvery=2, armed=false) > system");
        FaultyAllocator faulty = FaultyProvider.take("counts");
        allocator.allocate(LAYOUT);
        assertNotNull(allocator.tryAllocate(LAYOUT), "call 2 goes through while disarmed");
        faulty.arm(true);
        allocator.deallocate(allocator.allocate(LAYOUT), LAYOUT);
        assertNull(allocator.tryAllocate(LAYOUT), "call 4 fails once armed");
        assertEquals(1, allocator.stats().failures());
        assertEquals(3, allocator.stats().allocations());
        assertEquals(1, faulty.deallocations());
        assertEquals(128, faulty.liveBytes());
        allocator.close();
        assertTrue(faulty.closed());
        assertEquals(128, faulty.liveBytesAtClose(), "two segments were never given back");
        assertEquals(0, faulty.backingStats().bytesInUse(), "system freed them on close");
        assertThrows(IllegalStateException.class, () -> allocator.allocate(LAYOUT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"failAt=0", "failAt=5..3", "failAt=x", "failAt=1;;2", "probability=1.5",
            "probability=abc", "failEvery=-1", "seed=z", "mode=crash", "armed=maybe"})
    void shouldRejectBadOptionNamingIt(String option) {
        String name = option.substring(0, option.indexOf('='));
        SpecException e = rejects(SpecException.class, () -> Allocators.open("faulty(" + option + ") > system"),
                name + "=" + option.substring(option.indexOf('=') + 1));
        assertTrue(e.getMessage().contains("accepted:"), e::getMessage);
        FaultyProvider.poll("faulty");
    }

    @Test
    void shouldThrowWhenNoStageWasOpenedWithAnId() {
        rejects(IllegalStateException.class, () -> FaultyProvider.take("never"), "id=never");
    }

    /** A spec with its faulty stages and any {@code > system} at the end taken out. */
    private static String withoutFaults(String spec) {
        String plain = spec.replace(" > " + FaultSubject.PLACE, "").replace(FaultSubject.PLACE + " > ", "");
        return plain.endsWith(" > system") ? plain.substring(0, plain.length() - " > system".length()) : plain;
    }

    @Test
    void shouldHaveAFaultSubjectForEverySubjectOfTheContractKit() throws IllegalAccessException {
        Set<String> covered = new TreeSet<>();
        FaultSubjects.KIT.forEach(subject -> covered.add(withoutFaults(subject.template())));
        Set<String> missing = new TreeSet<>();
        for (Field field : Subjects.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Subject.class) {
                String spec = withoutFaults(((Subject) field.get(null)).spec());
                if (!covered.contains(spec)) {
                    missing.add(field.getName() + ": " + spec);
                }
            }
        }
        assertTrue(missing.isEmpty(), () -> "contract subjects without a fault subject: " + missing);
        try (Allocator top = FaultSubjects.KIT.getFirst().open("kit", "").top()) {
            assertInstanceOf(FaultyAllocator.class, top);
        }
    }
}
