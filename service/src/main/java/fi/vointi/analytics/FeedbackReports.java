package fi.vointi.analytics;

import fi.vointi.analytics.AnalyticsStore.Unit;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the feedback reports of a unit (or of each of its children) for a period of whole calendar months. Every
 * figure is a sum of published atomic cells (unit × calendar month × audience) of {@link CellSuppression}: a cell
 * of a report (a bucket or the total, a unit's subtree, an audience group) adds up the published atomic cells it
 * covers and says whether any was withheld, never how many answers.
 */
@Singleton
public class FeedbackReports {
    /** The reason given for a cell of which nothing could be published though it has answers. */
    static final String SUPPRESSED = "small-cell";

    private final AnalyticsStore store;
    private final AnalyticsConfig config;

    public FeedbackReports(AnalyticsStore store, AnalyticsConfig config) {
        this.store = store;
        this.config = config;
    }

    public record Nps(long n, long promoters, long passives, long detractors, double score, double lower, double upper) {
    }

    /**
     * One statement of a shown cell: n, mean, distribution and agreePercent of the 1..5 answers, and the "can't say"
     * answers apart ({@code mean} and {@code agreePercent} null when every answer was "can't say").
     */
    public record Statement(String id, long n, Double mean, long[] distribution, Double agreePercent, long cantSay) {
    }

    /**
     * One cell of a report. {@code suppression} is {@link #SUPPRESSED} when the cell has answers but none of them
     * is in a published atomic cell, and then every figure is null. {@code withheld}: some answers of the cell are
     * in withheld atomic cells and are in none of its figures.
     */
    public record Cell(String label, LocalDate from, LocalDate to, Long responses, String suppression, Nps nps,
                       List<Statement> statements, Long visits, Double responseRate, Long invitations,
                       Double invitationRate, boolean withheld) {
    }

    public record Report(Unit unit, Cell total, List<Cell> series) {
    }

    /** The atomic cells of one subtree, period and audience set, and the invitations issued per unit and month. */
    private record Atoms(Map<CellSuppression.Key, CellSuppression.Counts> cells,
                         Map<String, Map<YearMonth, Map<String, Long>>> invitations) {
    }

    @Transactional(readOnly = true)
    public Report report(Unit unit, ReportPeriod period, Set<String> audiences) {
        return reports(unit, List.of(unit), period, audiences).get(0);
    }

    @Transactional(readOnly = true)
    public List<Report> childReports(Unit unit, ReportPeriod period, Set<String> audiences) {
        Map<String, Unit> subtree = store.subtree(unit.id());
        List<Unit> children = subtree.values().stream().filter(u -> unit.id().equals(u.parentId())).toList();
        return children.isEmpty() ? List.of() : reports(unit, children, period, audiences);
    }

    /**
     * Whether the open-text comments of a group (subtree × months × audiences) may be given: it has answers, no
     * atomic cell of it is withheld and each atomic cell with answers holds at least {@code minAnswers}. Any
     * difference of two such groups is then a union of whole atomic cells of at least that many answers.
     */
    @Transactional(readOnly = true)
    public boolean openTextOffered(Unit unit, ReportPeriod period, Set<String> audiences, int minAnswers) {
        CellSuppression suppression = new CellSuppression(config.getMinCellSize());
        long total = 0;
        for (CellSuppression.Counts atomic : atoms(unit.id(), period, audiences, false).cells().values()) {
            if (atomic.responses == 0) {
                continue;
            }
            if (!suppression.publishable(atomic) || atomic.responses < minAnswers) {
                return false;
            }
            total += atomic.responses;
        }
        return total > 0;
    }

    /**
     * The published responses per channel ({@code qr}, {@code sms}, {@code web}, {@code kiosk}, {@code import}) of the
     * unit's subtree over the whole period: the channel categories of the published atomic cells only, so each is a
     * sum of figures that are 0 or at least k and they add up to the {@code responses} of the report's total.
     */
    @Transactional(readOnly = true)
    public Map<String, Long> publishedChannels(Unit unit, ReportPeriod period, Set<String> audiences) {
        CellSuppression suppression = new CellSuppression(config.getMinCellSize());
        return new TreeMap<>(suppression.aggregate(atoms(unit.id(), period, audiences, false).cells().values())
                .published().channels);
    }

    private Atoms atoms(String rootId, ReportPeriod period, Set<String> audiences, boolean withInvitations) {
        Map<CellSuppression.Key, CellSuppression.Counts> cells = new HashMap<>();
        store.monthlyCounts(rootId, period.from(), period.to(), audiences, row -> {
            CellSuppression.Counts c = cells.computeIfAbsent(key(row.unitId(), row.month(), row.audience()),
                    k -> new CellSuppression.Counts());
            c.responses += row.responses();
            c.promoters += row.promoters();
            c.passives += row.passives();
            c.detractors += row.detractors();
        });
        store.statementCounts(rootId, period.from(), period.to(), audiences, row -> {
            long[] sum = cells.computeIfAbsent(key(row.unitId(), row.month(), row.audience()), k -> new CellSuppression.Counts())
                    .statement(row.statementId());
            for (int i = 0; i < 5; i++) {
                sum[i] += row.counts()[i];
            }
            sum[CellSuppression.CANT_SAY] += row.cantSay();
        });
        store.channelCounts(rootId, period.from(), period.to(), audiences, row -> cells
                .computeIfAbsent(key(row.unitId(), row.month(), row.audience()), k -> new CellSuppression.Counts())
                .channels.merge(row.channel(), row.count(), Long::sum));
        Map<String, Map<YearMonth, Map<String, Long>>> invitations = new HashMap<>();
        if (withInvitations && !audiences.contains("staff")) { // invitations are customer feedback invitations
            store.invitationCounts(rootId, period.from(), period.to(), row -> invitations
                    .computeIfAbsent(row.unitId(), u -> new HashMap<>())
                    .computeIfAbsent(YearMonth.from(row.day()), m -> new HashMap<>())
                    .merge(row.channel(), row.count(), Long::sum));
        }
        return new Atoms(cells, invitations);
    }

    private static CellSuppression.Key key(String unit, LocalDate month, String audience) {
        return new CellSuppression.Key(unit, YearMonth.from(month), audience);
    }

    /** @param shown the unit itself, or its children */
    private List<Report> reports(Unit unit, List<Unit> shown, ReportPeriod period, Set<String> audiences) {
        Map<String, Unit> tree = store.subtree(unit.id());
        Map<String, Set<String>> descendants = descendants(tree, unit.id());
        Atoms atoms = atoms(unit.id(), period, audiences, true);
        List<AnalyticsStore.Visits> visits = store.visits(unit.id(), period.from(), period.to());
        CellSuppression suppression = new CellSuppression(config.getMinCellSize());
        List<ReportPeriod.Bucket> allBuckets = new ArrayList<>(period.buckets());
        allBuckets.add(new ReportPeriod.Bucket(period.from(), period.to(), "total"));
        List<Report> reports = new ArrayList<>();
        for (Unit u : shown) {
            Set<String> units = descendants.get(u.id());
            List<Cell> cells = new ArrayList<>();
            for (ReportPeriod.Bucket bucket : allBuckets) {
                cells.add(cell(bucket, units, atoms, suppression, visits));
            }
            reports.add(new Report(u, cells.get(cells.size() - 1), List.copyOf(cells.subList(0, cells.size() - 1))));
        }
        return reports;
    }

    private Cell cell(ReportPeriod.Bucket bucket, Set<String> units, Atoms atoms, CellSuppression suppression,
                      List<AnalyticsStore.Visits> visits) {
        YearMonth first = YearMonth.from(bucket.start());
        YearMonth last = YearMonth.from(bucket.end());
        List<CellSuppression.Counts> covered = new ArrayList<>();
        Map<String, Long> publishedPerUnit = new HashMap<>();
        atoms.cells().forEach((key, counts) -> {
            if (units.contains(key.unit()) && !key.month().isBefore(first) && !key.month().isAfter(last)) {
                covered.add(counts);
                if (suppression.publishable(counts)) {
                    publishedPerUnit.merge(key.unit(), counts.responses, Long::sum);
                }
            }
        });
        CellSuppression.Aggregate aggregate = suppression.aggregate(covered);
        CellSuppression.Counts sum = aggregate.published();
        boolean withheld = aggregate.withheld();
        if (sum.responses == 0 && withheld) {
            return new Cell(bucket.label(), bucket.start(), bucket.end(), null, SUPPRESSED, null, List.of(), null, null,
                    null, null, true);
        }
        Nps nps = null;
        if (sum.npsN() > 0) {
            NetPromoterScore score = NetPromoterScore.of((int) sum.promoters, (int) sum.passives, (int) sum.detractors);
            nps = new Nps(score.n(), score.promoters(), score.passives(), score.detractors(), round(score.score()),
                    round(score.lower()), round(score.upper()));
        }
        List<Statement> statements = new ArrayList<>();
        sum.statements.forEach((id, counts) -> {
            long answered = 0;
            for (long c : counts) {
                answered += c;
            }
            if (answered == 0) { // a statement nobody answered in the cell is not listed
                return;
            }
            StatementSummary summary = StatementSummary.of(new int[]{(int) counts[0], (int) counts[1], (int) counts[2],
                    (int) counts[3], (int) counts[4]}, (int) counts[CellSuppression.CANT_SAY]);
            statements.add(new Statement(id, summary.n(), summary.mean() == null ? null : round(summary.mean()),
                    Arrays.copyOf(counts, 5), summary.agreePercent() == null ? null : round(summary.agreePercent()),
                    counts[CellSuppression.CANT_SAY]));
        });
        // rates only when every answer of the cell is in it: published answers over all visits would understate
        Long visitCount = visits(bucket, units, publishedPerUnit, visits);
        Double responseRate = visitCount == null || visitCount == 0 || withheld ? null
                : round(100.0 * sum.responses / visitCount);
        Map<String, Long> issuedPerChannel = new TreeMap<>();
        atoms.invitations().forEach((unitId, perMonth) -> {
            if (units.contains(unitId)) {
                perMonth.forEach((month, perChannel) -> {
                    if (!month.isBefore(first) && !month.isAfter(last)) {
                        perChannel.forEach((channel, n) -> issuedPerChannel.merge(channel, n, Long::sum));
                    }
                });
            }
        });
        long issued = issuedPerChannel.values().stream().mapToLong(Long::longValue).sum();
        Long invitations = issued > 0 ? issued : null;
        Double invitationRate = null;
        if (issued > 0 && !withheld) {
            // the numerator: published responses through the channels that had invitations (a sum of published
            // channel categories, each 0 or at least k)
            long invited = issuedPerChannel.entrySet().stream().filter(e -> e.getValue() > 0)
                    .mapToLong(e -> sum.channels.getOrDefault(e.getKey(), 0L)).sum();
            invitationRate = round(100.0 * invited / issued);
        }
        return new Cell(bucket.label(), bucket.start(), bucket.end(), sum.responses, null, nps, statements, visitCount,
                responseRate, invitations, invitationRate, withheld);
    }

    /**
     * Visits of the unit set in the bucket, or null when they do not cover it: a visit row reaching outside
     * the bucket (a month in a weekly report), or a unit with answers but without visits for every day.
     */
    private static Long visits(ReportPeriod.Bucket bucket, Set<String> units, Map<String, Long> publishedPerUnit, List<AnalyticsStore.Visits> visits) {
        long bucketDays = ChronoUnit.DAYS.between(bucket.start(), bucket.end()) + 1;
        Map<String, Long> coveredDays = new HashMap<>();
        long total = 0;
        boolean any = false;
        for (AnalyticsStore.Visits v : visits) {
            if (!units.contains(v.unitId()) || v.end().isBefore(bucket.start()) || v.start().isAfter(bucket.end())) {
                continue;
            }
            if (v.start().isBefore(bucket.start()) || v.end().isAfter(bucket.end())) {
                return null;
            }
            any = true;
            total += v.visits();
            coveredDays.merge(v.unitId(), ChronoUnit.DAYS.between(v.start(), v.end()) + 1, Long::sum);
        }
        if (!any) {
            return null;
        }
        for (String unit : units) {
            if (publishedPerUnit.getOrDefault(unit, 0L) > 0 && coveredDays.getOrDefault(unit, 0L) < bucketDays) {
                return null;
            }
        }
        return total;
    }

    /** Each unit of the tree and every unit under it (itself included). */
    private static Map<String, Set<String>> descendants(Map<String, Unit> tree, String rootId) {
        Map<String, Set<String>> result = new HashMap<>();
        for (String id : tree.keySet()) {
            for (String node = id; node != null; node = node.equals(rootId) ? null : tree.get(node).parentId()) {
                result.computeIfAbsent(node, n -> new HashSet<>()).add(id);
            }
        }
        return result;
    }

    /** Two decimals, half away from zero (Math.round would give −3.12 for −3.125 but 3.13 for 3.125). */
    static double round(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }
}
