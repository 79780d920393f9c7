package fi.vointi.usage;

import fi.vointi.analytics.CellSuppression;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PROM usage figures and their suppression, on the pure class. */
class PromUsageTest {
    static final CellSuppression K5 = new CellSuppression(5);
    static final YearMonth MARCH = YearMonth.of(2026, 3);

    static PromUsage.Tally tally(long invited, long started, long completed, int timed, int adaptive) {
        PromUsage.Tally t = new PromUsage.Tally();
        t.invitedPatients = invited;
        t.started = started;
        t.completed = completed;
        for (int i = 0; i < timed; i++) {
            t.timesToAnswer.add(Duration.ofHours(i + 1));
        }
        for (int i = 0; i < adaptive; i++) {
            t.adaptiveLengths.add(6 + i % 3);
        }
        return t;
    }

    @Test
    void figuresOfAPublishedCellWithHandComputedValues() {
        PromUsage.Key key = new PromUsage.Key("u1", "q", MARCH);
        // 12 invited, 10 started, 5 completed (5 not): every category 0 or at least 5
        PromUsage.Row row = PromUsage.rows(Map.of(key, tally(12, 10, 5, 5, 5)),
                List.of(new PromUsage.Visits("u1", LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 31), 200)), K5).get(0);
        assertFalse(row.suppressed());
        assertEquals(12L, row.invitedPatients());
        assertEquals(10L, row.started());
        assertEquals(5L, row.completed());
        assertEquals(50.0, row.completionRate());
        assertEquals(3.0, row.medianHoursToAnswer(), "1,2,3,4,5 hours: the median is 3");
        assertEquals(6.8, row.adaptiveMeanLength(), "6,7,8,6,7 questions");
        assertEquals(200L, row.visits());
        assertEquals(2.5, row.completionPerVisits(), "5 / 200 × 100");
    }

    @Test
    void aCellWithAnyCountFromOneToKMinusOneIsWithheldWhole() {
        PromUsage.Key key = new PromUsage.Key("u1", "q", MARCH);
        // 10 started, 7 completed: 3 not completed is derivable, so the cell is withheld
        PromUsage.Row row = PromUsage.rows(Map.of(key, tally(10, 10, 7, 0, 0)), List.of(), K5).get(0);
        assertTrue(row.suppressed());
        assertNull(row.started());
        assertNull(row.completionRate());
        // 4 invited alone is withheld too
        assertTrue(PromUsage.rows(Map.of(key, tally(4, 0, 0, 0, 0)), List.of(), K5).get(0).suppressed());
        // 5 completed of which 2 through invitations: the timed count 2 would single people out
        assertTrue(PromUsage.rows(Map.of(key, tally(5, 5, 5, 2, 0)), List.of(), K5).get(0).suppressed());
        // nothing at all but invitations of 5: shown, rates absent
        PromUsage.Row invitedOnly = PromUsage.rows(Map.of(key, tally(5, 0, 0, 0, 0)), List.of(), K5).get(0);
        assertFalse(invitedOnly.suppressed());
        assertNull(invitedOnly.completionRate());
        assertNull(invitedOnly.medianHoursToAnswer());
    }

    @Test
    void visitsCountOnlyWhenTheyCoverTheWholeMonth() {
        List<PromUsage.Visits> days = new java.util.ArrayList<>();
        for (int d = 1; d <= 30; d++) {
            days.add(new PromUsage.Visits("u1", LocalDate.of(2026, 4, d), LocalDate.of(2026, 4, d), 10));
        }
        days.add(new PromUsage.Visits("u2", LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 1), 10));
        Map<String, Map<YearMonth, Long>> visits = PromUsage.monthVisits(days);
        assertEquals(300L, visits.get("u1").get(YearMonth.of(2026, 4)), "every day of April");
        assertFalse(visits.containsKey("u2"), "one day is not April's figure");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, PromUsage.medianHours(List.of(Duration.ofHours(4), Duration.ofHours(1), Duration.ofHours(2),
                Duration.ofHours(3))));
        assertEquals(0.5, PromUsage.medianHours(List.of(Duration.ofMinutes(30))));
    }

    @Test
    void usabilityMeanIsShownOnlyForAtLeastKAnswers() {
        Map<PromUsage.UsabilityKey, List<Double>> scores = new LinkedHashMap<>();
        scores.put(new PromUsage.UsabilityKey("u1", MARCH), List.of(7.0, 6.0, 5.5, 6.5, 5.0));
        scores.put(new PromUsage.UsabilityKey("u2", MARCH), List.of(7.0, 1.0));
        List<PromUsage.UsabilityRow> rows = PromUsage.usability(scores, K5);
        assertEquals(6.0, rows.get(0).meanScore());
        assertEquals(5L, rows.get(0).answers());
        assertTrue(rows.get(1).suppressed());
        assertNull(rows.get(1).meanScore());
    }

    @Test
    void rowsComeInUnitQuestionnaireMonthOrder() {
        Map<PromUsage.Key, PromUsage.Tally> tallies = new LinkedHashMap<>();
        tallies.put(new PromUsage.Key("u2", "a", MARCH), tally(0, 0, 0, 0, 0));
        tallies.put(new PromUsage.Key("u1", "b", MARCH.plusMonths(1)), tally(0, 0, 0, 0, 0));
        tallies.put(new PromUsage.Key("u1", "b", MARCH), tally(0, 0, 0, 0, 0));
        List<PromUsage.Row> rows = PromUsage.rows(tallies, List.of(), K5);
        assertEquals(List.of("u1/b/2026-03", "u1/b/2026-04", "u2/a/2026-03"), rows.stream()
                .map(r -> r.key().unitId() + "/" + r.key().questionnaireUrl() + "/" + r.key().month()).toList());
    }
}
