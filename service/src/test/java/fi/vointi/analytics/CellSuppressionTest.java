package fi.vointi.analytics;

import fi.vointi.analytics.CellSuppression.State;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /** What subtracting the published children from a published node reveals. */
    private static long hiddenBelow(String node, Map<String, State> states, Map<String, String> parentOf, Map<String, Long> totals) {
        long published = parentOf.entrySet().stream().filter(e -> node.equals(e.getValue()) && states.get(e.getKey()).shown())
                .mapToLong(e -> totals.get(e.getKey())).sum();
        return totals.get(node) - published;
    }
}
