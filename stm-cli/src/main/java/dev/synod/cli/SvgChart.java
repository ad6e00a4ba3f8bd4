package dev.synod.cli;

import dev.synod.bench.SynodBenchmark.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Draws benchmark rows as an SVG bar chart: one group of bars per scenario and thread count, one
 * bar per system (ops/s on a logarithmic axis: a cached read is thousands of times faster than a
 * write), Synod's ratio to the baseline written above its bar.
 */
final class SvgChart {
    private static final String[] COLORS = {"#9aa5b1", "#2f6fdf", "#e0892b", "#5aa469", "#a05195", "#d45087"};
    private static final int BAR = 34;
    private static final int BAR_GAP = 6;
    private static final int GROUP_GAP = 34;
    private static final int LEFT = 70;
    private static final int TOP = 90;
    private static final int PLOT_HEIGHT = 320;
    private static final int BOTTOM = 70;

    private SvgChart() {}

    static String render(List<Row> rows, String title) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        Set<String> systems = new LinkedHashSet<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.scenario() + "|" + r.threads(), k -> new ArrayList<>())
                    .add(r);
            systems.add(r.system());
        }
        List<String> systemList = new ArrayList<>(systems);
        double max = rows.stream().mapToDouble(Row::opsPerSecond).max().orElse(10);
        double min = rows.stream()
                .mapToDouble(Row::opsPerSecond)
                .filter(v -> v > 0)
                .min()
                .orElse(1);
        int lo = (int) Math.floor(Math.log10(Math.max(min, 1)));
        int hi = Math.max(lo + 1, (int) Math.ceil(Math.log10(Math.max(max, 10))));
        int plotWidth = 0;
        for (List<Row> g : groups.values()) {
            plotWidth += g.size() * (BAR + BAR_GAP) + GROUP_GAP;
        }
        int width = LEFT + plotWidth + 20;
        int height = TOP + PLOT_HEIGHT + BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"11\">%n",
                width,
                height,
                width,
                height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT,
                escape(title)));
        // legend
        int x = LEFT;
        for (int i = 0; i < systemList.size(); i++) {
            String name = systemList.get(i);
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"36\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"46\">%s</text>%n",
                    x,
                    color(i),
                    x + 16,
                    escape(name)));
            x += 24 + name.length() * 6;
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"68\" fill=\"#555\">ops/s, log scale; labels above Synod's bars: Synod /"
                        + " baseline</text>%n",
                LEFT));
        // axis and grid
        for (int p = lo; p <= hi; p++) {
            double y = y(Math.pow(10, p), lo, hi);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n",
                    LEFT,
                    y,
                    LEFT + plotWidth,
                    y,
                    LEFT - 6,
                    y + 4,
                    shortNumber(Math.pow(10, p))));
        }
        // bars
        x = LEFT + GROUP_GAP / 2;
        for (List<Row> g : groups.values()) {
            int groupX = x;
            for (Row r : g) {
                double top = y(Math.max(r.opsPerSecond(), Math.pow(10, lo)), lo, hi);
                double base = TOP + PLOT_HEIGHT;
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
                                + "<title>%s, %s: %.0f ops/s</title></rect>%n",
                        x,
                        top,
                        BAR,
                        base - top,
                        color(systemList.indexOf(r.system())),
                        escape(r.scenario()),
                        escape(r.system()),
                        r.opsPerSecond()));
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x + BAR / 2.0,
                        top - 4,
                        shortNumber(r.opsPerSecond())));
                if (r.ratio().endsWith("x")) {
                    svg.append(String.format(
                            Locale.ROOT,
                            "<text class=\"ratio\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\">"
                                    + "%s</text>%n",
                            x + BAR / 2.0,
                            top - 16,
                            escape(r.ratio())));
                }
                x += BAR + BAR_GAP;
            }
            double mid = (groupX + x - BAR_GAP) / 2.0;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d thread%s</text>%n",
                    mid,
                    TOP + PLOT_HEIGHT + 18,
                    escape(g.get(0).scenario()),
                    mid,
                    TOP + PLOT_HEIGHT + 32,
                    g.get(0).threads(),
                    g.get(0).threads() == 1 ? "" : "s"));
            x += GROUP_GAP;
        }
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT,
                TOP + PLOT_HEIGHT,
                LEFT + plotWidth,
                TOP + PLOT_HEIGHT));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double y(double value, int lo, int hi) {
        double f = (Math.log10(value) - lo) / (hi - lo);
        return TOP + PLOT_HEIGHT * (1 - f);
    }

    private static String color(int i) {
        return COLORS[i % COLORS.length];
    }

    static String shortNumber(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String trim(double v) {
        String s = v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
