package fi.vointi.analytics;

import fi.vointi.analytics.AnalyticsStore.Unit;
import fi.vointi.analytics.CellSuppression.Decision;
import fi.vointi.analytics.CellSuppression.State;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the feedback reports of a unit (or of each of its children) for a period: one cell per bucket and
 * one for the whole period, each protected by {@link CellSuppression} over the subtree of the unit's parent
 * (enough for the decisions of the unit and its children to equal those of the whole county).
 */
@Singleton
public class FeedbackReports {
    private static final int RESPONSES = 0;
    private static final int NPS_N = 1;
    private static final int PROMOTERS = 2;
    private static final int PASSIVES = 3;
    private static final int DETRACTORS = 4;
    /** The reason given for every suppressed cell. */
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
     * answers apart ({@code mean} and {@code agreePercent} null when every answer was "can't say"); or, when its answers
     * (1..5 and "can't say" together) are suppressed, only {@code id} and {@code suppression}.
     */
    public record Statement(String id, Long n, Double mean, long[] distribution, Double agreePercent, Long cantSay,
                            String suppression) {
    }

    /**
     * One published (or suppressed) cell. {@code suppression} is null when the counts are shown, otherwise
     * {@link #SUPPRESSED}, and then every figure is null.
     */
    public record Cell(String label, LocalDate from, LocalDate to, Long responses, String suppression, Nps nps,
                       String npsSuppression, List<Statement> statements, Long visits, Double responseRate,
                       Long invitations, Double invitationRate) {
    }

    public record Report(Unit unit, Cell total, List<Cell> series) {
    }

    /** Position of the "can't say" answers in a statement's per-unit counts (after the answers 1..5). */
    private static final int CANT_SAY = 5;

    /** Counts of one bucket: per unit own figures, per statement per unit own counts (1..5, then can't say). */
    private static final class BucketCounts {
        final Map<String, long[]> daily = new HashMap<>();
        final Map<String, Map<String, long[]>> statements = new TreeMap<>();
        final Map<String, Map<String, Long>> channels = new HashMap<>();
        final Map<String, Map<String, Long>> invitations = new HashMap<>();
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

