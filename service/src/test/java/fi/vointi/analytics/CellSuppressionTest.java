package fi.vointi.analytics;

import fi.vointi.analytics.CellSuppression.State;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellSuppressionTest {
    private final CellSuppression rule = new CellSuppression(5);

    private static Map<String, String> tree(String... childParentPairs) {
        Map<String, String> parentOf = new LinkedHashMap<>();
        for (int i = 0; i < childParentPairs.length; i += 2) {
            parentOf.put(childParentPairs[i], childParentPairs[i + 1]);
        }
        return parentOf;
    }

    private static Map<String, Long> counts(Object... unitCountPairs) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < unitCountPairs.length; i += 2) {
            counts.put((String) unitCountPairs[i], ((Number) unitCountPairs[i + 1]).longValue());
        }
        return counts;
    }

    @Test
    void smallCellsAreSuppressedAndEmptyOnesShown() {
        Map<String, State> states = rule.decide(tree("s", null, "a", "s", "b", "s", "c", "s"),
                counts("a", 7, "b", 6, "c", 0));
        assertEquals(State.PUBLISHED, states.get("s"));
        assertEquals(State.PUBLISHED, states.get("a"));
        assertEquals(State.PUBLISHED, states.get("b"));
        assertEquals(State.PUBLISHED, states.get("c"), "0 answers reveal nobody");
        assertEquals(State.SMALL, rule.decide(tree("x", null), counts("x", 4)).get("x"));
        assertEquals(State.PUBLISHED, rule.decide(tree("x", null), counts("x", 5)).get("x"));
    }

    @Test
    void subtractionAttackParentMinusChild() {
        // parent 12 = A 8 + B 4: publishing parent and A would reveal B = 12 - 8
        Map<String, State> states = rule.decide(tree("p", null, "a", "p", "b", "p"), counts("a", 8, "b", 4));
        assertEquals(State.PUBLISHED, states.get("p"));
        assertEquals(State.SMALL, states.get("b"));
        assertEquals(State.COMPLEMENTARY, states.get("a"));
        // what an attacker can compute: parent minus published children = 12 >= 5
        assertEquals(12, hiddenBelow("p", states, tree("p", null, "a", "p", "b", "p"), Map.of("p", 12L, "a", 8L, "b", 4L)));
    }

    @Test
    void siblingSumsBelowThresholdTakeABiggerSiblingAlong() {
        // two small siblings 2 + 2: their sum 4 would be revealed by parent minus the big one
        Map<String, State> states = rule.decide(tree("p", null, "a", "p", "b", "p", "c", "p", "d", "p"),
                counts("a", 2, "b", 2, "c", 20, "d", 9));
        assertEquals(State.SMALL, states.get("a"));
        assertEquals(State.SMALL, states.get("b"));
        assertEquals(State.COMPLEMENTARY, states.get("d"), "the smallest published sibling is taken");
        assertEquals(State.PUBLISHED, states.get("c"));
        assertEquals(State.PUBLISHED, states.get("p"));
        // two small siblings whose sum is already >= 5 need no complement
        Map<String, State> enough = rule.decide(tree("p", null, "a", "p", "b", "p", "c", "p"), counts("a", 3, "b", 4, "c", 20));
        assertEquals(State.PUBLISHED, enough.get("c"));
    }

    @Test
    void parentsOwnAnswersAreProtectedLikeAChild() {
        // a service with 3 answers of its own and one unit with 10: service 13 - unit 10 would reveal the 3
        Map<String, State> states = rule.decide(tree("s", null, "u", "s"), counts("s", 3, "u", 10));
        assertEquals(State.COMPLEMENTARY, states.get("u"));
        assertEquals(State.PUBLISHED, states.get("s"));
    }

    @Test
    void onlyChildCannotHideAndTheParentGoes() {
        // area > service > unit 3 + unit 9; the service cannot protect its small unit except by hiding the other
        // one; an only child with a small remainder in the parent: nothing to hide it with -> the parent is hidden
        Map<String, State> states = rule.decide(tree("p", null, "a", "p"), counts("p", 2, "a", 0));
        assertEquals(State.SMALL, states.get("p"));
        Map<String, State> leaf = rule.decide(tree("g", null, "p", "g", "a", "p"), counts("p", 2, "a", 6, "g", 0));
        assertEquals(State.COMPLEMENTARY, leaf.get("a"));
        assertEquals(State.PUBLISHED, leaf.get("p"));
        assertEquals(State.PUBLISHED, leaf.get("g"), "g = p exactly, nothing hidden below g");
    }

    @Test
    void complementaryChoiceSkipsChildrenThatHideNothing() {
        // service s2 has units that are all published (hidden mass 0): suppressing s2 would hide nothing,
        // because s2 = u1 + u2. Area a has s1 (3 answers, small) and s2 (5 + 6) and a leaf-like s3 (30).
        Map<String, String> parentOf = tree("a", null, "s1", "a", "s2", "a", "u1", "s2", "u2", "s2", "s3", "a");
        Map<String, State> states = rule.decide(parentOf, counts("s1", 3, "u1", 5, "u2", 6, "s3", 30));
        assertEquals(State.SMALL, states.get("s1"));
        assertEquals(State.PUBLISHED, states.get("s2"), "hiding s2 would hide nothing: it is u1 + u2");
        assertEquals(State.COMPLEMENTARY, states.get("s3"));
        assertEquals(State.PUBLISHED, states.get("a"));
        Map<String, Long> totals = Map.of("a", 44L, "s1", 3L, "s2", 11L, "u1", 5L, "u2", 6L, "s3", 30L);
        assertEquals(33, hiddenBelow("a", states, parentOf, totals));
    }

    @Test
    void decisionsDoNotDependOnHowMuchOfTheTreeIsGiven() {
        Map<String, String> county = tree("c", null, "a1", "c", "a2", "c", "s1", "a1", "u1", "s1", "u2", "s1", "u3", "a2");
        Map<String, Long> counts = counts("u1", 8, "u2", 4, "u3", 3);
        Map<String, State> whole = rule.decide(county, counts);
        Map<String, State> part = rule.decide(tree("s1", null, "u1", "s1", "u2", "s1"), counts);
        assertEquals(whole.get("u1"), part.get("u1"));
        assertEquals(whole.get("u2"), part.get("u2"));
        assertEquals(State.COMPLEMENTARY, whole.get("u1"));
    }

    @Test
    void manySingleAnswersUnderAPublishedParentAreNotRevealedAsOneEach() {
        // five units with one answer each and a big sibling: parent - big = 5 >= k, but each of the five
        // suppressed cells is known to hold at least 1, so 5 cells summing to 5 would be exactly 1 each
        Map<String, String> parentOf = tree("p", null, "a", "p", "b", "p", "c", "p", "d", "p", "e", "p", "big", "p");
        Map<String, State> states = rule.decide(parentOf, counts("a", 1, "b", 1, "c", 1, "d", 1, "e", 1, "big", 20));
        assertEquals(State.COMPLEMENTARY, states.get("big"));
        assertEquals(State.PUBLISHED, states.get("p"));
        // small 1 + complementary 5 = 6: the two cells could be 1 + 5 or 2 + 4 or 3 + 3; nothing pins either
        Map<String, State> pair = rule.decide(tree("p", null, "a", "p", "b", "p", "c", "p"), counts("a", 1, "b", 5, "c", 20));
        assertEquals(State.COMPLEMENTARY, pair.get("b"));
        assertEquals(State.PUBLISHED, pair.get("c"));
    }

    @Test
    void aSeriesMinusItsTotalRevealsNoSmallBucket() {
        // one unit under a service with a big sibling; months 3, 10, 10: total 23 - 10 - 10 would reveal March = 3
        Map<String, String> parentOf = tree("s", null, "u", "s", "v", "s");
        List<Map<String, Long>> buckets = List.of(counts("u", 3, "v", 30), counts("u", 10, "v", 30), counts("u", 12, "v", 30),
                counts("u", 25, "v", 90));
        List<Map<String, CellSuppression.Decision>> series = rule.decideSeries(parentOf, buckets,
                List.of(Set.of(), Set.of(), Set.of(), Set.of()));
        assertEquals(State.SMALL, series.get(0).get("u").state());
        assertEquals(State.COMPLEMENTARY, series.get(1).get("u").state(), "the smallest other month goes with March");
        assertEquals(State.PUBLISHED, series.get(2).get("u").state());
        assertEquals(State.PUBLISHED, series.get(3).get("u").state(), "total 25 - 12 = 13 hidden in two months");
        // and the month it went from is protected in its own hierarchy: s - v would give u again
        assertEquals(State.COMPLEMENTARY, series.get(1).get("v").state());
        for (int b = 0; b < 4; b++) {
            for (String node : parentOf.keySet()) {
                CellSuppression.Decision d = series.get(b).get(node);
                if (d.state().shown()) {
                    assertTrue(d.hidden() == 0 || d.hidden() - Math.max(0, d.pieces() - 1) >= 5, node + " in bucket " + b);
                }
            }
        }
        // every published total minus its published months hides 0 or enough
        for (String node : parentOf.keySet()) {
            long hidden = 0;
            for (int b = 0; b < 3; b++) {
                hidden += series.get(b).get(node).state().shown() ? 0 : series.get(b).get(node).hidden();
            }
            assertTrue(hidden == 0 || hidden >= 5, node + ": " + hidden);
        }
    }

    @Test
    void withoutAnotherMonthToHideTheTotalGoes() {
        // March 3 and April 0: total 3 is itself small; March 3, April 4: total 7 shown would give both... both small
        // anyway; March 4, April 5 (a leaf): April goes with March, the total stays
        Map<String, String> parentOf = tree("u", null);
        List<Map<String, CellSuppression.Decision>> series = rule.decideSeries(parentOf,
                List.of(counts("u", 4), counts("u", 5), counts("u", 9)), List.of(Set.of(), Set.of(), Set.of()));
        assertEquals(State.SMALL, series.get(0).get("u").state());
        assertEquals(State.COMPLEMENTARY, series.get(1).get("u").state());
        assertEquals(State.PUBLISHED, series.get(2).get("u").state());
        // one suppressed month alone would be given exactly by total - the others: a second one goes with it
        List<Map<String, CellSuppression.Decision>> one = rule.decideSeries(parentOf,
                List.of(counts("u", 0), counts("u", 7), counts("u", 8), counts("u", 15)), List.of(Set.of(), Set.of(), Set.of(), Set.of()));
        assertEquals(State.PUBLISHED, one.get(1).get("u").state(), "nothing is hidden, nothing to protect");
        // a node whose other months hide nothing (they are its published children's sums): its total goes
        Map<String, String> svc = tree("s", null, "a", "s", "b", "s");
        List<Map<String, CellSuppression.Decision>> own = rule.decideSeries(svc,
                List.of(counts("s", 1, "a", 10, "b", 10), counts("a", 10, "b", 10), counts("s", 1, "a", 20, "b", 20)),
                List.of(Set.of(), Set.of(), Set.of()));
        assertEquals(State.PUBLISHED, own.get(1).get("s").state());
        assertTrue(own.get(0).get("s").state().shown(), "21 = a + b + 1 own answer, a hidden with it");
        assertEquals(State.COMPLEMENTARY, own.get(0).get("a").state());
    }

    @Test
    void seriesDecisionsBelowANodeDoNotDependOnTheTreeAboveIt() {
        // reports compute a unit's cells over its parent's subtree, its parent's cells over the grandparent's:
        // the cells of everything below a node must come out the same in both, or one report would publish
        // what the other hides to protect an equation
        java.util.Random random = new java.util.Random(6);
        for (int round = 0; round < 2000; round++) {
            Map<String, String> parentOf = new LinkedHashMap<>();
            parentOf.put("g", null);
            parentOf.put("p", "g");
            parentOf.put("sibling", "g");
            List<String> nodes = new java.util.ArrayList<>(List.of("p"));
            for (int n = 0; n < 7; n++) {
                String id = "n" + n;
                parentOf.put(id, n < 3 ? "p" : nodes.get(random.nextInt(nodes.size())));
                nodes.add(id);
            }
            nodes.add("g");
            nodes.add("sibling");
            int buckets = 2 + random.nextInt(3);
            List<Map<String, Long>> counts = new java.util.ArrayList<>();
            Map<String, Long> total = new HashMap<>();
            for (int b = 0; b < buckets; b++) {
                Map<String, Long> bucket = new HashMap<>();
                for (String node : nodes) {
                    long c = random.nextInt(4) == 0 ? 0 : random.nextInt(9);
                    bucket.put(node, c);
                    total.merge(node, c, Long::sum);
                }
                counts.add(bucket);
            }
            counts.add(total);
            List<Set<String>> none = new java.util.ArrayList<>();
            counts.forEach(c -> none.add(Set.of()));
            List<Map<String, CellSuppression.Decision>> whole = rule.decideSeries(parentOf, counts, none);
            Map<String, String> below = new LinkedHashMap<>(parentOf);
            below.remove("g");
            below.remove("sibling");
            below.put("p", null);
            List<Map<String, Long>> belowCounts = new java.util.ArrayList<>();
            counts.forEach(c -> {
                Map<String, Long> copy = new HashMap<>(c);
                copy.remove("g");
                copy.remove("sibling");
                belowCounts.add(copy);
            });
            assertEverySubtractionHidesEnough(parentOf, counts, whole);
            List<Map<String, CellSuppression.Decision>> part = rule.decideSeries(below, belowCounts, none);
            for (int b = 0; b < counts.size(); b++) {
                for (String node : below.keySet()) {
                    if (!node.equals("p")) {
                        assertEquals(whole.get(b).get(node).state(), part.get(b).get(node).state(),
                                "round " + round + ", bucket " + b + ", " + node + " " + parentOf + " " + counts);
                    }
                }
            }
        }
    }

    /**
     * Recomputed independently of the rule: in every bucket, a published node minus what is published below it
     * leaves 0 or a mass of at least k per piece, never one suppressed cell alone; and a published total minus
     * the published buckets of the same node likewise.
     */
    private static void assertEverySubtractionHidesEnough(Map<String, String> parentOf, List<Map<String, Long>> counts,
                                                          List<Map<String, CellSuppression.Decision>> decisions) {
        int last = counts.size() - 1;
        for (int b = 0; b <= last; b++) {
            Map<String, CellSuppression.Decision> d = decisions.get(b);
            for (String node : parentOf.keySet()) {
                if (!d.get(node).state().shown()) {
                    continue;
                }
                long[] unknown = unknownBelow(node, parentOf, counts.get(b), d);
                long own = counts.get(b).getOrDefault(node, 0L);
                assertTrue(unknown[0] == 0 || unknown[0] - Math.max(0, unknown[1] - 1) >= 5 && (unknown[2] != 1 || own > 0),
                        node + " in bucket " + b + ": " + java.util.Arrays.toString(unknown));
            }
        }
        for (String node : parentOf.keySet()) {
            if (!decisions.get(last).get(node).state().shown()) {
                continue;
            }
            long mass = 0;
            long pieces = 0;
            long direct = 0;
            for (int b = 0; b < last; b++) {
                if (!decisions.get(b).get(node).state().shown()) {
                    long[] unknown = unknownBelow(node, parentOf, counts.get(b), decisions.get(b));
                    mass += unknown[0];
                    pieces += 1 + unknown[1];
                    direct++;
                }
            }
            assertTrue(mass == 0 || mass - (pieces - 1) >= 5 && direct != 1, node + " total minus its buckets: " + mass);
        }
    }

    /** {unknown mass, suppressed cells inside it, suppressed children}: the node's count minus its published frontier. */
    private static long[] unknownBelow(String node, Map<String, String> parentOf, Map<String, Long> own,
                                       Map<String, CellSuppression.Decision> d) {
        long mass = own.getOrDefault(node, 0L);
        long pieces = 0;
        long direct = 0;
        for (Map.Entry<String, String> e : parentOf.entrySet()) {
            if (node.equals(e.getValue()) && !d.get(e.getKey()).state().shown()) {
                long[] inner = unknownBelow(e.getKey(), parentOf, own, d);
                mass += inner[0];
                pieces += 1 + inner[1];
                direct++;
            }
        }
        return new long[]{mass, pieces, direct};
    }

    /** What subtracting the published children from a published node reveals. */
    private static long hiddenBelow(String node, Map<String, State> states, Map<String, String> parentOf, Map<String, Long> totals) {
        long published = parentOf.entrySet().stream().filter(e -> node.equals(e.getValue()) && states.get(e.getKey()).shown())
                .mapToLong(e -> totals.get(e.getKey())).sum();
        return totals.get(node) - published;
    }
}
