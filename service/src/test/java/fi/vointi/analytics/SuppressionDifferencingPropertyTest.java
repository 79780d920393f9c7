package fi.vointi.analytics;

import fi.vointi.analytics.CellSuppression.Counts;
import fi.vointi.analytics.CellSuppression.Key;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 13 case 5: random data sets over a small unit tree, six months, four audiences and their categories; every
 * report cell a manager can request (a unit's subtree or a child's, any run of whole months — a month, quarter, year
 * or total bucket is one —, the customer group or one audience) is computed with {@link CellSuppression}, and:
 * <ul>
 *     <li>no published figure is 1 … k−1;</li>
 *     <li>for every two report cells of which one covers the other (so their difference counts a definite group of
 *     people), no figure's difference is 1 … k−1;</li>
 *     <li>replacing every withheld atomic cell by other withheld data changes no figure of any report: no combination
 *     of any number of reports can recover anything of a withheld cell.</li>
 * </ul>
 * Seeded and bounded; plain JUnit on the pure class.
 */
class SuppressionDifferencingPropertyTest {
    private static final int K = 5;
    private static final List<String> UNITS = List.of("r", "a", "b", "a1", "a2");
    private static final Map<String, String> PARENT = Map.of("a", "r", "b", "r", "a1", "a", "a2", "a");
    private static final List<YearMonth> MONTHS = List.of(YearMonth.of(2025, 1), YearMonth.of(2025, 2), YearMonth.of(2025, 3),
            YearMonth.of(2025, 4), YearMonth.of(2025, 5), YearMonth.of(2025, 6));
    private static final List<String> AUDIENCES = List.of("adult", "child", "relative", "staff");
    private static final List<Set<String>> AUDIENCE_SETS = List.of(Set.of("adult", "child", "relative"), Set.of("adult"),
            Set.of("child"), Set.of("relative"), Set.of("staff"));
    private static final List<String> STATEMENTS = List.of("s1", "s2");
    private static final List<String> CHANNELS = List.of("qr", "sms", "web");

    private final CellSuppression rule = new CellSuppression(K);

    /** A report cell: a unit's subtree, months first..last (indexes), an audience set. */
    private record Query(String unit, int first, int last, Set<String> audiences) {
        boolean covers(Query other) {
            return subtree(unit).containsAll(subtree(other.unit)) && first <= other.first && last >= other.last
                    && audiences.containsAll(other.audiences);
        }
    }

    private static Set<String> subtree(String unit) {
        Set<String> units = new java.util.HashSet<>();
        for (String u : UNITS) {
            for (String n = u; n != null; n = PARENT.get(n)) {
                if (n.equals(unit)) {
                    units.add(u);
                }
            }
        }
        return units;
    }

