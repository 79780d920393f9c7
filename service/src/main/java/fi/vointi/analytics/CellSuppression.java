package fi.vointi.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 * defined the same way, recursively, because its published children are known). With m suppressed cells
 * inside H, each known to hold at least one answer, the rule keeps every published node's H = 0, or
 * H − (m − 1) ≥ k with at least two suppressed children (or own answers beside one), (safe): while
 * that fails, the published child with the smallest count whose own hidden mass is positive is suppressed
 * too (a child whose figures all follow from its published children would hide nothing); when no such
 * child is left, the node itself is suppressed and its hidden mass moves up to its parent. Nodes are
 * processed bottom-up, so a node's decision depends only on its own subtree and its parent's: results for
 * a node are the same whichever part of the tree a report shows, as long as the tree given here contains
 * the node's parent's subtree. {@link #decideSeries} adds the same protection between a node's buckets and
 * its total.
 *
 * <p>Limits (see docs/analytics.md): differences between reports of other granularities and between
 * audience sets are not protected by this rule; the equations are checked one by one (greedy), not audited
 * as one linear system.
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
     * A node's decision for one bucket and measure. {@code hidden} is what subtracting the node's published
     * children (and the published children of its suppressed children, recursively) from its count leaves
     * unknown; {@code pieces} counts the suppressed nodes inside that mass (each known to hold at least one answer).
     */
    public record Decision(State state, long count, long hidden, int pieces) {
    }

    /**
     * @param parentOf  every node of the tree and its parent (null, or a node outside the map, for a root)
     * @param ownCounts answers recorded for each node itself (missing = 0)
     * @return the state of every node in {@code parentOf}
     */
    public Map<String, State> decide(Map<String, String> parentOf, Map<String, Long> ownCounts) {
        Map<String, State> states = new LinkedHashMap<>();
        evaluate(parentOf, ownCounts, Set.of()).forEach((node, decision) -> states.put(node, decision.state()));
        return states;
    }

    /**
     * Decisions over a whole series of one measure: {@code ownCounts.get(i)} are the counts of bucket i, and the
     * last bucket is the whole period. Besides the rule within each bucket, a node's published total minus its
     * published buckets reveals the sum of its suppressed buckets; that sum is kept 0 or big enough the same
     * way, by suppressing the node in more buckets (the one with the fewest answers that hides something first),
     * or else its total. Every extra suppression is fed back into its bucket's rule, until nothing changes.
     *
     * @param forced per bucket, nodes that must be suppressed anyway (e.g. NPS of a node whose response count is)
     */
    public List<Map<String, Decision>> decideSeries(Map<String, String> parentOf, List<Map<String, Long>> ownCounts,
                                                    List<Set<String>> forced) {
        int last = ownCounts.size() - 1;
        List<Set<String>> suppress = new ArrayList<>();
        List<Map<String, Decision>> decisions = new ArrayList<>();
        for (int b = 0; b <= last; b++) {
            suppress.add(new HashSet<>(forced.get(b)));
            decisions.add(evaluate(parentOf, ownCounts.get(b), suppress.get(b)));
        }
        if (last == 0) {
            return decisions;
        }
        while (true) {
            Set<Integer> changed = new TreeSet<>();
            for (String node : parentOf.keySet()) {
                List<Decision> series = new ArrayList<>();
                for (int b = 0; b < last; b++) {
                    series.add(decisions.get(b).get(node));
                }
                for (int b : protectSeries(series, decisions.get(last).get(node))) {
                    if (suppress.get(b).add(node)) {
                        changed.add(b);
                    }
                }
            }
            if (changed.isEmpty()) {
                return decisions;
            }
            for (int b : changed) {
                decisions.set(b, evaluate(parentOf, ownCounts.get(b), suppress.get(b)));
            }
        }
    }

    /**
     * One node's series against its total: the buckets (index; {@code series.size()} = the total) to suppress
     * so that total − published buckets is 0 or hides enough.
     */
    List<Integer> protectSeries(List<Decision> series, Decision total) {
        if (!total.state().shown()) {
            return List.of();
        }
        long hiddenMass = 0;
        int pieces = 0;
        int direct = 0;
        for (Decision d : series) {
            if (!d.state().shown()) {
                hiddenMass += d.hidden();
                pieces += 1 + d.pieces();
                direct++;
            }
        }
        if (safe(hiddenMass, pieces, direct, 0)) {
            return List.of();
        }
        List<Integer> candidates = new ArrayList<>();
        for (int b = 0; b < series.size(); b++) {
            if (series.get(b).state().shown() && series.get(b).hidden() > 0) {
                candidates.add(b);
            }
        }
        candidates.sort(Comparator.<Integer>comparingLong(b -> series.get(b).count()).thenComparing(Comparator.naturalOrder()));
        List<Integer> chosen = new ArrayList<>();
        for (int b : candidates) {
            if (safe(hiddenMass, pieces, direct, 0)) {
                return chosen;
            }
            chosen.add(b);
            hiddenMass += series.get(b).hidden();
            pieces += 1 + series.get(b).pieces();
            direct++;
        }
        if (!safe(hiddenMass, pieces, direct, 0)) {
            chosen.add(series.size());
        }
        return chosen;
    }

    /**
     * A published equation is safe when its unknown mass is 0, or when each of its pieces (each known to be at
     * least 1) could still hold k answers: mass − (pieces − 1) ≥ k (five suppressed cells of one answer each
     * under a published parent would otherwise be revealed as exactly 1 each), and when it does not consist of
     * a single suppressed cell alone, whose count it would give exactly ({@code direct} = the suppressed cells
     * directly in the equation; {@code own} = answers of the node itself, which blur it).
     */
    private boolean safe(long hiddenMass, int pieces, int direct, long own) {
        return hiddenMass == 0 || hiddenMass - Math.max(0, pieces - 1) >= minCellSize && (direct != 1 || own > 0);
    }

    /**
     * @param forced nodes to suppress even when their count is not small (they go as {@link State#COMPLEMENTARY})
     */
    public Map<String, Decision> evaluate(Map<String, String> parentOf, Map<String, Long> ownCounts, Set<String> forced) {
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
        Map<String, Decision> decisions = new LinkedHashMap<>();
        roots.sort(Comparator.naturalOrder());
        for (String root : roots) {
            process(root, children, ownCounts, forced, decisions);
        }
        return decisions;
    }

    private void process(String node, Map<String, List<String>> children, Map<String, Long> ownCounts, Set<String> forced,
                         Map<String, Decision> decisions) {
        List<String> kids = children.getOrDefault(node, List.of());
        long own = Math.max(0, ownCounts.getOrDefault(node, 0L));
        long total = own;
        for (String kid : kids) {
            process(kid, children, ownCounts, forced, decisions);
            total += decisions.get(kid).count();
        }
        State state = total > 0 && total < minCellSize ? State.SMALL : State.PUBLISHED;

        long hiddenMass = own;
        int pieces = 0;
        int direct = 0;
        for (String kid : kids) {
            Decision d = decisions.get(kid);
            if (!d.state().shown()) {
                hiddenMass += d.hidden();
                pieces += 1 + d.pieces();
                direct++;
            }
        }
        if (state.shown() && !safe(hiddenMass, pieces, direct, own)) {
            List<String> candidates = kids.stream()
                    .filter(k -> decisions.get(k).state().shown() && decisions.get(k).hidden() > 0)
                    .sorted(Comparator.<String>comparingLong(k -> decisions.get(k).count()).thenComparing(Comparator.naturalOrder()))
                    .toList();
            for (String candidate : candidates) {
                if (safe(hiddenMass, pieces, direct, own)) {
                    break;
                }
                Decision d = decisions.get(candidate);
                decisions.put(candidate, new Decision(State.COMPLEMENTARY, d.count(), d.hidden(), d.pieces()));
                hiddenMass += d.hidden();
                pieces += 1 + d.pieces();
                direct++;
            }
            if (!safe(hiddenMass, pieces, direct, own)) {
                state = State.PROTECTS_REMAINDER;
            }
        }
        // forced only after the children are settled, as if the parent had chosen it: what happens above a node
        // never changes the cells below it, so every report shows them the same
        if (state.shown() && total > 0 && forced.contains(node)) {
            state = State.COMPLEMENTARY;
        }
        decisions.put(node, new Decision(state, total, hiddenMass, pieces));
    }
}
