package dev.allocator.tests.model;

import java.util.Random;

/** Where a model run takes its decisions from: a seeded {@link Random}, or a fuzzer's input. */
public interface Choices {

    /** A value in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);

    /** A value in {@code [0, bound)}; {@code bound > 0}. */
    long nextLong(long bound);

    /** Whether there is input left (a random source never runs out). */
    boolean hasMore();

    /** Choices from a seeded {@link Random}. */
    static Choices seeded(long seed) {
        Random random = new Random(seed);
        return new Choices() {
            @Override
            public int nextInt(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public long nextLong(long bound) {
                return random.nextLong(bound);
            }

            @Override
            public boolean hasMore() {
                return true;
            }
        };
    }
}