    /** @param shown the unit itself, or its children */
    private List<Report> reports(Unit unit, List<Unit> shown, ReportPeriod period, Set<String> audiences) {
        boolean children = !shown.get(0).id().equals(unit.id());
        // the suppression tree: the subtree of the parent of the shown units
        String treeRoot = children ? unit.id() : unit.parentId() == null ? unit.id() : unit.parentId();
        Map<String, Unit> tree = store.subtree(treeRoot);
        Map<String, String> parentOf = new LinkedHashMap<>();
        tree.values().forEach(u -> parentOf.put(u.id(), u.id().equals(treeRoot) ? null : u.parentId()));

        List<ReportPeriod.Bucket> buckets = period.buckets();
        LocalDate[] starts = buckets.stream().map(ReportPeriod.Bucket::start).toArray(LocalDate[]::new);
        List<BucketCounts> counts = new ArrayList<>();
        for (int i = 0; i <= buckets.size(); i++) {
            counts.add(new BucketCounts()); // the last one is the whole period
        }
        BucketCounts whole = counts.get(buckets.size());
        boolean byMonth = period.granularity().compareTo(Granularity.MONTH) >= 0;
        store.dailyCounts(treeRoot, period.from(), period.to(), audiences, byMonth, row -> {
            long[] values = {row.responses(), row.npsN(), row.promoters(), row.passives(), row.detractors()};
            for (BucketCounts target : List.of(counts.get(index(starts, row.day())), whole)) {
                long[] sum = target.daily.computeIfAbsent(row.unitId(), u -> new long[5]);
                for (int i = 0; i < 5; i++) {
                    sum[i] += values[i];
                }
            }
        });
        store.statementCounts(treeRoot, period.from(), period.to(), audiences, byMonth, row -> {
            for (BucketCounts target : List.of(counts.get(index(starts, row.day())), whole)) {
                long[] sum = target.statements.computeIfAbsent(row.statementId(), s -> new HashMap<>())
                        .computeIfAbsent(row.unitId(), u -> new long[6]);
                for (int i = 0; i < 5; i++) {
                    sum[i] += row.counts()[i];
                }
                sum[CANT_SAY] += row.cantSay();
            }
        });
        boolean[] invited = {false};
        if (!audiences.contains("staff")) { // invitations are customer feedback invitations
            store.invitationCounts(treeRoot, period.from(), period.to(), byMonth, row -> {
                invited[0] = true;
                for (BucketCounts target : List.of(counts.get(index(starts, row.day())), whole)) {
                    target.invitations.computeIfAbsent(row.unitId(), u -> new HashMap<>()).merge(row.channel(), row.count(), Long::sum);
                }
            });
        }
        if (invited[0]) { // responses per channel matter only as the numerator of the invitation rate
            store.channelCounts(treeRoot, period.from(), period.to(), audiences, byMonth, row -> {
                for (BucketCounts target : List.of(counts.get(index(starts, row.day())), whole)) {
                    target.channels.computeIfAbsent(row.unitId(), u -> new HashMap<>()).merge(row.channel(), row.count(), Long::sum);
                }
            });
        }
        List<AnalyticsStore.Visits> visits = store.visits(treeRoot, period.from(), period.to());

        Map<String, Set<String>> descendants = descendants(tree, parentOf);
        CellSuppression suppression = new CellSuppression(config.getMinCellSize());
        List<ReportPeriod.Bucket> allBuckets = new ArrayList<>(buckets);
        allBuckets.add(new ReportPeriod.Bucket(period.from(), period.to(), "total"));
        Map<String, List<Cell>> cells = new LinkedHashMap<>();
        shown.forEach(u -> cells.put(u.id(), new ArrayList<>()));
        // one decision per measure over the whole series (the last bucket is the total): buckets and total
        // protect each other too, and NPS and statements go wherever the response count goes
        List<Map<String, Decision>> responseStates = suppression.decideSeries(parentOf,
                counts.stream().map(c -> own(c.daily, RESPONSES)).toList(), noneForced(counts.size()));
        List<Set<String>> hiddenCells = new ArrayList<>();
        for (Map<String, Decision> bucket : responseStates) {
            Set<String> hiddenHere = new HashSet<>();
            bucket.forEach((node, d) -> {
                if (!d.state().shown()) {
                    hiddenHere.add(node);
                }
            });
            hiddenCells.add(hiddenHere);
        }
        List<Map<String, Decision>> npsStates = suppression.decideSeries(parentOf,
                counts.stream().map(c -> own(c.daily, NPS_N)).toList(), hiddenCells);
        Map<String, List<Map<String, Decision>>> statementStates = new TreeMap<>();
        Set<String> statementIds = new TreeSet<>();
        counts.forEach(c -> statementIds.addAll(c.statements.keySet()));
        for (String id : statementIds) {
            statementStates.put(id, suppression.decideSeries(parentOf, counts.stream()
                    .map(c -> ownStatements(c.statements.getOrDefault(id, Map.of()))).toList(), hiddenCells));
        }
        // the numerator of the invitation rate is a sub-count of the responses: protected like one
        List<Map<String, Long>> invitedOwn = counts.stream().map(FeedbackReports::invitedResponses).toList();
        List<Map<String, Decision>> invitedStates = suppression.decideSeries(parentOf, invitedOwn, hiddenCells);
        for (int b = 0; b < allBuckets.size(); b++) {
            ReportPeriod.Bucket bucket = allBuckets.get(b);
            BucketCounts c = counts.get(b);
            for (Unit u : shown) {
                int i = b;
                Map<String, State> statementsHere = new TreeMap<>();
                statementStates.forEach((id, series) -> statementsHere.put(id, series.get(i).get(u.id()).state()));
                cells.get(u.id()).add(cell(bucket, c, descendants.get(u.id()), responseStates.get(b).get(u.id()).state(),
                        npsStates.get(b).get(u.id()).state(), statementsHere, invitedOwn.get(b),
                        invitedStates.get(b).get(u.id()).state(), visits));
            }
        }
        List<Report> reports = new ArrayList<>();
        for (Unit u : shown) {
            List<Cell> series = cells.get(u.id());
            reports.add(new Report(u, series.get(series.size() - 1), List.copyOf(series.subList(0, series.size() - 1))));
        }
        return reports;
    }

