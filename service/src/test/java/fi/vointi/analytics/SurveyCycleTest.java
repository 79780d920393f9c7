package fi.vointi.analytics;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The round arithmetic of recurring surveys, on the pure class. */
class SurveyCycleTest {
    static SurveyCycle enps() {
        // staff eNPS every 2 years in a 4-week window, first from Monday 2 March 2026
        return SurveyCycle.of("staff-enps", "staff", Set.of("county"), Period.ofYears(2), Period.ofDays(28), LocalDate.of(2026, 3, 2));
    }

    @Test
    void roundsOpenEveryCycleForTheWindow() {
        SurveyCycle c = enps();
        SurveyCycle.Round first = c.round(1);
        assertEquals(LocalDate.of(2026, 3, 2), first.start());
        assertEquals(LocalDate.of(2026, 3, 29), first.end(), "28 days, both ends included");
        SurveyCycle.Round second = c.round(2);
        assertEquals(LocalDate.of(2028, 3, 2), second.start());
        assertEquals(LocalDate.of(2028, 3, 29), second.end());
        assertEquals(List.of(first, second), c.roundsStartingBy(LocalDate.of(2029, 12, 31)));
        assertEquals(List.of(), c.roundsStartingBy(LocalDate.of(2026, 3, 1)));
        assertEquals(1, c.roundsStartingBy(LocalDate.of(2026, 3, 2)).size());
    }

    @Test
    void aRoundIsReportedByTheWholeMonthsItsWindowTouches() {
        SurveyCycle.Round r = enps().round(1);
        assertEquals(LocalDate.of(2026, 3, 1), r.reportFrom());
        assertEquals(LocalDate.of(2026, 3, 31), r.reportTo());
        assertTrue(r.widened());
        // a window across a month boundary covers both months
        SurveyCycle.Round across = SurveyCycle.of("c", "customer", Set.of(), Period.ofYears(1), Period.ofWeeks(4),
                LocalDate.of(2026, 4, 20)).round(1);
        assertEquals(LocalDate.of(2026, 5, 17), across.end());
        assertEquals(LocalDate.of(2026, 4, 1), across.reportFrom());
        assertEquals(LocalDate.of(2026, 5, 31), across.reportTo());
        // a whole-month window is reported exactly
        SurveyCycle.Round month = SurveyCycle.of("m", "adult", Set.of(), Period.ofYears(1), Period.ofMonths(1),
                LocalDate.of(2026, 9, 1)).round(3);
        assertEquals(LocalDate.of(2028, 9, 1), month.start());
        assertEquals(LocalDate.of(2028, 9, 30), month.end());
        assertFalse(month.widened());
    }

    @Test
    void anAnswerBelongsToTheRoundWhoseWindowHoldsItsDay() {
        SurveyCycle c = enps();
        assertEquals(1, c.roundOf(LocalDate.of(2026, 3, 2)).orElseThrow().number());
        assertEquals(1, c.roundOf(LocalDate.of(2026, 3, 29)).orElseThrow().number());
        assertTrue(c.roundOf(LocalDate.of(2026, 3, 30)).isEmpty(), "the day after the window");
        assertTrue(c.roundOf(LocalDate.of(2026, 3, 1)).isEmpty(), "the day before the first round");
        assertTrue(c.roundOf(LocalDate.of(2027, 3, 10)).isEmpty(), "between rounds");
        assertEquals(2, c.roundOf(LocalDate.of(2028, 3, 15)).orElseThrow().number());
        assertEquals("closed", c.round(1).state(LocalDate.of(2026, 4, 1)));
        assertEquals("open", c.round(1).state(LocalDate.of(2026, 3, 29)));
        assertEquals("upcoming", c.round(2).state(LocalDate.of(2026, 4, 1)));
    }

    @Test
    void monthEndStartsDoNotDrift() {
        // every 3 months from 31 January: 30 April, 31 July, 31 October (not 30 July after a 30 April)
        SurveyCycle c = SurveyCycle.of("q", "customer", Set.of(), Period.ofMonths(3), Period.ofDays(1), LocalDate.of(2026, 1, 31));
        assertEquals(LocalDate.of(2026, 4, 30), c.round(2).start());
        assertEquals(LocalDate.of(2026, 7, 31), c.round(3).start());
        assertEquals(LocalDate.of(2026, 10, 31), c.round(4).start());
    }

    @Test
    void aCycleWhoseRoundsWouldShareAMonthIsRefused() {
        // every 4 weeks in a 2-week window: two windows in one month now and then
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SurveyCycle.of("x", "staff", Set.of(),
                Period.ofWeeks(4), Period.ofWeeks(2), LocalDate.of(2026, 1, 5)));
        assertTrue(e.getMessage().contains("share the month"), e.getMessage());
        // monthly in a 1-week window: each round in its own month, allowed
        SurveyCycle.of("y", "staff", Set.of(), Period.ofMonths(1), Period.ofWeeks(1), LocalDate.of(2026, 1, 5));
        // a window across a month end followed by the next round in the second month
        assertThrows(IllegalArgumentException.class, () -> SurveyCycle.of("z", "staff", Set.of(), Period.ofMonths(1),
                Period.ofDays(10), LocalDate.of(2026, 1, 25)));
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SurveyCycle.of("a", "patients", Set.of(), Period.ofYears(1),
                Period.ofDays(7), LocalDate.of(2026, 1, 1))).getMessage().contains("audience"));
        assertThrows(IllegalArgumentException.class, () -> SurveyCycle.of("a", "staff", Set.of(), Period.ZERO,
                Period.ofDays(7), LocalDate.of(2026, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> SurveyCycle.of("a", "staff", Set.of(), Period.ofYears(1),
                Period.ofDays(-7), LocalDate.of(2026, 1, 1)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SurveyCycle.of("a", "staff", Set.of(), Period.ofMonths(1),
                Period.ofMonths(2), LocalDate.of(2026, 1, 1))).getMessage().contains("shorter than the cycle"));
    }

    @Test
    void aCycleCoversItsUnitsAndEverythingUnderThem() {
        SurveyCycle c = enps();
        assertTrue(c.covers(Set.of("team", "service", "county")));
        assertFalse(c.covers(Set.of("other-unit", "other-county")));
        assertTrue(SurveyCycle.of("all", "customer", Set.of(), Period.ofYears(1), Period.ofDays(7), LocalDate.of(2026, 1, 1))
                .covers(Set.of("anything")));
    }
}
