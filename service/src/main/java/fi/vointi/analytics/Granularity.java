package fi.vointi.analytics;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Calendar buckets of a report, in local (Europe/Helsinki) dates. Weeks are ISO weeks, Monday to Sunday. */
public enum Granularity {
    DAY, WEEK, MONTH, QUARTER, YEAR;

    public static Optional<Granularity> parse(String code) {
        return Arrays.stream(values()).filter(g -> g.code().equals(code)).findFirst();
    }

    public static String codes() {
        return Arrays.stream(values()).map(Granularity::code).collect(Collectors.joining(", "));
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** First day of the bucket that contains {@code date}. */
    public LocalDate start(LocalDate date) {
        return switch (this) {
            case DAY -> date;
            case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> date.withDayOfMonth(1);
            case QUARTER -> date.withDayOfMonth(1).withMonth((date.getMonthValue() - 1) / 3 * 3 + 1);
            case YEAR -> date.withDayOfYear(1);
        };
    }

    /** First day of the next bucket. */
    public LocalDate next(LocalDate bucketStart) {
        return switch (this) {
            case DAY -> bucketStart.plusDays(1);
            case WEEK -> bucketStart.plusWeeks(1);
            case MONTH -> bucketStart.plusMonths(1);
            case QUARTER -> bucketStart.plusMonths(3);
            case YEAR -> bucketStart.plusYears(1);
        };
    }

    /** The bucket's label: 2026-03-02, 2026-W10, 2026-03, 2026-Q1, 2026. */
    public String label(LocalDate bucketStart) {
        return switch (this) {
            case DAY -> bucketStart.toString();
            case WEEK -> String.format(Locale.ROOT, "%d-W%02d", bucketStart.get(IsoFields.WEEK_BASED_YEAR),
                    bucketStart.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> bucketStart.toString().substring(0, 7);
            case QUARTER -> bucketStart.getYear() + "-Q" + ((bucketStart.getMonthValue() - 1) / 3 + 1);
            case YEAR -> Integer.toString(bucketStart.getYear());
        };
    }
}
