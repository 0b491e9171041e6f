package dev.allocator.tests.trust.api;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.arena.BumpArena;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The process-wide allocators are never closed, so they record no dependents: an arena or pool built over
 * {@link Allocators#system()} is not kept in a process-wide list (one lock and a scan per registration).
 */
class ProcessWideDependentsTest {

    @Test
    void shouldRecordNoDependentsOfTheProcessWideAllocators() {
        for (Allocator processWide : new Allocator[] {Allocators.system(), Allocators.defaultAllocator()}) {
            assertFalse(processWide.addDependent(() -> { }), processWide::toString);
        }
        try (BumpArena arena = BumpArena.ofConfined(Allocators.system())) {
            assertFalse(Allocators.system().addDependent(arena));
        }
    }
}
