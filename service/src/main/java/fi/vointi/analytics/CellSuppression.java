package fi.vointi.analytics;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small-cell suppression on atomic cells (docs/analytics.md): the atomic cell is one unit's own answers in one
 * calendar month from one audience (adult, child, relative, staff). An atomic cell is published only when its
 * response count and every category inside it (promoters, passives, detractors, no recommendation; each
 * statement's answers 1…5, "can't say" and no answer; each channel) is 0 or at least k; otherwise the whole
 * atomic cell is withheld. The decision depends on the atomic cell alone, so it is the same in every report.
 *
 * <p>Every figure a report publishes (a longer period, a subtree, an audience group) is a sum of published
 * atomic cells only. A withheld cell therefore changes no published figure, and the difference of two reports
 * whose cells nest is itself a sum of published atomic cells: every category 0 or at least k.
 *
 * <p>Pure logic, no framework.
 */
public final class CellSuppression {
    /** Index of the "can't say" answers in a statement's counts (after the answers 1..5). */
    public static final int CANT_SAY = 5;

    /** The atomic cell: one unit's own answers in one calendar month from one audience. */
    public record Key(String unit, YearMonth month, String audience) {
    }

    /** Counts of one atomic cell, or a sum of published ones. Mutable, for accumulation. */
    public static final class Counts {
        public long responses;
        public long promoters;
        public long passives;
        public long detractors;
        /** per statement id: answers 1..5, then "can't say" */
        public final Map<String, long[]> statements = new TreeMap<>();
        /** per channel: responses */
        public final Map<String, Long> channels = new TreeMap<>();

        public long npsN() {
            return promoters + passives + detractors;
        }

        public long[] statement(String id) {
            return statements.computeIfAbsent(id, s -> new long[6]);
        }

        public void add(Counts other) {
            responses += other.responses;
            promoters += other.promoters;
            passives += other.passives;
            detractors += other.detractors;
            other.statements.forEach((id, counts) -> {
                long[] sum = statement(id);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += counts[i];
                }
            });
            other.channels.forEach((channel, n) -> channels.merge(channel, n, Long::sum));
        }

        /**
         * Every count a reader could see or derive from this cell alone: the responses, and each category of each
         * partition of them (NPS categories with "no recommendation", each statement's answers with "no answer",
         * the channels). Sums of categories (nps n, a statement's n) are sums of these.
         */
        public List<Long> categories() {
            List<Long> categories = new ArrayList<>();
            categories.add(responses);
            categories.add(promoters);
            categories.add(passives);
            categories.add(detractors);
            categories.add(responses - npsN());
            statements.values().forEach(counts -> {
                long answered = 0;
                for (long c : counts) {
                    categories.add(c);
                    answered += c;
                }
                categories.add(responses - answered);
            });
            categories.addAll(channels.values());
            return categories;
        }
    }

    /**
     * What a report publishes for a set of atomic cells: the sum of the published ones, and whether any cell with
     * answers was withheld (a flag only, never a count: the count of withheld answers would be differenced).
     */
    public record Aggregate(Counts published, boolean withheld) {
    }

    private final int minCellSize;

    public CellSuppression(int minCellSize) {
        if (minCellSize < 1) {
            throw new IllegalArgumentException("minimum cell size must be at least 1");
        }
        this.minCellSize = minCellSize;
    }

    public int minCellSize() {
        return minCellSize;
    }

    /** An atomic cell is published when every one of its categories is 0 or at least k. */
    public boolean publishable(Counts atomic) {
        return publishable(atomic.categories());
    }

    /**
     * The same rule for an atomic cell of another kind of count (PROM usage: unit × questionnaire × month), given as
     * every count a reader could see or derive from it: published when each is 0 or at least k.
     */
    public boolean publishable(java.util.Collection<Long> categories) {
        return categories.stream().allMatch(c -> c == 0 || c >= minCellSize);
    }

    /** The published sum of atomic cells (only those published), and whether one with answers was withheld. */
    public Aggregate aggregate(Iterable<Counts> atomicCells) {
        Counts sum = new Counts();
        boolean withheld = false;
        for (Counts cell : atomicCells) {
            if (publishable(cell)) {
                sum.add(cell);
            } else {
                withheld = true;
            }
        }
        return new Aggregate(sum, withheld);
    }
}
