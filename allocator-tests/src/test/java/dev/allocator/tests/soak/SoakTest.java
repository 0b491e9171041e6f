package dev.allocator.tests.soak;

import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak ({@link Soak}) for {@code allocator.soak.duration} (default 5 minutes) in a child JVM that must not die:
 * only under {@code -Pstress} (JUnit tag {@code stress}, excluded from the default build). See docs/soak.md.
 */
@Tag("stress")
class SoakTest {

    /** The soak's system properties that are passed on to the child JVM when set. */
    private static final List<String> PASSED_ON = List.of("allocator.soak.seed", "allocator.soak.probability",
            "allocator.soak.virtualThreads", "allocator.soak.exclude", "allocator.soak.maxEpisodeMillis");

    /**
     * Runs the soak for {@code duration} in a child JVM and checks that it ended normally with exit code 0.
     *
     * @param exclude the specs to leave out (a regular expression), unless {@code allocator.soak.exclude} is set
     */
    static ChildJvm.Ended soak(String duration, String exclude, String... extraFlags) {
        List<String> flags = new ArrayList<>(List.of(extraFlags));
        flags.add("-Dallocator.soak.duration=" + duration);
        if (System.getProperty("allocator.soak.exclude") == null && !exclude.isEmpty()) {
            flags.add("-Dallocator.soak.exclude=" + exclude);
        }
        for (String property : PASSED_ON) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                flags.add("-D" + property + "=" + value);
            }
        }
        Duration timeout = Soak.parseDuration(duration).plusMinutes(5);
        ChildJvm.Ended ended = ChildJvm.run(Soak.class, flags, timeout);
        System.out.println(ended.output());
        assertFalse(ended.crashed(), ended::toString);
        assertEquals(0, ended.exitCode(), ended::toString);
        assertTrue(ended.output().contains("soak PASSED") && ended.output().contains("bytes lost: 0\n"),
                ended::toString);
        return ended;
    }

    @Test
    void shouldRunEverySpecUnderFaultsAndRacingClosesWithoutCrashOrLoss() {
        soak(System.getProperty("allocator.soak.duration", "5m"), "");
    }
}
