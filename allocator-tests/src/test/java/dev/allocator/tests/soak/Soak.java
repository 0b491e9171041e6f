package dev.allocator.tests.soak;

import dev.allocator.tests.fault.FaultSubject;
import dev.allocator.tests.fault.FaultSubjects;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The soak: for a set time, one spec after another of {@link FaultSubjects} (every spec of the contract kit and the
 * compositions, each over {@code faulty} stages), opened, worked by every core's platform thread and by virtual
 * threads with random allocate, fill with the block's tag, verify and free, trimmed, reset by its owner (arenas),
 * and closed while the threads still use it (or, one episode in three, after they freed everything). Prints the
 * operations, threads, faults injected, bytes lost and errors; exits 0 only when there was no error and no byte was
 * lost. Run it in a child JVM ({@code SoakTest}): a crash must not take the test JVM with it.
 *
 * <p>System properties: {@code allocator.soak.duration} ({@code 90s}, {@code 5m} or ISO-8601; default 20s),
 * {@code allocator.soak.seed} (default: from the clock, printed), {@code allocator.soak.probability} (each faulty
 * call fails with it; default 0.02), {@code allocator.soak.virtualThreads} (default 8),
 * {@code allocator.soak.maxEpisodeMillis} (how long one spec is worked at most before its close; default 1500),
 * {@code allocator.soak.exclude} (a regular expression: specs it finds are skipped).
 */
public final class Soak {

    private Soak() {
    }

    /** Parses {@code 90s}, {@code 5m}, {@code 1h}, a number of seconds, or ISO-8601 ({@code PT5M}). */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(t);
        }
        long unit = t.endsWith("h") ? 3600 : t.endsWith("m") ? 60 : 1;
        String number = Character.isLetter(t.charAt(t.length() - 1)) ? t.substring(0, t.length() - 1) : t;
        return Duration.ofSeconds(Long.parseLong(number) * unit);
    }

    public static void main(String[] args) {
        Duration duration = parseDuration(System.getProperty("allocator.soak.duration", "20s"));
        long seed = Long.decode(System.getProperty("allocator.soak.seed",
                String.valueOf(System.nanoTime() & 0xFFFF_FFFFL)));
        double probability = Double.parseDouble(System.getProperty("allocator.soak.probability", "0.02"));
        int virtual = Integer.getInteger("allocator.soak.virtualThreads", 8);
        int maxEpisode = Integer.getInteger("allocator.soak.maxEpisodeMillis", 1500);
        int platform = Runtime.getRuntime().availableProcessors();
        Pattern exclude = Pattern.compile(System.getProperty("allocator.soak.exclude", "^$"));
        List<FaultSubject> subjects = FaultSubjects.all().stream()
                .filter(subject -> !exclude.matcher(subject.template()).find()).toList();

        SoakTally tally = new SoakTally();
        Random random = new Random(seed);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        System.out.printf("soak: %s over %d specs, seed %d, fault probability %s, %d platform + %d virtual threads"
                + " per episode%n", duration, subjects.size(), seed, probability, platform, virtual);
        for (int n = 0; System.nanoTime() < end; n++) {
            long millis = Math.max(50, Math.min((end - System.nanoTime()) / 1_000_000,
                    maxEpisode / 5 + random.nextInt(Math.max(1, maxEpisode * 4 / 5))));
            SoakEpisode episode = new SoakEpisode(subjects.get(n % subjects.size()), seed + n, tally,
                    random.nextInt(3) == 0);
            episode.run(millis, platform, virtual, probability);
            if (episode.hung()) {
                System.out.println(tally.report("soak: HUNG in episode " + n));
                System.out.flush();
                Runtime.getRuntime().halt(3);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        boolean ok = tally.errors() == 0 && tally.get(SoakTally.Count.BYTES_LOST) == 0
                && tally.get(SoakTally.Count.BYTES_MISCOUNTED) == 0;
        System.out.println(tally.report("soak " + (ok ? "PASSED" : "FAILED") + " after " + took.toSeconds()
                + " s (seed " + seed + ", " + Runtime.getRuntime().availableProcessors() + " cores)"));
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }
}
