package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemSelectorTest {

    private static final ItemBank BANK = new ItemBank(TestBanks.mixedItems(40, 21));
    private static final BankTables TABLES = BankTables.build(BANK, QuadratureGrid.DEFAULT);

    private static Posterior posteriorAfter(int[] items, int[] categories) {
        Posterior posterior = new Posterior(TABLES, NormalPrior.STANDARD);
        for (int i = 0; i < items.length; i++) {
            posterior.update(items[i], categories[i]);
        }
        return posterior;
    }

    /** Independent MFI ranking: textbook information at theta, best first, ties by bank order. */
    private static List<Integer> rankByInformation(Set<Integer> administered, double theta) {
        return IntStream.range(0, BANK.size()).boxed().filter(i -> !administered.contains(i))
                .sorted(Comparator.comparingDouble((Integer i) ->
                        -TextbookModels.analyticInformation(BANK.item(i), theta)).thenComparing(i -> i))
                .toList();
    }

    /** Independent MPWI: posterior from plain products of textbook probabilities, times textbook information. */
    private static int bestPosteriorWeighted(int[] items, int[] categories, Set<Integer> administered) {
        double[] nodes = QuadratureGrid.DEFAULT.nodes();
        double[] posterior = new double[nodes.length];
        double total = 0.0;
        for (int q = 0; q < nodes.length; q++) {
            double value = Math.exp(-0.5 * nodes[q] * nodes[q]);
            for (int i = 0; i < items.length; i++) {
                value *= TextbookModels.probabilities(BANK.item(items[i]), nodes[q])[categories[i]];
            }
            posterior[q] = value;
            total += value;
        }
        int best = -1;
        double bestValue = -1;
        for (int i = 0; i < BANK.size(); i++) {
            if (administered.contains(i)) {
                continue;
            }
            double value = 0.0;
            for (int q = 0; q < nodes.length; q++) {
                value += posterior[q] / total * TextbookModels.analyticInformation(BANK.item(i), nodes[q]);
            }
            if (value > bestValue) {
                bestValue = value;
                best = i;
            }
        }
        return best;
    }

    @Test
    void maxInfoAndMaxPosteriorInfoEachMatchTheirIndependentDefinitionAndCanDiffer() {
        ItemSelector mfi = new ItemSelector(SelectionMethod.MAX_INFO, 1);
        ItemSelector mpwi = new ItemSelector(SelectionMethod.MAX_POSTERIOR_INFO, 1);
        Random random = new Random(5);
        int differences = 0;
        for (int trial = 0; trial < 60; trial++) {
            int length = 1 + random.nextInt(4);
            List<Integer> order = new ArrayList<>(IntStream.range(0, BANK.size()).boxed().toList());
            java.util.Collections.shuffle(order, random);
            int[] items = order.subList(0, length).stream().mapToInt(Integer::intValue).toArray();
            int[] categories = IntStream.of(items).map(i -> random.nextInt(BANK.item(i).categories())).toArray();
            Posterior posterior = posteriorAfter(items, categories);
            Set<Integer> administered = new HashSet<>(order.subList(0, length));
            double theta = posterior.eap().theta();

            int byInfo = mfi.select(posterior, theta, null);
            int byPosterior = mpwi.select(posterior, theta, null);
            assertEquals(rankByInformation(administered, theta).get(0), byInfo);
            assertEquals(bestPosteriorWeighted(items, categories, administered), byPosterior);
            assertFalse(administered.contains(byInfo) || administered.contains(byPosterior));
            if (byInfo != byPosterior) {
                differences++;
            }
        }
        assertTrue(differences > 0, "MFI and MPWI should disagree for some short patterns");
    }

    @Test
    void posteriorWeightedSelectionUsesPriorWeightedInformationBeforeAnyAnswer() {
        // Changed in issue 14 (as CHOIR/Assessment Center): the first item is the best by prior-weighted information,
        // whatever the start theta; before, MPWI used plain information at the start theta here.
        Posterior empty = new Posterior(TABLES, NormalPrior.STANDARD);
        ItemSelector mpwi = new ItemSelector(SelectionMethod.MAX_POSTERIOR_INFO, 1);
        int expected = bestPosteriorWeighted(new int[0], new int[0], Set.of());
        for (double start : new double[] {-2.0, 0.0, 1.5}) {
            assertEquals(expected, mpwi.select(empty, start, null));
        }
        assertNotEquals(rankByInformation(Set.of(), 0.0).get(0), expected,
                "this bank must tell prior-weighted information from information at 0");
    }

    @Test
    void neverReselectsAndReportsExhaustion() {
        ItemSelector selector = new ItemSelector(SelectionMethod.MAX_INFO, 1);
        Posterior posterior = new Posterior(TABLES, NormalPrior.STANDARD);
        Set<Integer> seen = new HashSet<>();
        for (int n = 0; n < BANK.size(); n++) {
            int next = selector.select(posterior, posterior.eap().theta(), null);
            assertTrue(seen.add(next), "item " + next + " selected twice");
            posterior.update(next, 0);
        }
        assertEquals(ItemSelector.NONE, selector.select(posterior, 0.0, null));
        assertEquals(ItemSelector.NONE, new ItemSelector(SelectionMethod.MAX_INFO, 3).select(posterior, 0.0,
                new SplitMix64(1)));
    }

    @Test
    void randomesqueDrawsOnlyFromTheTopKAndIsReproducible() {
        int k = 5;
        ItemSelector selector = new ItemSelector(SelectionMethod.MAX_INFO, k);
        Posterior posterior = posteriorAfter(new int[] {3, 17}, new int[] {1, 0});
        double theta = posterior.eap().theta();
        Set<Integer> topK = new HashSet<>(rankByInformation(Set.of(3, 17), theta).subList(0, k));
        Set<Integer> drawn = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            int pick = selector.select(posterior, theta, new SplitMix64(seed));
            assertTrue(topK.contains(pick), "pick " + pick + " outside top " + k + " " + topK);
            assertEquals(pick, selector.select(posterior, theta, new SplitMix64(seed)));
            assertEquals(pick, selector.select(posterior, theta, new SplitMix64(seed))); // scratch reuse is clean
            drawn.add(pick);
        }
        assertEquals(topK, drawn, "200 draws should reach each of the top " + k);
        // An injected java.util.Random works too.
        assertTrue(topK.contains(selector.select(posterior, theta, new Random(1))));
    }

    @Test
    void randomesqueWithFewerCandidatesThanKUsesThoseLeft() {
        ItemBank small = ItemBank.of(new TwoPlItem("x", 1, 0), new TwoPlItem("y", 2, 0), new TwoPlItem("z", 1, 1));
        Posterior posterior = new Posterior(BankTables.build(small, QuadratureGrid.DEFAULT), NormalPrior.STANDARD);
        posterior.update(1, 1);
        ItemSelector selector = new ItemSelector(SelectionMethod.MAX_INFO, 10);
        Set<Integer> drawn = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            drawn.add(selector.select(posterior, 0.3, new SplitMix64(seed)));
        }
        assertEquals(Set.of(0, 2), drawn);
    }

    @Test
    void tiesGoToTheEarlierItem() {
        ItemBank twins = ItemBank.of(new TwoPlItem("first", 1.5, 0.0), new TwoPlItem("second", 1.5, 0.0),
                new TwoPlItem("weak", 0.5, 0.0));
        Posterior posterior = new Posterior(BankTables.build(twins, QuadratureGrid.DEFAULT), NormalPrior.STANDARD);
        assertEquals(0, new ItemSelector(SelectionMethod.MAX_INFO, 1).select(posterior, 0.0, null));
        assertEquals(0, new ItemSelector(SelectionMethod.MAX_POSTERIOR_INFO, 1).select(posterior, 0.0, null));
    }

    @Test
    void validatesArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ItemSelector(SelectionMethod.MAX_INFO, 0));
        assertThrows(IllegalArgumentException.class, () -> new ItemSelector(null, 1));
        Posterior unbound = new Posterior(QuadratureGrid.DEFAULT, NormalPrior.STANDARD);
        assertThrows(IllegalArgumentException.class,
                () -> new ItemSelector(SelectionMethod.MAX_INFO, 1).select(unbound, 0, null));
        Posterior bound = new Posterior(TABLES, NormalPrior.STANDARD);
        assertThrows(IllegalArgumentException.class,
                () -> new ItemSelector(SelectionMethod.MAX_INFO, 2).select(bound, 0, null));
        assertNotEquals(ItemSelector.NONE, new ItemSelector(SelectionMethod.MAX_INFO, 1).select(bound, 0, null));
    }
}
