package dev.allocator.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Draws one workload (one group of results) as one SVG: for every configuration a panel of horizontal bars, one
 * per benchmark, on a logarithmic axis (the scores span from nanoseconds to microseconds). Our allocators are blue,
 * peers grey.
 *
 * <p>Hand-written SVG rather than a charting library: it needs no AWT and no dependency, and the file is text, so
 * a change in results shows up in a diff.
 */
final class SvgChart {

    /*
     * Layout, in SVG user units: a label column as wide as the longest label, the bar area, then room for the
     * value. Each panel has its own
     * logarithmic axis from the power of ten at or below its smallest score to the one at or above its largest,
     * with a grid line at every power of ten.
     */

    static final String OURS = "#1f6fb4";
    static final String PEER = "#a0a0a0";
    private static final int MIN_LABEL = 120;
    private static final double CHAR_WIDTH = 7.6;
    private static final int VALUE = 70;
    private static final int BARS = 620;
    private static final int ROW = 18;
    private static final int TITLE = 34;
    private static final int AXIS = 22;

    private SvgChart() {
    }

    /**
     * Renders the chart of one group.
     *
     * @param results the group's results
     * @param ours    which benchmark names are our allocators
     * @param title    the chart's title
     * @param subtitle a line under it (the machine)
     * @return the SVG document
     */
    static String render(List<Result> results, Predicate<String> ours, String title, String subtitle) {
        StringBuilder body = new StringBuilder();
        int label = Math.max(MIN_LABEL, (int) Math.ceil(CHAR_WIDTH * results.stream()
                .mapToInt(r -> r.label().length()).max().orElse(0)) + 12);
        int width = label + BARS + VALUE;
        int y = 80;
        for (Map.Entry<String, List<Result>> config : MarkdownReport.byConfig(results).entrySet()) {
            y = panel(body, y, label, results.getFirst().group() + ": " + config.getKey(), config.getValue(), ours);
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(y + 10).append("\" viewBox=\"0 0 ").append(width).append(' ').append(y + 10)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(10, 22, escape(title), "font-size=\"16\" font-weight=\"bold\""));
        svg.append(text(10, 40, escape(subtitle), "fill=\"#555555\""));
        svg.append(rect(10, 50, 12, 12, OURS)).append(text(27, 60, "ours", ""));
        svg.append(rect(70, 50, 12, 12, PEER))
                .append(text(87, 60, "peers and references (logarithmic axes: for time per operation, shorter is "
                        + "faster)", ""));
        svg.append(body).append("</svg>\n");
        return svg.toString();
    }

    private static int panel(StringBuilder out, int top, int label, String title, List<Result> results,
                             Predicate<String> ours) {
        double min = results.stream().mapToDouble(Result::score).filter(s -> s > 0).min().orElse(1);
        double max = results.stream().mapToDouble(Result::score).filter(s -> s > 0).max().orElse(10);
        int low = (int) Math.floor(Math.log10(min));
        int high = Math.max(low + 1, (int) Math.ceil(Math.log10(max)));
        String unit = results.getFirst().unit();
        out.append(text(10, top + 16, escape(title) + " (" + escape(unit) + ")", "font-weight=\"bold\""));
        int barsTop = top + TITLE - 10;
        int barsBottom = barsTop + results.size() * ROW;
        for (int p = low; p <= high; p++) {
            double x = label + BARS * (p - low) / (double) (high - low);
            out.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>%n", x, barsTop, x,
                    barsBottom));
            out.append(text(x - 10, barsBottom + 14, tick(p), "fill=\"#666666\""));
        }
        int y = barsTop;
        for (Result r : results) {
            double value = r.score() > 0 ? r.score() : Math.pow(10, low);
            double width = BARS * (Math.log10(value) - low) / (high - low);
            boolean mine = r.isOurs(ours);
            out.append(text(label - 6, y + 13, escape(r.label()), "text-anchor=\"end\""
                    + (mine ? " font-weight=\"bold\"" : "")));
            out.append(rect(label, y + 3, Math.max(1, width), ROW - 5, mine ? OURS : PEER));
            out.append(text(label + width + 4, y + 13, Ratios.number(r.score()), ""));
            y += ROW;
        }
        return barsBottom + AXIS + 8;
    }

    private static String tick(int power) {
        return power >= 0 && power <= 6 ? String.valueOf((long) Math.pow(10, power)) : "1e" + power;
    }

    private static String rect(double x, double y, double w, double h, String fill) {
        return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x, y, w, h, fill);
    }

    private static String text(double x, double y, String content, String attributes) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n", x, y,
                attributes.isEmpty() ? "" : " " + attributes, content);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
