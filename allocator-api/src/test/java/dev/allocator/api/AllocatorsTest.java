package dev.allocator.api;

import dev.allocator.api.fake.BrokenProvider;
import dev.allocator.api.fake.RecordingAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static dev.allocator.api.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Allocators} over the fake providers this module's tests register in META-INF/services. */
@ResourceLock("RecordingAllocator.CLOSED")
class AllocatorsTest {

    @BeforeEach
    void clearLog() {
        RecordingAllocator.CLOSED.clear();
    }

    @Test
    void shouldFindRegisteredProvidersSortedByName() {
        List<String> names = Allocators.providers().stream().map(AllocatorProvider::name).toList();
        assertEquals(List.of("stage", "system"), names);
        assertTrue(Allocators.provider("stage").isPresent());
        assertTrue(Allocators.provider("nope").isEmpty());
    }

    @Test
    void shouldReportBrokenProviderByClassName() {
        assertTrue(Allocators.providerProblems().stream().anyMatch(p -> p.contains(BrokenProvider.class.getName())),
                Allocators.providerProblems()::toString);
    }

    @Test
    void shouldReturnTopStageItselfAndCloseEveryStageTopFirst() {
        Allocator top = Allocators.open("stage(label=top) > stage(label=middle)");
        RecordingAllocator recording = assertInstanceOf(RecordingAllocator.class, top);
        assertEquals("top", recording.label());
        RecordingAllocator middle = assertInstanceOf(RecordingAllocator.class, recording.backing());
        RecordingAllocator system = assertInstanceOf(RecordingAllocator.class, middle.backing());
        assertEquals("system", system.label());
        top.close();
        assertEquals(List.of("top", "middle", "system"), RecordingAllocator.CLOSED);
        assertTrue(system.isClosed());
    }

    @Test
    void shouldOpenSystemAloneWithoutAddingAnother() {
        try (Allocator system = Allocators.open("system")) {
            RecordingAllocator recording = assertInstanceOf(RecordingAllocator.class, system);
            assertEquals(null, recording.backing());
        }
        assertEquals(List.of("system"), RecordingAllocator.CLOSED);
    }

    @Test
    void shouldRejectUnknownProviderListingKnownOnes() {
        SpecException e = rejects(SpecException.class, () -> Allocators.open("stage(label=a) > pol"),
                "unknown allocator 'pol'", "known: stage, system");
        assertEquals(18, e.column());
        assertTrue(RecordingAllocator.CLOSED.isEmpty(), "nothing may be created before the spec is checked");
    }

    @Test
    void shouldRejectUnknownOptionAtItsColumnListingAccepted() {
        String spec = "stage(label=a, colour=red)";
        SpecException e = rejects(SpecException.class, () -> Allocators.open(spec),
                "stage has no option 'colour'", "accepted: label (required), size (default 0), fail (default false)");
        assertEquals(spec.indexOf("colour") + 1, e.column());
    }

    @Test
    void shouldRejectMissingRequiredOption() {
        SpecException e = rejects(SpecException.class, () -> Allocators.open("stage"),
                "stage needs option label", "accepted: label (required)");
        assertEquals(1, e.column());
    }

    @Test
    void shouldRejectBadValueNamingItAndCloseWhatWasBuilt() {
        String spec = "stage(label=a) > stage(label=b, size=4kb)";
        SpecException e = rejects(SpecException.class, () -> Allocators.open(spec), "size=4kb");
        assertEquals(spec.indexOf("stage(label=b") + 1, e.column());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(List.of("system"), RecordingAllocator.CLOSED);
    }

    @Test
    void shouldPassOnProviderFailureAndCloseWhatWasBuilt() {
        rejects(IllegalStateException.class, () -> Allocators.open("stage(label=a, fail=true) > stage(label=b)"),
                "stage refused to start");
        assertEquals(List.of("b", "system"), RecordingAllocator.CLOSED);
    }

    @Test
    void shouldRejectStageAfterProviderWithoutBacking() {
        String spec = "system > stage(label=a)";
        SpecException e = rejects(SpecException.class, () -> Allocators.open(spec),
                "system takes no backing allocator");
        assertEquals(spec.indexOf("stage") + 1, e.column());
    }

    @Test
    void shouldRejectSyntaxErrorsAsSpecException() {
        SpecException e = rejects(SpecException.class, () -> Allocators.open("stage(label=)"),
                "expected a value for option 'label'");
        assertEquals(13, e.column());
    }

    @Test
    void shouldKeepProcessWideSystemAllocatorOpenAfterClose() {
        Allocator system = Allocators.system();
        assertSame(system, Allocators.system());
        system.close();
        MemorySegment segment = system.allocate(Layout.of(16));
        assertTrue(system.owns(segment));
        system.deallocate(segment, Layout.of(16));
        assertFalse(RecordingAllocator.CLOSED.contains("system"));
    }

    @Test
    void shouldUseSystemAllocatorAsDefaultWithoutProperty() {
        if (System.getProperty(Allocators.SPEC_PROPERTY) == null) {
            assertSame(Allocators.system(), Allocators.defaultAllocator());
        } else {
            assertTrue(Allocators.defaultAllocator() != null);
        }
    }
}
