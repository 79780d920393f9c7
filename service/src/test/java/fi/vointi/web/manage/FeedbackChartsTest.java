package fi.vointi.web.manage;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's chart geometry, on the pure class. */
class FeedbackChartsTest {
    @Test
    void trendMapsMinus100To100OntoThePlotAndBreaksAtSuppressedBuckets() {
        FeedbackCharts.Trend trend = FeedbackCharts.trend(List.of(
                new FeedbackCharts.TrendInput("2026-01", 0.0, -20.0, 20.0),
                new FeedbackCharts.TrendInput("2026-02", 100.0, 90.0, 100.0),
                new FeedbackCharts.TrendInput("2026-03", null, null, null),
                new FeedbackCharts.TrendInput("2026-04", -100.0, -100.0, -80.0)));
        // plot from y 16 (NPS 100) to 184 (NPS −100): 0 is in the middle; x from 54 to 334 in three steps of 93.3
        assertEquals(100.0, trend.zeroY());
        assertEquals(List.of(-100, -50, 0, 50, 100), trend.ticks().stream().map(FeedbackCharts.Tick::value).toList());
        assertEquals(3, trend.points().size(), "the suppressed bucket has no point");
        assertEquals(16.0, trend.points().get(1).y());
        assertEquals(184.0, trend.points().get(2).y());
        assertEquals("M54.0 100.0 L147.3 16.0 M334.0 184.0", trend.line(), "the pen lifts over the gap");
        assertEquals(2, trend.bands().size(), "one interval band per run of shown buckets");
        assertTrue(trend.bands().get(1).startsWith("M328.0 "), "a lone bucket's band is a 12-unit box: " + trend.bands().get(1));
    }

    @Test
    void divergingBarPutsDisagreeLeftAgreeRightAndNeitherAcrossTheCentre() {
        // 10 answers: 2 × 1, 0 × 2, 2 × 3, 2 × 4, 4 × 5
        List<FeedbackCharts.Segment> segments = FeedbackCharts.diverging(new long[]{2, 0, 2, 2, 4});
        assertEquals(List.of("1", "3", "4", "5"), segments.stream().map(FeedbackCharts.Segment::category).toList());
        FeedbackCharts.Segment neither = segments.get(1);
        assertEquals(45.0, neither.x());
        assertEquals(10.0, neither.width(), "20 % of 50 units, centred on 50");
        assertEquals(35.0, segments.get(0).x(), "answer 1: 10 units left of the neutral part");
        assertEquals(55.0, segments.get(2).x());
        assertEquals(65.0, segments.get(3).x());
        assertEquals(20.0, segments.get(3).width());
        assertTrue(FeedbackCharts.diverging(new long[5]).isEmpty());
    }

    @Test
    void splitAndMarkerCoverTheBox() {
        List<FeedbackCharts.Segment> split = FeedbackCharts.split(10, 0, 5);
        assertEquals(Arrays.asList("detractors", "promoters"), split.stream().map(FeedbackCharts.Segment::category).toList());
        assertEquals(33.3, split.get(0).width());
        assertEquals(100.0, split.get(1).x() + split.get(1).width(), 0.05);
        FeedbackCharts.Marker marker = FeedbackCharts.marker(33.33, -14.38, 81.05);
        assertEquals(66.7, marker.x());
        assertEquals(42.8, marker.lower());
        assertEquals(90.5, marker.upper());
    }
}
