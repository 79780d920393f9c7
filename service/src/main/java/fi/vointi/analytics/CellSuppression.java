package fi.vointi.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small-cell suppression over the organisation hierarchy for one period, audience set and measure (answers,
 * recommendation answers, or one statement's answers).
 *
 * <p><b>Primary rule:</b> a node whose count n (its own answers plus everything under it) is 1…k−1 is
 * suppressed: no count, no score. A node with n = 0 is published as empty (it reveals nobody).
 *
 * <p><b>Complementary rule (no subtraction attack):</b> a published node's count equals the sum of its
 * published children, plus the counts of its suppressed children, plus its own answers (answers given
 * to the node itself, e.g. to a service rather than one of its units, are never shown separately).
 * Subtracting the published children from the parent therefore reveals exactly the hidden mass
 * H = own answers + the hidden mass of every suppressed child (a suppressed child's hidden mass is
 * defined the same way, recursively, because its published children are known). The rule keeps
 * every published node's H either 0 or at least k: while 0 &lt; H &lt; k, the published child with the
 * smallest count whose own hidden mass is positive is suppressed too (a child whose figures all follow
 * from its published children would hide nothing); when no such child is left, the node itself is
 * suppressed and its hidden mass moves up to its parent. Nodes are processed bottom-up, so a node's
 * decision depends only on its own subtree and its parent's: results for a node are the same whichever
 * part of the tree a report shows, as long as the tree given here contains the node's parent's subtree.
 *
 * <p>Every hidden mass appears in exactly one published equation (its nearest published ancestor's),
 * so published figures of one period reveal only sums of at least k answers. Limits (see
 * docs/analytics.md): differences between periods (a month minus its published days) and between
 * audience sets are not protected by this rule.
 *
 * <p>Pure logic, no framework.
 */
public final class CellSuppression {

    public enum State {
        /** shown; {@code n = 0} cells are shown as empty */
        PUBLISHED,
        /** 1 … k−1 answers */
        SMALL,
        /** suppressed so that a smaller sibling, or the parent's own answers, cannot be derived by subtraction */
        COMPLEMENTARY,
        /** suppressed because its children cannot hide its own small remainder */
        PROTECTS_REMAINDER;

        public boolean shown() {
            return this == PUBLISHED;
        }
    }

    private final int minCellSize;

    public CellSuppression(int minCellSize) {
        if (minCellSize < 1) {
            throw new IllegalArgumentException("minimum cell size must be at least 1");
        }
        this.minCellSize = minCellSize;
    }

    /**
     * @param parentOf  every node of the tree and its parent (null, or a node outside the map, for a root)
     * @param ownCounts answers recorded for each node itself (missing = 0)
     * @return the state of every node in {@code parentOf}
     */
    public Map<String, State> decide(Map<String, String> parentOf, Map<String, Long> ownCounts) {
        Map<String, List<String>> children = new HashMap<>();
        List<String> roots = new ArrayList<>();
        for (Map.Entry<String, String> e : parentOf.entrySet()) {
            String parent = e.getValue();
            if (parent == null || !parentOf.containsKey(parent)) {
                roots.add(e.getKey());
            } else {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(e.getKey());
            }
        }
        Map<String, Long> totals = new HashMap<>();
        Map<String, Long> hidden = new HashMap<>();
        Map<String, State> states = new LinkedHashMap<>();
        roots.sort(Comparator.naturalOrder());
        for (String root : roots) {
            process(root, children, ownCounts, totals, hidden, states);
        }
        return states;
    }

    private void process(String node, Map<String, List<String>> children, Map<String, Long> ownCounts,
                         Map<String, Long> totals, Map<String, Long> hidden, Map<String, State> states) {
        List<String> kids = children.getOrDefault(node, List.of());
        long own = Math.max(0, ownCounts.getOrDefault(node, 0L));
        long total = own;
        for (String kid : kids) {
            process(kid, children, ownCounts, totals, hidden, states);
            total += totals.get(kid);
        }
        totals.put(node, total);
        states.put(node, total > 0 && total < minCellSize ? State.SMALL : State.PUBLISHED);

        long hiddenMass = own;
        for (String kid : kids) {
            if (!states.get(kid).shown()) {
                hiddenMass += hidden.get(kid);
            }
        }
        if (states.get(node).shown() && hiddenMass > 0 && hiddenMass < minCellSize) {
            List<String> candidates = kids.stream()
                    .filter(k -> states.get(k).shown() && hidden.get(k) > 0)
                    .sorted(Comparator.<String>comparingLong(totals::get).thenComparing(Comparator.naturalOrder()))
                    .toList();
            for (String candidate : candidates) {
                if (hiddenMass >= minCellSize) {
                    break;
                }
                states.put(candidate, State.COMPLEMENTARY);
                hiddenMass += hidden.get(candidate);
            }
            if (hiddenMass < minCellSize) {
                states.put(node, State.PROTECTS_REMAINDER);
            }
        }
        hidden.put(node, hiddenMass);
    }
}