    private Cell cell(ReportPeriod.Bucket bucket, BucketCounts c, Set<String> units, State responseState, State npsState,
                      Map<String, State> statementStates, Map<String, Long> invitedOwn, State invitedState,
                      List<AnalyticsStore.Visits> visits) {
        long[] sum = new long[5];
        for (String unit : units) {
            long[] own = c.daily.get(unit);
            if (own != null) {
                for (int i = 0; i < 5; i++) {
                    sum[i] += own[i];
                }
            }
        }
        if (!responseState.shown()) {
            return new Cell(bucket.label(), bucket.start(), bucket.end(), null, code(responseState), null, null,
                    List.of(), null, null, null, null);
        }
        Nps nps = null;
        String npsSuppression = null;
        if (!npsState.shown()) {
            npsSuppression = code(npsState);
        } else if (sum[NPS_N] > 0) {
            NetPromoterScore score = NetPromoterScore.of((int) sum[PROMOTERS], (int) sum[PASSIVES], (int) sum[DETRACTORS]);
            nps = new Nps(score.n(), score.promoters(), score.passives(), score.detractors(), round(score.score()),
                    round(score.lower()), round(score.upper()));
        }
        List<Statement> statements = new ArrayList<>();
        c.statements.forEach((id, perUnit) -> {
            long[] counts = new long[6];
            for (String unit : units) {
                long[] own = perUnit.get(unit);
                if (own != null) {
                    for (int i = 0; i < 6; i++) {
                        counts[i] += own[i];
                    }
                }
            }
            // the statement's answers, "can't say" included, are what suppression protects (ownStatements)
            if (answered(counts) == 0) {
                return;
            }
            State state = statementStates.get(id);
            if (!state.shown()) {
                statements.add(new Statement(id, null, null, null, null, null, code(state)));
            } else {
                StatementSummary summary = StatementSummary.of(new int[]{(int) counts[0], (int) counts[1], (int) counts[2],
                        (int) counts[3], (int) counts[4]}, (int) counts[CANT_SAY]);
                statements.add(new Statement(id, (long) summary.n(), summary.mean() == null ? null : round(summary.mean()),
                        java.util.Arrays.copyOf(counts, 5), summary.agreePercent() == null ? null : round(summary.agreePercent()),
                        counts[CANT_SAY], null));
            }
        });
        Long visitCount = visits(bucket, units, c, visits);
        Double responseRate = visitCount == null || visitCount == 0 ? null : round(100.0 * sum[RESPONSES] / visitCount);
        Long issued = null;
        Double invitationRate = null;
        long issuedSum = 0;
        long invited = 0;
        for (String unit : units) {
            issuedSum += c.invitations.getOrDefault(unit, Map.of()).values().stream().mapToLong(Long::longValue).sum();
            invited += invitedOwn.getOrDefault(unit, 0L);
        }
        if (issuedSum > 0) {
            issued = issuedSum;
            if (invitedState.shown()) {
                invitationRate = round(100.0 * invited / issuedSum);
            }
        }
        return new Cell(bucket.label(), bucket.start(), bucket.end(), sum[RESPONSES], null, nps, npsSuppression,
                statements, visitCount, responseRate, issued, invitationRate);
    }

    /**
     * Visits of the unit set in the bucket, or null when they do not cover it: a visit row reaching outside
     * the bucket (a month in a weekly report), or a unit with answers but without visits for every day.
     */
    private static Long visits(ReportPeriod.Bucket bucket, Set<String> units, BucketCounts c, List<AnalyticsStore.Visits> visits) {
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
            long[] own = c.daily.get(unit);
            if (own != null && own[RESPONSES] > 0 && coveredDays.getOrDefault(unit, 0L) < bucketDays) {
                return null;
            }
        }
        return total;
    }

    private static Map<String, Long> own(Map<String, long[]> daily, int measure) {
        Map<String, Long> own = new HashMap<>();
        daily.forEach((unit, values) -> own.put(unit, values[measure]));
        return own;
    }

    /** Per unit, its responses through the channels that had invitations in the bucket anywhere in the tree (sms). */
    private static Map<String, Long> invitedResponses(BucketCounts c) {
        Set<String> invitedChannels = new TreeSet<>();
        c.invitations.values().forEach(perChannel -> perChannel.forEach((channel, issued) -> {
            if (issued > 0) {
                invitedChannels.add(channel);
            }
        }));
        Map<String, Long> own = new HashMap<>();
        c.channels.forEach((unit, perChannel) -> own.put(unit,
                invitedChannels.stream().mapToLong(ch -> perChannel.getOrDefault(ch, 0L)).sum()));
        return own;
    }

    private static List<Set<String>> noneForced(int buckets) {
        List<Set<String>> none = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            none.add(Set.of());
        }
        return none;
    }

    /**
     * Per unit, its answers to one statement, "can't say" included: the count suppression protects. The published n
     * (1..5 answers), distribution and cantSay are all parts of it, like the distribution's counts are parts of n.
     */
    private static Map<String, Long> ownStatements(Map<String, long[]> perUnit) {
        Map<String, Long> own = new HashMap<>();
        perUnit.forEach((unit, c) -> own.put(unit, answered(c)));
        return own;
    }

    private static long answered(long[] statementCounts) {
        long sum = 0;
        for (long count : statementCounts) {
            sum += count;
        }
        return sum;
    }

    /** Each unit of the tree and every unit under it (itself included). */
    private static Map<String, Set<String>> descendants(Map<String, Unit> tree, Map<String, String> parentOf) {
        Map<String, Set<String>> result = new HashMap<>();
        for (String id : tree.keySet()) {
            for (String node = id; node != null; node = parentOf.get(node)) {
                result.computeIfAbsent(node, n -> new java.util.HashSet<>()).add(id);
            }
        }
        return result;
    }

    private static int index(LocalDate[] starts, LocalDate day) {
        int i = java.util.Arrays.binarySearch(starts, day);
        return i >= 0 ? i : -i - 2;
    }

    /**
     * One reason for every suppressed cell: telling "small" (1…k−1) from "complementary" (at least k) would let
     * a reader solve small + complementary = k + 1 as exactly 1 and k.
     */
    static String code(State state) {
        return state.shown() ? null : SUPPRESSED;
    }

    /** Two decimals, half away from zero (Math.round would give −3.12 for −3.125 but 3.13 for 3.125). */
    static double round(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }
}
