package fi.vointi.schedules;

import fi.vointi.schedules.ScheduleRules.Offset;
import fi.vointi.schedules.ScheduleRules.Unit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule arithmetic, directly: offsets in Helsinki time, catching up, reminders at most N, stopping. */
class ScheduleRulesTest {
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final LocalTime TEN = LocalTime.of(10, 0);

    static Instant helsinki(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, HELSINKI).toInstant();
    }

    @Test
    void offsetsAreCalendarDatesAtTheSendTimeInHelsinkiAcrossDaylightSaving() {
        LocalDate start = LocalDate.of(2026, 1, 15);
        assertEquals(helsinki(2026, 1, 15, 10, 0), ScheduleRules.due(start, new Offset(0, Unit.MONTHS), TEN, HELSINKI));
        // winter (UTC+2) to summer (UTC+3): still ten o'clock on the wall, so a different UTC hour
        Instant threeMonths = ScheduleRules.due(start, new Offset(3, Unit.MONTHS), TEN, HELSINKI);
        assertEquals(helsinki(2026, 4, 15, 10, 0), threeMonths);
        assertEquals("2026-04-15T07:00:00Z", threeMonths.toString());
        assertEquals(helsinki(2026, 7, 15, 10, 0), ScheduleRules.due(start, new Offset(6, Unit.MONTHS), TEN, HELSINKI));
        assertEquals(helsinki(2027, 1, 15, 10, 0), ScheduleRules.due(start, new Offset(12, Unit.MONTHS), TEN, HELSINKI));
        assertEquals(helsinki(2027, 1, 15, 10, 0), ScheduleRules.due(start, new Offset(1, Unit.YEARS), TEN, HELSINKI));
        assertEquals(helsinki(2026, 1, 29, 10, 0), ScheduleRules.due(start, new Offset(2, Unit.WEEKS), TEN, HELSINKI));
        assertEquals(helsinki(2026, 1, 25, 10, 0), ScheduleRules.due(start, new Offset(10, Unit.DAYS), TEN, HELSINKI));
    }

    @Test
    void aMonthAfterTheThirtyFirstIsTheLastDayOfAShorterMonth() {
        assertEquals(LocalDate.of(2026, 2, 28), new Offset(1, Unit.MONTHS).after(LocalDate.of(2026, 1, 31)));
        assertEquals(LocalDate.of(2028, 2, 29), new Offset(1, Unit.MONTHS).after(LocalDate.of(2028, 1, 31)));
        assertEquals(LocalDate.of(2026, 4, 30), new Offset(3, Unit.MONTHS).after(LocalDate.of(2026, 1, 31)));
    }

    @Test
    void unitsAreReadFromUcumAndOffsetsAreNeverNegative() {
        assertEquals(Unit.MONTHS, Unit.ofUcum("mo"));
        assertEquals(Unit.DAYS, Unit.ofUcum("d"));
        assertEquals(Unit.WEEKS, Unit.ofUcum("wk"));
        assertEquals(Unit.YEARS, Unit.ofUcum("a"));
        assertNull(Unit.ofUcum("min"));
        assertNull(Unit.ofUcum(null));
        assertThrows(IllegalArgumentException.class, () -> new Offset(-1, Unit.DAYS));
    }

    @Test
    void aStepRunsAtItsTimeAtOnceWhenALittleLateAndNeverWhenLongPast() {
        Instant due = helsinki(2026, 3, 1, 10, 0);
        Duration catchUp = Duration.ofDays(14);
        assertEquals(due, ScheduleRules.runAt(due, due.minusSeconds(3600), catchUp));
        assertEquals(due, ScheduleRules.runAt(due, due, catchUp));
        Instant afternoon = due.plus(Duration.ofHours(5));
        assertEquals(afternoon, ScheduleRules.runAt(due, afternoon, catchUp));
        assertEquals(due.plus(catchUp), ScheduleRules.runAt(due, due.plus(catchUp), catchUp));
        assertNull(ScheduleRules.runAt(due, due.plus(catchUp).plusSeconds(1), catchUp));
    }

    @Test
    void remindersComeAfterTheGivenDaysAtMostNAndOnlyWhileTheLinkWorks() {
        Instant sent = helsinki(2026, 3, 20, 10, 0);
        Instant expires = sent.plus(Duration.ofDays(14));
        // 3 and 7 days later at the same wall-clock time, also across the change to summer time (29 March 2026)
        assertEquals(List.of(helsinki(2026, 3, 23, 10, 0), helsinki(2026, 3, 27, 10, 0)),
                ScheduleRules.reminders(sent, List.of(7, 3), 2, HELSINKI, expires));
        assertEquals(List.of(helsinki(2026, 3, 23, 10, 0)), ScheduleRules.reminders(sent, List.of(3, 7, 10), 1, HELSINKI, expires));
        assertEquals(List.of(helsinki(2026, 3, 23, 10, 0), helsinki(2026, 3, 27, 10, 0)),
                ScheduleRules.reminders(sent, List.of(3, 7, 15, 20), 4, HELSINKI, expires), "none once the link has expired");
        assertEquals(helsinki(2026, 3, 30, 10, 0), ScheduleRules.reminders(sent, List.of(10), 1, HELSINKI, expires).get(0));
        assertEquals(List.of(), ScheduleRules.reminders(sent, List.of(3, 7), 0, HELSINKI, expires));
    }

    @Test
    void aReminderStopsWhenAnsweredExpiredEndedOrOptedOut() {
        assertTrue(ScheduleRules.remind(false, false, true, false));
        assertFalse(ScheduleRules.remind(true, false, true, false), "answered");
        assertFalse(ScheduleRules.remind(false, true, true, false), "link expired");
        assertFalse(ScheduleRules.remind(false, false, false, false), "episode ended");
        assertFalse(ScheduleRules.remind(false, false, true, true), "opted out");
    }
}
