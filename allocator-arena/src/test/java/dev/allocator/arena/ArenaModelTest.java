package dev.allocator.arena;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Seeded randomized model tests: 40 seeds of 400 operations each (more with {@code -Dallocator.model.count=<n>}). A
 * failure names its seed; replay one with {@code -Dallocator.model.seed=<seed>}.
 */
class ArenaModelTest {

    static LongStream seeds() {
        String replay = System.getProperty("allocator.model.seed");
        if (replay != null) {
            return LongStream.of(Long.parseLong(replay));
        }
        long count = Long.getLong("allocator.model.count", 40);
        return new SplittableRandom(0x5EED_A7E4AL).longs(count);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void shouldMatchTheModelForSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try {
            new ArenaModel(random::nextInt).run(400);
        } catch (AssertionError e) {
            throw new AssertionError("seed=" + seed + " (replay with -Dallocator.model.seed=" + seed + ")", e);
        }
    }
}
