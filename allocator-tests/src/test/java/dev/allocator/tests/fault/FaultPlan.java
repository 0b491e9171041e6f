package dev.allocator.tests.fault;

import dev.allocator.api.Options;

import java.util.ArrayList;
import java.util.List;

/**
 * Which allocation calls of a {@link FaultyAllocator} fail: every {@code N}th call, the calls listed, and each call
 * with a probability drawn from a seed. Calls are numbered from 1 in the order the allocator sees them; the decision
 * for a call depends only on its number, so a single-threaded run replays exactly. Immutable and thread-safe.
 *
 * @param every       {@code N > 0}: calls {@code N, 2N, 3N...} fail; {@code 0}: none by this rule
 * @param at          ranges of call numbers that fail (inclusive; an open range ends at {@code Long.MAX_VALUE})
 * @param probability each call fails with this probability, {@code 0} to {@code 1}
 * @param seed        the seed of those random decisions
 */
public record FaultPlan(long every, List<Range> at, double probability, long seed) {

    /** A range of call numbers, both ends inclusive. */
    public record Range(long from, long to) {
        boolean contains(long call) {
            return call >= from && call <= to;
        }
    }

    /** No faults. */
    public static final FaultPlan NONE = new FaultPlan(0, List.of(), 0, 0);

    public FaultPlan {
        at = List.copyOf(at);
    }

    /**
     * Whether call number {@code call} (from 1) fails.
     *
     * @param call the call's number
     * @return {@code true} when it must fail
     */
    public boolean fails(long call) {
        if (every > 0 && call % every == 0) {
            return true;
        }
        for (Range range : at) {
            if (range.contains(call)) {
                return true;
            }
        }
        return probability > 0 && uniform(seed, call) < probability;
    }

    /** A number in {@code [0, 1)} that depends only on {@code seed} and {@code call} (SplitMix64's finalizer). */
    private static double uniform(long seed, long call) {
        long z = seed * 0x9E3779B97F4A7C15L + call * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    /**
     * Reads a plan from the options {@code failEvery}, {@code failAt}, {@code probability} and {@code seed}.
     *
     * @throws IllegalArgumentException naming the option and its value when one is malformed
     */
    static FaultPlan of(Options options) {
        int every = options.intValue("failEvery");
        if (every < 0) {
            throw options.bad("failEvery", ">= 0", options.string("failEvery"));
        }
        String probabilityText = options.string("probability");
        double probability;
        try {
            probability = Double.parseDouble(probabilityText);
        } catch (NumberFormatException e) {
            throw options.bad("probability", "a number from 0 to 1", probabilityText);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw options.bad("probability", "a number from 0 to 1", probabilityText);
        }
        String seedText = options.string("seed");
        long seed;
        try {
            seed = Long.decode(seedText);
        } catch (NumberFormatException e) {
            throw options.bad("seed", "a whole number", seedText);
        }
        return new FaultPlan(every, ranges(options), probability, seed);
    }

    /** {@code failAt}: {@code none}, or items {@code N}, {@code N..M} or {@code N..} joined by {@code ;}. */
    private static List<Range> ranges(Options options) {
        String text = options.string("failAt");
        List<Range> ranges = new ArrayList<>();
        if (text.equals("none")) {
            return ranges;
        }
        String requirement = "none or call numbers from 1 such as 3, 5..9 or 20.. joined by ';'";
        for (String item : text.split(";", -1)) {
            int dots = item.indexOf("..");
            try {
                long from = Long.parseLong(dots < 0 ? item : item.substring(0, dots));
                long to = dots < 0 ? from : dots + 2 == item.length() ? Long.MAX_VALUE
                        : Long.parseLong(item.substring(dots + 2));
                if (from < 1 || to < from) {
                    throw options.bad("failAt", requirement, text);
                }
                ranges.add(new Range(from, to));
            } catch (NumberFormatException e) {
                throw options.bad("failAt", requirement, text);
            }
        }
        return ranges;
    }
}
