package dev.allocator.micrometer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the worked example of docs/micrometer.md ({@link MicrometerExample}). */
class MicrometerExampleTest {

    @Test
    void shouldPublishTheBudgetedPoolsMetrics() {
        String text = MicrometerExample.run();
        assertTrue(text.contains("allocator.memory.used [tag(allocator=frames), tag(spec=budget > pool)] 65536.0"),
                text);
        assertTrue(text.contains("allocator.failures [tag(allocator=frames), tag(spec=budget > pool)] 1.0"), text);
        assertTrue(text.contains("allocator.budget.headroom [tag(allocator=frames), tag(budget=frames), "
                + "tag(layer=budget), tag(spec=budget > pool)] 0.0"), text);
        assertTrue(text.contains("allocator.pool.exhaustions [tag(allocator=frames), tag(block.size=2048), "
                + "tag(layer=pool), tag(spec=budget > pool)] 0.0"), text);
        assertTrue(text.contains("allocator.pool.blocks.used [tag(allocator=frames), tag(block.size=2048), "
                + "tag(layer=pool), tag(spec=budget > pool)] 32.0"), text);
    }
}
