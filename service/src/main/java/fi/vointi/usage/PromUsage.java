package fi.vointi.usage;

import fi.vointi.analytics.CellSuppression;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PROM usage metrics per unit, questionnaire and calendar month (docs/analytics.md, "PROM usage"): patients invited,
 * responses started and completed, completion rate, median time from invitation to answer, the mean length of adaptive
 * tests, completion relative to the unit's imported visits, and the usability check's mean score per unit and month.
 *
 * <p>Each unit × questionnaire × month is an atomic cell suppressed with the feedback analytics' rule
 * ({@link CellSuppression}): it is published only when every count a reader could see or derive from it is 0 or at
 * least k. Only atomic cells are published (no sums over units or months), so no two published figures can be
 * subtracted to single out a withheld one. Pure logic: the store hands in the facts, this adds them up.
 */
public final class PromUsage {
    /** The atomic cell. */
    public record Key(String unitId, String questionnaireUrl, YearMonth month) {
    }

    /** The usability check's atomic cell: it is answered after any questionnaire of the unit, so per unit and month. */
    public record UsabilityKey(String unitId, YearMonth month) {
    }

    /** Counts of one atomic cell, as the store adds them up. Mutable, for accumulation. */
    public static final class Tally {
        /** distinct patients invited in the month */
        public long invitedPatients;
        /** responses begun in the month (in progress, completed, stopped) */
        public long started;
        /** of them completed (or amended) */
        public long completed;
        /** time from the invitation to its completed answer, for completed answers of invitations */
        public final List<Duration> timesToAnswer = new ArrayList<>();
        /** questions answered in each completed adaptive test (empty for a fixed questionnaire) */
        public final List<Integer> adaptiveLengths = new ArrayList<>();
    }

    /** One imported visit row of {@code feedback_visit}: a day or a calendar month of one unit. */
    public record Visits(String unitId, LocalDate start, LocalDate end, long visits) {
    }

    /**
     * A published or withheld atomic cell. When {@code suppressed}, every figure is null. Rates are percentages with
     * two decimals; {@code medianHoursToAnswer} in hours with one decimal; {@code completionPerVisits} is null when
     * the imported visits do not cover the whole month of the unit (or are 0).
     */
    public record Row(Key key, boolean suppressed, Long invitedPatients, Long started, Long completed, Double completionRate,
                      Double medianHoursToAnswer, Double adaptiveMeanLength, Long visits, Double completionPerVisits) {
    }

    /** The usability check of one unit and month: answers and the mean of their scores (1–7), or suppressed. */
    public record UsabilityRow(UsabilityKey key, boolean suppressed, Long answers, Double meanScore) {
    }

    private PromUsage() {
    }

    /** The rows, ordered by unit, questionnaire and month; withheld cells come as suppressed rows. */
    public static List<Row> rows(Map<Key, Tally> tallies, List<Visits> visits, CellSuppression suppression) {
        Map<String, Map<YearMonth, Long>> monthVisits = monthVisits(visits);
        List<Row> rows = new ArrayList<>();
        tallies.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Key::unitId).thenComparing(Key::questionnaireUrl)
                        .thenComparing(Key::month)))
                .forEach(e -> rows.add(row(e.getKey(), e.getValue(), monthVisits, suppression)));
        return rows;
    }

    static Row row(Key key, Tally t, Map<String, Map<YearMonth, Long>> monthVisits, CellSuppression suppression) {
        // every count of the cell a reader could see or derive: the three counts, the started but not completed, how
        // many answers the median and the mean are of (they say how many answered through an invitation, and took a
        // test). The figures themselves (median, mean) are of at least k answers when published.
        List<Long> categories = List.of(t.invitedPatients, t.started, t.completed, t.started - t.completed,
                (long) t.timesToAnswer.size(), t.completed - t.timesToAnswer.size(), (long) t.adaptiveLengths.size());
        if (!suppression.publishable(categories)) {
            return new Row(key, true, null, null, null, null, null, null, null, null);
        }
        Double completionRate = t.started == 0 ? null : percent(t.completed, t.started);
        Double median = t.timesToAnswer.isEmpty() ? null : medianHours(t.timesToAnswer);
        Double meanLength = t.adaptiveLengths.isEmpty() ? null
                : round(t.adaptiveLengths.stream().mapToInt(Integer::intValue).average().orElseThrow(), 2);
        Long visits = monthVisits.getOrDefault(key.unitId(), Map.of()).get(key.month());
        Double perVisits = visits == null || visits == 0 ? null : percent(t.completed, visits);
        return new Row(key, false, t.invitedPatients, t.started, t.completed, completionRate, median, meanLength, visits,
                perVisits);
    }

    /**
     * The usability check's rows. An answer's score is the mean of its answered questions (1–7); the cell's figure is
     * the mean of its answers' scores, published when the cell has 0 or at least k answers. Only the mean is given
     * (never the distribution), so a published figure always stands for at least k people.
     *
     * @param scores per unit and month, each answer's score
     */
    public static List<UsabilityRow> usability(Map<UsabilityKey, List<Double>> scores, CellSuppression suppression) {
        List<UsabilityRow> rows = new ArrayList<>();
        Map<UsabilityKey, List<Double>> sorted = new TreeMap<>(Comparator.comparing(UsabilityKey::unitId)
                .thenComparing(UsabilityKey::month));
        sorted.putAll(scores);
        sorted.forEach((key, values) -> {
            if (!suppression.publishable(List.of((long) values.size()))) {
                rows.add(new UsabilityRow(key, true, null, null));
            } else {
                rows.add(new UsabilityRow(key, false, (long) values.size(),
                        round(values.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), 2)));
            }
        });
        return rows;
    }

    /**
     * Visits per unit and month, only where the imported rows cover every day of the month (one month row, or day
     * rows for each day); a month with gaps has no figure rather than an understated one.
     */
    static Map<String, Map<YearMonth, Long>> monthVisits(List<Visits> visits) {
        Map<String, Map<YearMonth, long[]>> sums = new HashMap<>(); // visits, days covered
        for (Visits v : visits) {
            YearMonth month = YearMonth.from(v.start());
            if (!YearMonth.from(v.end()).equals(month)) {
                continue; // the importer gives a day or a calendar month; anything else is not a month's figure
            }
            long[] sum = sums.computeIfAbsent(v.unitId(), u -> new HashMap<>()).computeIfAbsent(month, m -> new long[2]);
            sum[0] += v.visits();
            sum[1] += ChronoUnit.DAYS.between(v.start(), v.end()) + 1;
        }
        Map<String, Map<YearMonth, Long>> result = new HashMap<>();
        sums.forEach((unit, perMonth) -> perMonth.forEach((month, sum) -> {
            if (sum[1] == month.lengthOfMonth()) {
                result.computeIfAbsent(unit, u -> new HashMap<>()).put(month, sum[0]);
            }
        }));
        return result;
    }

    /** The median in hours, one decimal (the mean of the two middle values for an even count). */
    static double medianHours(List<Duration> durations) {
        List<Long> seconds = durations.stream().map(Duration::toSeconds).sorted().toList();
        int n = seconds.size();
        double middle = n % 2 == 1 ? seconds.get(n / 2) : (seconds.get(n / 2 - 1) + seconds.get(n / 2)) / 2.0;
        return round(middle / 3600.0, 1);
    }

    static double percent(long part, long whole) {
        return round(100.0 * part / whole, 2);
    }

    /** Half away from zero, as the feedback analytics round. */
    static double round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }
}
