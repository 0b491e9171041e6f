package dev.allocator.arrow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the worked example of docs/arrow.md ({@link ArrowVectors}). */
class ArrowVectorsTest {

    @Test
    void shouldBuildAndSumABatchOverAPool() {
        assertEquals(4999L * 5000 / 2, ArrowVectors.run(5000));
    }
}
