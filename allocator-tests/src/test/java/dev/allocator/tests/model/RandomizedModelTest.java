package dev.allocator.tests.model;

import dev.allocator.api.Allocator;
import dev.allocator.tests.contract.Subject;
import dev.allocator.tests.contract.Subjects;
import dev.allocator.tests.support.ThreadedWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random sequences of allocate and deallocate (random sizes and alignments) over every thread-safe subject, checked
 * against {@link LiveModel}. Each run is seeded: a failure names its seed, and
 * {@code -Dallocator.model.seed=<seed>} replays exactly that seed (on every subject). Without the property, the
 * fixed seeds run plus one fresh seed per JVM.
 */
class RandomizedModelTest {

    /** The system property that replays one seed. */
    static final String SEED_PROPERTY = "allocator.model.seed";

    private static final int STEPS = 3_000;
    private static final long FRESH_SEED = System.nanoTime();

    static List<Subject> threadSafeSubjects() {
        return List.of(Subjects.SYSTEM, Subjects.OPEN_SYSTEM, Subjects.POOL, Subjects.ALIGNED_POOL,
                Subjects.POOL_OVER_ARENA, Subjects.SHARED_ARENA, Subjects.BUDGET, Subjects.CHECKED,
                Subjects.SIZE_CLASSES, Subjects.STATS, Subjects.CHECKED_POOL);
    }

    static List<Long> seeds() {
        String replay = System.getProperty(SEED_PROPERTY);
        if (replay != null && !replay.isBlank()) {
            return List.of(Long.decode(replay.strip()));
        }
        return List.of(1L, 2L, 0xC0FFEEL, FRESH_SEED);
    }

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (Subject subject : threadSafeSubjects()) {
            for (long seed : seeds()) {
                runs.add(Arguments.of(subject, seed));
            }
        }
        return runs.stream();
    }

    private static AssertionError withSeed(Subject subject, long seed, String trace, Throwable failure) {
        return new AssertionError("model run failed on " + subject + " with seed " + seed + " (replay: -D"
                + SEED_PROPERTY + "=" + seed + "): " + failure + "\nlast operations: " + trace, failure);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("runs")
    void shouldMatchTheModelOverARandomSequence(Subject subject, long seed) {
        try (Allocator allocator = subject.factory().get()) {
            LiveModel model = new LiveModel(allocator, subject, true);
            try {
                model.run(Choices.seeded(seed), STEPS);
            } catch (AssertionError | RuntimeException e) {
                throw withSeed(subject, seed, model.trace(), e);
            }
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("runs")
    void shouldMatchAModelPerThreadWhenTwoThreadsShareIt(Subject subject, long seed) throws Exception {
        try (Allocator allocator = subject.factory().get()) {
            long inUse = allocator.stats().bytesInUse();
            Subject halfCapacity = subject.exactCapacity() > 0 ? subject.bounded(0) : subject;
            List<Callable<Void>> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long threadSeed = seed * 31 + t;
                threads.add(() -> {
                    LiveModel model = new LiveModel(allocator, halfCapacity, false);
                    try {
                        model.run(Choices.seeded(threadSeed), STEPS / 2);
                    } catch (AssertionError | RuntimeException e) {
                        throw withSeed(subject, seed, "thread seed " + threadSeed + ": " + model.trace(), e);
                    }
                    return null;
                });
            }
            ThreadedWorkload.runAll(threads);
            if (subject.reuse() == Subject.Reuse.ANY) {
                assertEquals(inUse, allocator.stats().bytesInUse(), () -> "seed " + seed + ": bytes in use after");
            }
        }
    }
}
