package dev.allocator.tests.contract;

import dev.allocator.api.Allocator;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Fails the build when a contract subject's top does not list, through {@link Allocator#measures}, the measures of
 * every stage of its spec that has some ({@code pool}, {@code budget}, {@code stats}, {@code sizeclasses}; a
 * {@code packets} stage is a pool): a stage that does not forward its backing's measures hides them from
 * monitoring.
 */
class MeasuresCoverageTest {

    /** Providers whose allocators list measures of their own, and the layer those measures name. */
    private static final Map<String, String> LAYERS = Map.of("pool", "pool", "packets", "pool", "budget", "budget",
            "stats", "stats", "sizeclasses", "sizeclasses");

    /**
     * Subjects whose top does not forward yet, with why; each must really miss its layers (so that a fix shows here and
     * the entry goes).
     */
    private static final Map<String, String> KNOWN_GAPS = Map.of();

    @Test
    void shouldListTheMeasuresOfEveryStageThroughTheTop() throws ReflectiveOperationException {
        Map<String, String> problems = new TreeMap<>();
        int checked = 0;
        for (Subject subject : ProviderCoverageTest.contractSubjects()) {
            Set<String> expected = new TreeSet<>();
            ProviderCoverageTest.providersOf(subject.spec()).forEach(provider -> {
                if (LAYERS.containsKey(provider)) {
                    expected.add(LAYERS.get(provider));
                }
            });
            Set<String> listed = new TreeSet<>();
            try (Allocator top = subject.factory().get()) {
                top.measures(measure -> listed.add(measure.layer()));
            }
            String gap = KNOWN_GAPS.get(subject.spec());
            if (gap == null && !listed.equals(expected)) {
                problems.put(subject.spec(), "lists layers " + listed + ", expected " + expected);
            } else if (gap != null && listed.containsAll(expected)) {
                problems.put(subject.spec(), "now lists " + listed + ": remove it from KNOWN_GAPS (" + gap + ")");
            }
            checked += expected.isEmpty() ? 0 : 1;
        }
        assertEquals(Map.of(), problems);
        assertFalse(checked < 8, "only " + checked + " subjects have stages with measures");
    }
}
