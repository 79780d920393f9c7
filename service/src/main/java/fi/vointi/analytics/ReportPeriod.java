package fi.vointi.analytics;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The period of a report, widened to whole buckets of its granularity: a monthly report from 15 March
 * covers all of March, so that only whole calendar buckets are ever published (partial buckets would
 * let two overlapping reports be subtracted from each other).
 */
public record ReportPeriod(LocalDate from, LocalDate to, Granularity granularity) {
    /** Longest period one report may cover. */
    public static final int MAX_YEARS = 10;
    /** Most buckets in one series (three years of days). */
    public static final int MAX_BUCKETS = 1100;

    public record Bucket(LocalDate start, LocalDate end, String label) {
    }

    /**
     * @param to inclusive
     * @throws IllegalArgumentException with a message for the client when the period is reversed or too long
     */
    public static ReportPeriod of(LocalDate from, LocalDate to, Granularity granularity) {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
        }
        LocalDate start = granularity.start(from);
        LocalDate end = granularity.next(granularity.start(to)).minusDays(1);
        if (ChronoUnit.DAYS.between(start, end) >= 366L * MAX_YEARS) {
            throw new IllegalArgumentException("a report covers at most " + MAX_YEARS + " years");
        }
        ReportPeriod period = new ReportPeriod(start, end, granularity);
        if (period.buckets().size() > MAX_BUCKETS) {
            throw new IllegalArgumentException("a report has at most " + MAX_BUCKETS + " " + granularity.code()
                    + " buckets; choose a coarser granularity or a shorter period");
        }
        return period;
    }

    public List<Bucket> buckets() {
        List<Bucket> buckets = new ArrayList<>();
        for (LocalDate start = from; !start.isAfter(to); start = granularity.next(start)) {
            buckets.add(new Bucket(start, granularity.next(start).minusDays(1), granularity.label(start)));
            if (buckets.size() > MAX_BUCKETS) {
                break;
            }
        }
        return buckets;
    }
}
