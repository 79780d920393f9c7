package fi.vointi.results;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreChartTest {
    static BigDecimal d(String v) {
        return new BigDecimal(v);
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0, d("10").compareTo(ScoreChart.niceStep(d("40"))));
        assertEquals(0, d("5").compareTo(ScoreChart.niceStep(d("16"))));
        assertEquals(0, d("2").compareTo(ScoreChart.niceStep(d("12"))));
        assertEquals(0, d("0.5").compareTo(ScoreChart.niceStep(d("2"))));
    }

    @Test
    void valuesMapOntoThePlotWithTheScaleOfTheRuleAndItsBands() {
        List<ScoreChart.BandInput> bands = List.of(new ScoreChart.BandInput("none", "None", d("0"), d("10")),
                new ScoreChart.BandInput("mild", "Mild", d("10.01"), d("20")),
                new ScoreChart.BandInput("moderate", "Moderate", d("20.01"), d("30")),
                new ScoreChart.BandInput("severe", "Severe", d("30.01"), d("40")));
        ScoreChart.Geometry g = ScoreChart.of(List.of(new ScoreChart.Input("1.1.", d("21.43")),
                new ScoreChart.Input("1.2.", null), new ScoreChart.Input("1.3.", d("40"))), d("0"), d("40"), bands);
        assertEquals(0, d("0").compareTo(g.min()));
        assertEquals(0, d("40").compareTo(g.max()));
        assertEquals(5, g.ticks().size(), "0, 10, 20, 30, 40");
        double bottom = ScoreChart.HEIGHT - ScoreChart.BOTTOM;
        double top = ScoreChart.TOP;
        assertEquals(bottom, g.ticks().get(0).y());
        assertEquals(top, g.ticks().get(4).y());
        // 21.43 of 40: a little over half way up
        assertEquals(Math.round((bottom - 21.43 / 40 * (bottom - top)) * 10) / 10.0, g.points().get(0).y());
        assertEquals(top, g.points().get(2).y());
        assertTrue(Double.isNaN(g.points().get(1).y()), "an unscored answer is a gap, not a zero");
        assertTrue(g.path().startsWith("M") && g.path().contains(" M"), "the line breaks at the gap: " + g.path());
        assertTrue(g.points().get(2).latest());
        // points left to right, evenly
        assertTrue(g.points().get(0).x() < g.points().get(1).x() && g.points().get(1).x() < g.points().get(2).x());
        assertEquals(g.points().get(1).x() - g.points().get(0).x(), g.points().get(2).x() - g.points().get(1).x(), 0.11);
        // four stripes stacked without overlap, alternating shade
        assertEquals(4, g.stripes().size());
        assertEquals(bottom, g.stripes().get(0).top() + g.stripes().get(0).height(), 0.11);
        assertTrue(g.stripes().get(1).shaded() && !g.stripes().get(0).shaded());
        assertEquals(3, g.xLabels().size());
    }

    @Test
    void oneAnswerAndUnknownScaleStillDrawAnAxis() {
        ScoreChart.Geometry g = ScoreChart.of(List.of(new ScoreChart.Input("x", d("52.3"))), null, null, List.of());
        assertTrue(g.min().compareTo(d("52.3")) < 0 && g.max().compareTo(d("52.3")) > 0);
        assertEquals((ScoreChart.LEFT + ScoreChart.WIDTH - ScoreChart.RIGHT) / 2.0, g.points().get(0).x(), 0.11);
        assertEquals(1, g.xLabels().size());
        ScoreChart.Geometry many = ScoreChart.of(java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> new ScoreChart.Input("d" + i, d(Integer.toString(i)))).toList(), d("0"), d("40"), List.of());
        assertTrue(many.xLabels().size() <= 6, "labels thinned on a phone-width chart: " + many.xLabels());
        assertEquals("d11", many.xLabels().get(many.xLabels().size() - 1).text(), "the latest is always labelled");
    }
}
