package fi.vointi.analytics;

import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.FeedbackReports.Cell;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rounds of a recurring survey side by side (docs/analytics.md, "Recurring surveys"). Each round's figures are the
 * {@code total} cell of {@link FeedbackReports#report} over the whole calendar months its window touches — the very
 * cell {@code GET /analytics/units/{unit}/feedback?from=&to=} gives for those months — so a round publishes nothing a
 * monthly report would not, and the small-cell rule and its "no two reports can be subtracted" argument hold as they
 * are. Changes between rounds are differences of two published figures.
 */
@Singleton
public class RoundReports {
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    /** At most this many rounds (the latest) in one report. */
    public static final int MAX_ROUNDS = 24;

    private final FeedbackReports reports;
    private final Clock clock;

    public RoundReports(FeedbackReports reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    /** One round with its published figures; {@code npsChange}: NPS minus the previous round's, when both are shown. */
    public record RoundCell(SurveyCycle.Round round, String state, Cell cell, Double npsChange) {
    }

    public record Result(SurveyCycle cycle, Set<String> audiences, List<RoundCell> rounds, boolean earlierLeftOut) {
    }

    /** Rounds that have started by today (Europe/Helsinki), oldest first; the open one too. */
    @Transactional(readOnly = true)
    public Result report(Unit unit, SurveyCycle cycle) {
        LocalDate today = LocalDate.now(clock.withZone(ZONE));
        List<SurveyCycle.Round> rounds = cycle.roundsStartingBy(today);
        boolean leftOut = rounds.size() > MAX_ROUNDS;
        if (leftOut) {
            rounds = rounds.subList(rounds.size() - MAX_ROUNDS, rounds.size());
        }
        Set<String> audiences = audiences(cycle.audience());
        List<RoundCell> cells = new ArrayList<>();
        Cell previous = null;
        for (SurveyCycle.Round round : rounds) {
            ReportPeriod period = ReportPeriod.of(round.reportFrom(), round.reportTo(), Granularity.MONTH);
            Cell total = reports.report(unit, period, audiences).total();
            Cell cell = new Cell("round-" + round.number(), total.from(), total.to(), total.responses(), total.suppression(),
                    total.nps(), total.statements(), total.visits(), total.responseRate(), total.invitations(),
                    total.invitationRate(), total.withheld());
            Double change = previous != null && previous.nps() != null && cell.nps() != null
                    ? FeedbackReports.round(cell.nps().score() - previous.nps().score()) : null;
            cells.add(new RoundCell(round, round.state(today), cell, change));
            previous = cell;
        }
        return new Result(cycle, audiences, cells, leftOut);
    }

    /** The audience code of a cycle as the rollups' audiences ({@code customer} = adult, child and relative). */
    static Set<String> audiences(String code) {
        return "customer".equals(code) ? new TreeSet<>(FeedbackSurvey.CUSTOMER_AUDIENCES) : Set.of(code);
    }
}