    private static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (String unit : UNITS) {
            for (int first = 0; first < MONTHS.size(); first++) {
                for (int last = first; last < MONTHS.size(); last++) {
                    for (Set<String> audiences : AUDIENCE_SETS) {
                        queries.add(new Query(unit, first, last, audiences));
                    }
                }
            }
        }
        return queries;
    }

    /** One atomic cell: answers that bunch in one or two categories of each partition, so that some cells publish. */
    private static Counts atomic(Random random) {
        Counts c = new Counts();
        int n = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 6 : 14);
        c.responses = n;
        int[] nps = bunched(random, n, 4);
        c.promoters = nps[0];
        c.passives = nps[1];
        c.detractors = nps[2]; // nps[3]: no recommendation
        for (String s : STATEMENTS) {
            int[] answers = bunched(random, n, 7); // 1..5, can't say, no answer
            long[] counts = c.statement(s);
            for (int i = 0; i < 6; i++) {
                counts[i] = answers[i];
            }
        }
        int[] channels = bunched(random, n, CHANNELS.size());
        for (int i = 0; i < CHANNELS.size(); i++) {
            if (channels[i] > 0) {
                c.channels.put(CHANNELS.get(i), (long) channels[i]);
            }
        }
        return c;
    }

    /** n split over {@code categories}: often all in one, sometimes in two halves, otherwise scattered. */
    private static int[] bunched(Random random, int n, int categories) {
        int[] split = new int[categories];
        int main = random.nextInt(categories);
        int other = random.nextInt(categories);
        int mode = random.nextInt(6);
        if (mode < 4) { // all in one category
            split[main] = n;
            return split;
        }
        if (mode == 4) { // two chunks
            split[main] += n / 2;
            split[other] += n - n / 2;
            return split;
        }
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(10);
            split[r < 7 ? main : r < 9 ? other : random.nextInt(categories)]++;
        }
        return split;
    }

    /** Every figure a report cell publishes (the withheld flag last, as 0/1). */
    private List<Long> figures(Map<Key, Counts> atoms, Query q) {
        Set<String> units = subtree(q.unit());
        List<Counts> covered = new ArrayList<>();
        atoms.forEach((key, counts) -> {
            int month = MONTHS.indexOf(key.month());
            if (units.contains(key.unit()) && month >= q.first() && month <= q.last() && q.audiences().contains(key.audience())) {
                covered.add(counts);
            }
        });
        CellSuppression.Aggregate aggregate = rule.aggregate(covered);
        Counts sum = aggregate.published();
        List<Long> figures = new ArrayList<>(List.of(sum.responses, sum.npsN(), sum.promoters, sum.passives, sum.detractors));
        for (String s : STATEMENTS) {
            long[] counts = sum.statements.getOrDefault(s, new long[6]);
            long n = 0;
            for (int i = 0; i < 6; i++) {
                figures.add(counts[i]);
                n += i < 5 ? counts[i] : 0;
            }
            figures.add(n);
        }
        for (String channel : CHANNELS) {
            figures.add(sum.channels.getOrDefault(channel, 0L));
        }
        figures.add(aggregate.withheld() ? 1L : 0L);
        return figures;
    }

    @Test
    void noTwoReportsAManagerCanRequestRevealASmallCell() {
        List<Query> queries = queries();
        long nestedPairs = 0;
        long withheldCells = 0;
        long publishedCells = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            Map<Key, Counts> atoms = new HashMap<>();
            for (String unit : UNITS) {
                for (YearMonth month : MONTHS) {
                    for (String audience : AUDIENCES) {
                        Counts c = atomic(random);
                        if (c.responses > 0) {
                            atoms.put(new Key(unit, month, audience), c);
                        }
                    }
                }
            }
            for (Counts c : atoms.values()) {
                if (rule.publishable(c)) {
                    publishedCells++;
                } else {
                    withheldCells++;
                }
            }
            List<List<Long>> published = new ArrayList<>();
            for (Query q : queries) {
                List<Long> f = figures(atoms, q);
                for (int i = 0; i < f.size() - 1; i++) {
                    if (f.get(i) > 0 && f.get(i) < K) {
                        fail("seed " + seed + ": " + q + " publishes figure " + i + " = " + f.get(i));
                    }
                }
                published.add(f);
            }
            for (int x = 0; x < queries.size(); x++) {
                for (int y = 0; y < queries.size(); y++) {
                    if (x == y || !queries.get(x).covers(queries.get(y))) {
                        continue;
                    }
                    nestedPairs++;
                    List<Long> big = published.get(x);
                    List<Long> small = published.get(y);
                    for (int i = 0; i < big.size() - 1; i++) {
                        long difference = big.get(i) - small.get(i);
                        if (difference != 0 && difference < K) {
                            fail("seed " + seed + ": " + queries.get(x) + " minus " + queries.get(y) + ", figure " + i
                                    + " = " + difference);
                        }
                    }
                }
            }
            // indistinguishability: other withheld data in every withheld cell, the same reports
            Map<Key, Counts> other = new HashMap<>(atoms);
            Random replacement = new Random(seed * 7919);
            atoms.forEach((key, counts) -> {
                if (!rule.publishable(counts)) {
                    Counts c;
                    do {
                        c = atomic(replacement);
                    } while (c.responses == 0 || rule.publishable(c));
                    other.put(key, c);
                }
            });
            for (int x = 0; x < queries.size(); x++) {
                assertEquals(published.get(x), figures(other, queries.get(x)), "seed " + seed + ": " + queries.get(x));
            }
        }
        // the search was not empty: both kinds of cells and many nested pairs occurred
        assertTrue(withheldCells > 1000 && publishedCells > 100, withheldCells + " withheld, " + publishedCells + " published");
        assertTrue(nestedPairs > 100_000, "nested pairs " + nestedPairs);
    }
}
