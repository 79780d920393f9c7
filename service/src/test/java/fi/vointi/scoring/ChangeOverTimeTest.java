package fi.vointi.scoring;

import fi.vointi.scoring.ChangeOverTime.Change;
import fi.vointi.scoring.ChangeOverTime.Measurement;
import fi.vointi.scoring.ChangeOverTime.Method;
import fi.vointi.scoring.ChangeOverTime.Point;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Change from baseline and previous, judged by the reliable change index or a MID; values worked by hand. */
class ChangeOverTimeTest {

    static Measurement m(String day, String value, String se) {
        return new Measurement(Instant.parse(day + "T08:00:00Z"), day, value == null ? null : new BigDecimal(value),
                se == null ? null : new BigDecimal(se));
    }

    static void assertChange(Change change, String difference, String index, Boolean reliable, Method method) {
        assertEquals(0, new BigDecimal(difference).compareTo(change.difference()), "difference " + change);
        if (index == null) {
            assertNull(change.index());
        } else {
            assertEquals(new BigDecimal(index), change.index());
        }
        assertEquals(reliable, change.reliable());
        assertEquals(method, change.method());
    }

    @Test
    void reliableChangeIndexFromTheStandardErrors() {
        // given out of order: the series is sorted by time
        List<Point> series = ChangeOverTime.series(List.of(
                m("2026-03-01", "60", "2.5"), m("2026-01-01", "50", "3"), m("2026-02-01", "58", "3")), null);
        assertEquals(List.of("2026-01-01", "2026-02-01", "2026-03-01"), series.stream().map(p -> p.measurement().sourceId()).toList());
        assertNull(series.get(0).fromBaseline());
        assertNull(series.get(0).fromPrevious());
        // 58 − 50 = 8; SEdiff = √(3² + 3²) = 4.2426; RCI = 1.8856 → 1.89 < 1.96: not reliable
        assertChange(series.get(1).fromBaseline(), "8", "1.89", false, Method.RELIABLE_CHANGE_INDEX);
        assertChange(series.get(1).fromPrevious(), "8", "1.89", false, Method.RELIABLE_CHANGE_INDEX);
        // 60 − 50 = 10; SEdiff = √(9 + 6.25) = 3.9051; RCI = 2.5607 → 2.56 > 1.96: reliable
        assertChange(series.get(2).fromBaseline(), "10", "2.56", true, Method.RELIABLE_CHANGE_INDEX);
        // 60 − 58 = 2; RCI = 2 / 3.9051 = 0.51
        assertChange(series.get(2).fromPrevious(), "2", "0.51", false, Method.RELIABLE_CHANGE_INDEX);
    }

    @Test
    void minimalImportantDifferenceWhenThereAreNoStandardErrors() {
        List<Point> series = ChangeOverTime.series(List.of(
                m("2026-01-01", "20", null), m("2026-02-01", "14", null), m("2026-02-15", null, null),
                m("2026-03-01", "21.43", null), m("2026-04-01", "26.43", null)), new BigDecimal("5"));
        assertChange(series.get(1).fromBaseline(), "-6", null, true, Method.MINIMAL_IMPORTANT_DIFFERENCE);
        // a point without a value has no changes and is skipped as "previous"
        assertNull(series.get(2).fromBaseline());
        assertNull(series.get(2).fromPrevious());
        assertChange(series.get(3).fromBaseline(), "1.43", null, false, Method.MINIMAL_IMPORTANT_DIFFERENCE);
        assertChange(series.get(3).fromPrevious(), "7.43", null, true, Method.MINIMAL_IMPORTANT_DIFFERENCE);
        // exactly the MID counts as important
        assertChange(series.get(4).fromPrevious(), "5", null, true, Method.MINIMAL_IMPORTANT_DIFFERENCE);
    }

    @Test
    void withoutStandardErrorsOrMidTheChangeCannotBeJudged() {
        List<Point> series = ChangeOverTime.series(List.of(m("2026-01-01", "3", "1"),
                m("2026-02-01", "9", null)), null);
        assertChange(series.get(1).fromBaseline(), "6", null, null, Method.NONE);
    }

    @Test
    void aSeriesStartingWithoutValuesTakesTheFirstValueAsBaseline() {
        List<Point> series = ChangeOverTime.series(List.of(m("2026-01-01", null, null), m("2026-02-01", "10", "2"),
                m("2026-03-01", "4", "2")), null);
        assertNull(series.get(1).fromBaseline());
        // −6 / √8 = −2.1213 → −2.12, |−6| > 1.96 × 2.8284 = 5.54: reliable
        assertChange(series.get(2).fromBaseline(), "-6", "-2.12", true, Method.RELIABLE_CHANGE_INDEX);
    }
}
