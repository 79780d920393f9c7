package fi.vointi.analytics;

import java.time.LocalDate;
import java.time.Period;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A survey repeated on a cycle (issue 16, item 4): round {@code n} (1, 2, …) opens on {@code firstStart + (n − 1) ×
 * cycle} and stays open for {@code window}, e.g. staff eNPS every 2 years in a 4-week window. Pure arithmetic, no
 * framework: which rounds exist, which round a day belongs to, and which whole calendar months a round's report covers.
 *
 * <p>Why whole months: the atomic cell of small-cell suppression is unit × calendar month × audience
 * ({@link CellSuppression}). A round's figures are the published atomic cells of the months its window touches, so a
 * round report is exactly the monthly report of those months and no pair of reports (round against month) can be
 * subtracted to single out answers. The cycle must therefore keep rounds' months apart: no calendar month may belong
 * to two rounds (checked by {@link #of}).
 *
 * @param survey     the cycle's name, as {@code ?survey=} gives it
 * @param audience   {@code customer}, {@code adult}, {@code child}, {@code relative} or {@code staff} (eNPS)
 * @param units      the units (with everything under them) that run the survey; empty: every unit
 * @param cycle      from one round's start to the next (e.g. {@code P2Y})
 * @param window     how long a round is open (e.g. {@code P28D}); at least a day, at most the cycle
 * @param firstStart the first day of round 1
 */
public record SurveyCycle(String survey, String audience, Set<String> units, Period cycle, Period window, LocalDate firstStart) {
    /** Rounds are reckoned up to the end of this year (report dates end in 2100 too). */
    static final int LAST_YEAR = 2100;
    public static final Set<String> AUDIENCES = Set.of("customer", "adult", "child", "relative", "staff");

    /** One round: its window (inclusive days) and the whole calendar months its report covers. */
    public record Round(int number, LocalDate start, LocalDate end, LocalDate reportFrom, LocalDate reportTo) {
        /** The report covers more days than the window (the window is not a run of whole months). */
        public boolean widened() {
            return !start.equals(reportFrom) || !end.equals(reportTo);
        }

        public boolean contains(LocalDate day) {
            return !day.isBefore(start) && !day.isAfter(end);
        }

        /** {@code upcoming}, {@code open} or {@code closed} on {@code today}. */
        public String state(LocalDate today) {
            return today.isBefore(start) ? "upcoming" : today.isAfter(end) ? "closed" : "open";
        }
    }

    /**
     * A checked cycle.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown audience, a cycle or window not positive, a
     *                                  window longer than the cycle, or rounds that would share a calendar month
     */
    public static SurveyCycle of(String survey, String audience, Set<String> units, Period cycle, Period window, LocalDate firstStart) {
        String where = "survey cycle '" + survey + "': ";
        if (!AUDIENCES.contains(audience)) {
            throw new IllegalArgumentException(where + "audience must be one of customer, adult, child, relative, staff, was '" + audience + "'");
        }
        if (!positive(cycle) || !positive(window)) {
            throw new IllegalArgumentException(where + "cycle and window must be positive periods such as P2Y and P28D");
        }
        if (firstStart.getYear() < 2000 || firstStart.getYear() > LAST_YEAR) {
            throw new IllegalArgumentException(where + "first-start must lie in 2000–" + LAST_YEAR);
        }
        SurveyCycle c = new SurveyCycle(survey, audience, Set.copyOf(units), cycle, window, firstStart);
        Round previous = null;
        for (Round r : c.roundsStartingBy(LocalDate.of(LAST_YEAR, 12, 31))) {
            if (!c.roundStart(r.number() + 1).isAfter(r.end())) {
                throw new IllegalArgumentException(where + "the window (" + window + ") must be shorter than the cycle (" + cycle + ")");
            }
            if (previous != null && !YearMonth.from(previous.end()).isBefore(YearMonth.from(r.start()))) {
                throw new IllegalArgumentException(where + "rounds " + previous.number() + " and " + r.number()
                        + " would share the month " + YearMonth.from(r.start()) + "; a round is reported by whole calendar"
                        + " months, so the cycle must leave at least one month boundary between two windows");
            }
            previous = r;
        }
        return c;
    }

    private static boolean positive(Period p) {
        return !p.isNegative() && !p.isZero() && p.getYears() >= 0 && p.getMonths() >= 0 && p.getDays() >= 0
                && LocalDate.of(2000, 1, 1).plus(p).isAfter(LocalDate.of(2000, 1, 1));
    }

    /** The first day of round {@code number} (1-based); counted from the first start, so month ends do not drift. */
    LocalDate roundStart(int number) {
        Period offset = Period.of(cycle.getYears() * (number - 1), cycle.getMonths() * (number - 1), cycle.getDays() * (number - 1));
        return firstStart.plus(offset);
    }

    public Round round(int number) {
        if (number < 1) {
            throw new IllegalArgumentException("rounds are numbered from 1");
        }
        LocalDate start = roundStart(number);
        LocalDate end = start.plus(window).minusDays(1);
        return new Round(number, start, end, start.withDayOfMonth(1), YearMonth.from(end).atEndOfMonth());
    }

    /** Every round that has started by {@code day} (its start is on or before it), oldest first. */
    public List<Round> roundsStartingBy(LocalDate day) {
        List<Round> rounds = new ArrayList<>();
        for (int n = 1; !roundStart(n).isAfter(day) && roundStart(n).getYear() <= LAST_YEAR; n++) {
            rounds.add(round(n));
        }
        return rounds;
    }

    /** The round whose window holds {@code day}, if any: an answer given on that day belongs to it. */
    public Optional<Round> roundOf(LocalDate day) {
        for (Round r : roundsStartingBy(day)) {
            if (r.contains(day)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Whether the cycle covers this unit, given the unit itself and every unit above it. */
    public boolean covers(Set<String> unitAndAncestors) {
        return units.isEmpty() || units.stream().anyMatch(unitAndAncestors::contains);
    }
}
