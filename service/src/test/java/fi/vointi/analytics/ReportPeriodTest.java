package fi.vointi.analytics;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReportPeriodTest {

    @Test
    void periodsWidenToWholeBuckets() {
        ReportPeriod months = ReportPeriod.of(LocalDate.parse("2026-03-15"), LocalDate.parse("2026-05-02"), Granularity.MONTH);
        assertEquals(LocalDate.parse("2026-03-01"), months.from());
        assertEquals(LocalDate.parse("2026-05-31"), months.to());
        assertEquals(List.of("2026-03", "2026-04", "2026-05"), months.buckets().stream().map(ReportPeriod.Bucket::label).toList());

        // ISO weeks: 2026-01-01 is a Thursday in week 2026-W01, which starts on Monday 2025-12-29
        ReportPeriod weeks = ReportPeriod.of(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-05"), Granularity.WEEK);
        assertEquals(LocalDate.parse("2025-12-29"), weeks.from());
        assertEquals(List.of("2026-W01", "2026-W02"), weeks.buckets().stream().map(ReportPeriod.Bucket::label).toList());

        ReportPeriod quarters = ReportPeriod.of(LocalDate.parse("2026-02-10"), LocalDate.parse("2026-08-01"), Granularity.QUARTER);
        assertEquals(List.of("2026-Q1", "2026-Q2", "2026-Q3"), quarters.buckets().stream().map(ReportPeriod.Bucket::label).toList());
        assertEquals(LocalDate.parse("2026-09-30"), quarters.to());
        assertEquals("2026", ReportPeriod.of(LocalDate.parse("2026-02-10"), LocalDate.parse("2026-02-10"), Granularity.YEAR)
                .buckets().get(0).label());
    }

    @Test
    void reversedOrAbsurdPeriodsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ReportPeriod.of(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-01"), Granularity.DAY));
        assertThrows(IllegalArgumentException.class,
                () -> ReportPeriod.of(LocalDate.parse("2000-01-01"), LocalDate.parse("2030-01-01"), Granularity.YEAR));
        assertThrows(IllegalArgumentException.class,
                () -> ReportPeriod.of(LocalDate.parse("2020-01-01"), LocalDate.parse("2026-01-01"), Granularity.DAY));
    }
}
