package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.synod.bench.SynodBenchmark.Row;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart has one bar per row, heights on a log scale, and Synod's ratios written above its bars. */
class SvgChartTest {

    @Test
    void oneBarPerRowRatiosAboveSynodAndALogScale() {
        List<Row> rows = List.of(
                new Row("write txn, 1 ref", 1, "raw ZooKeeper multi", 4000, 200, 900, 1.0, "baseline", Map.of()),
                new Row("write txn, 1 ref", 1, "Synod", 3600, 220, 950, 1.0, "0.90x", Map.of()),
                new Row("cached deref", 1, "Synod", 4_000_000, 0.2, 1, 1.0, "-", Map.of()));
        String svg = SvgChart.render(rows, "bench <test> & co");

        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>\n");
        assertThat(svg).contains("bench &lt;test&gt; &amp; co");
        List<Double> heights = heights(svg);
        assertThat(heights).hasSize(3);
        // log scale from 10^3 to 10^7: a bar's height is proportional to log10(ops) - 3
        double expected = (Math.log10(4_000_000) - 3) / (Math.log10(4000) - 3);
        assertThat(heights.get(2) / heights.get(0)).isCloseTo(expected, within(0.05));
        assertThat(heights.get(1)).isLessThan(heights.get(0));
        assertThat(count(svg, "class=\"ratio\"")).isEqualTo(1);
        assertThat(svg).contains(">0.90x</text>").contains(">4M</text>").contains(">3.6k</text>");
        assertThat(svg).contains("cached deref").contains("1 thread<");
    }

    @Test
    void shortNumbers() {
        assertThat(SvgChart.shortNumber(950)).isEqualTo("950");
        assertThat(SvgChart.shortNumber(12_345)).isEqualTo("12.3k");
        assertThat(SvgChart.shortNumber(250_000)).isEqualTo("250k");
        assertThat(SvgChart.shortNumber(1_500_000)).isEqualTo("1.5M");
        assertThat(SvgChart.shortNumber(10_000)).isEqualTo("10k");
    }

    private static List<Double> heights(String svg) {
        Matcher m = Pattern.compile("class=\"bar\"[^>]* height=\"([0-9.]+)\"").matcher(svg);
        List<Double> h = new java.util.ArrayList<>();
        while (m.find()) {
            h.add(Double.parseDouble(m.group(1)));
        }
        return h;
    }

    private static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
