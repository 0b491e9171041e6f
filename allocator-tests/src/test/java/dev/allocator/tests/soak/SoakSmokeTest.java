package dev.allocator.tests.soak;

import org.junit.jupiter.api.Test;

/**
 * A few seconds of the soak ({@link Soak}) in a child JVM, in every build, so that the soak's code keeps working; the
 * real run is {@link SoakTest}, under {@code -Pstress}.
 */
class SoakSmokeTest {

    /**
     * Specs left out of the smoke run until their known bugs (issue 12) are fixed, so that the build does not fail
     * at random: a racing close of {@code checked(onLeak=free)} gives leaked blocks back to the stage beneath before
     * their segments become inaccessible (a thread still reading one sees the free-list link: wrong data), and a
     * racing close of {@code budget} leaves bytesInUse negative. Empty this when they are fixed.
     */
    private static final String KNOWN_BUGS = "checked|budget";

    @Test
    void shouldRunEachSpecBrieflyWithoutCrashOrLoss() {
        SoakTest.soak("6s", KNOWN_BUGS, "-Dallocator.soak.maxEpisodeMillis=400");
    }
}
