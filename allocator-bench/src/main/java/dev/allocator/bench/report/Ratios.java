package dev.allocator.bench.report;

import java.util.Locale;

/** Formatting of scores and of the ratios between them. */
final class Ratios {

    private Ratios() {
    }

    /**
     * How many times better {@code ours} is than {@code peer}: above 1 when ours is better. For time per operation
     * that is peer ÷ ours; for throughput, ours ÷ peer.
     *
     * @param ours          our score
     * @param peer          the peer's score
     * @param lowerIsBetter whether the scores are times (lower is better)
     * @return the factor
     */
    static double advantage(double ours, double peer, boolean lowerIsBetter) {
        return lowerIsBetter ? peer / ours : ours / peer;
    }

    /**
     * {@code 2.9× faster}, {@code 1.4× slower} or {@code same}, from an {@link #advantage}.
     *
     * @param advantage the factor
     * @return the words
     */
    static String words(double advantage) {
        if (!Double.isFinite(advantage) || advantage <= 0) {
            return "n/a";
        }
        if (Math.abs(advantage - 1) < 0.005) {
            return "same";
        }
        return advantage > 1 ? factor(advantage) + " faster" : factor(1 / advantage) + " slower";
    }

    /**
     * {@code 2.9×}: two significant decimals below 10, one up to 100, none above.
     *
     * @param value the factor
     * @return the text
     */
    static String factor(double value) {
        return number(value) + "×";
    }

    /**
     * A score with about three significant digits: {@code 3.52}, {@code 45.1}, {@code 1234}.
     *
     * @param value the number
     * @return the text; {@code —} for NaN, {@code < 0.01} for tiny positive values (JMH's "≈ 0" heap figures)
     */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        double abs = Math.abs(value);
        if (abs < 0.01 && abs > 0) {
            return value > 0 ? "< 0.01" : "> -0.01";
        }
        String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
