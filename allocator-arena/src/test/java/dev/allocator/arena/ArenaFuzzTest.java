package dev.allocator.arena;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer drives {@link ArenaModel}: each byte of input picks the next operation or argument. In CI (regression mode)
 * this replays the inputs under {@code src/test/resources/dev/allocator/arena/ArenaFuzzTestInputs/fuzz/}; fuzz for
 * real with {@code JAZZER_FUZZ=1 ./mvnw -pl allocator-arena -am test -Dtest=ArenaFuzzTest}.
 */
class ArenaFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void fuzz(FuzzedDataProvider data) {
        new ArenaModel(bound -> data.remainingBytes() == 0 ? 0 : data.consumeInt(0, bound - 1))
                .run(Math.min(200, data.remainingBytes()));
    }
}
