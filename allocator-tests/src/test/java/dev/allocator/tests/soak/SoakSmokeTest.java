package dev.allocator.tests.soak;

import org.junit.jupiter.api.Test;

/**
 * A few seconds of the soak ({@link Soak}) in a child JVM, in every build, so that the soak's code keeps working; the
 * real run is {@link SoakTest}, under {@code -Pstress}.
 */
class SoakSmokeTest {

    @Test
    void shouldRunEachSpecBrieflyWithoutCrashOrLoss() {
        SoakTest.soak("6s", "", "-Dallocator.soak.maxEpisodeMillis=400");
    }
}
