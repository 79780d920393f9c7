package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Lord-Wingersky recursion against enumeration of every response pattern. */
class LordWingerskyTest {

    private static final List<IrtItem> SMALL_ITEMS = List.of(
            new TwoPlItem("A", 1.3, -0.4),
            new GradedResponseItem("B", 2.1, -1.0, 0.6),
            new GeneralizedPartialCreditItem("C", 0.9, 0.5, -0.8, 1.1),
            new GradedResponseItem("D", 1.6, -2.0, -0.5, 0.4, 1.9));

    /** P(S = s | theta) by summing the probability of every one of the 2*3*4*5 = 120 patterns. */
    private static double[] enumerate(List<IrtItem> items, double theta) {
        double[][] p = new double[items.size()][];
        int maxSum = 0;
        for (int i = 0; i < items.size(); i++) {
            p[i] = TextbookModels.probabilities(items.get(i), theta);
            maxSum += items.get(i).categories() - 1;
        }
        double[] distribution = new double[maxSum + 1];
        int[] pattern = new int[items.size()];
        while (true) {
            double probability = 1.0;
            int sum = 0;
            for (int i = 0; i < pattern.length; i++) {
                probability *= p[i][pattern[i]];
                sum += pattern[i];
            }
            distribution[sum] += probability;
            int i = 0; // odometer increment over all patterns
            while (i < pattern.length && ++pattern[i] == items.get(i).categories()) {
                pattern[i] = 0;
                i++;
            }
            if (i == pattern.length) {
                return distribution;
            }
        }
    }

    @Test
    void recursionEqualsEnumerationOfAllPatterns() {
        for (double theta = -4; theta <= 4; theta += 0.25) {
            double[] expected = enumerate(SMALL_ITEMS, theta);
            double[] actual = LordWingersky.sumScoreDistribution(SMALL_ITEMS, theta);
            assertEquals(expected.length, actual.length);
            double total = 0.0;
            for (int s = 0; s < expected.length; s++) {
                assertEquals(expected[s], actual[s], 1e-12, "sum " + s + " at theta " + theta);
                total += actual[s];
            }
            assertEquals(1.0, total, 1e-12);
        }
    }

    @Test
    void recursionEqualsEnumerationForThreeItemSubsets() {
        for (int skip = 0; skip < SMALL_ITEMS.size(); skip++) {
            int skipped = skip;
            List<IrtItem> items = SMALL_ITEMS.stream().filter(item -> item != SMALL_ITEMS.get(skipped)).toList();
            for (double theta = -3; theta <= 3; theta += 0.5) {
                double[] expected = enumerate(items, theta);
                double[] actual = LordWingersky.sumScoreDistribution(items, theta);
                for (int s = 0; s < expected.length; s++) {
                    assertEquals(expected[s], actual[s], 1e-12);
                }
            }
        }
    }

    @Test
    void tableEapEqualsEnumeratedPosteriorWithOffset() {
        QuadratureGrid grid = new QuadratureGrid(-5, 5, 101);
        NormalPrior prior = new NormalPrior(0.2, 1.1);
        SumScoreTable table = SumScoreTable.build(SMALL_ITEMS, 1, grid, prior, new ScoreScale(50, 10));
        assertEquals(4, table.minRawSum()); // 4 items scored from 1
        assertEquals(4 + 1 + 2 + 3 + 4, table.maxRawSum());
        double[] nodes = grid.nodes();
        for (SumScoreRow row : table.rows()) {
            int s = row.rawSum() - 4;
            double mass = 0.0;
            double first = 0.0;
            double second = 0.0;
            for (double theta : nodes) {
                double w = Math.exp(-0.5 * Math.pow((theta - 0.2) / 1.1, 2)) * enumerate(SMALL_ITEMS, theta)[s];
                mass += w;
                first += w * theta;
                second += w * theta * theta;
            }
            double mean = first / mass;
            assertEquals(mean, row.theta(), 1e-10);
            assertEquals(Math.sqrt(second / mass - mean * mean), row.standardError(), 1e-8);
            assertEquals(50 + 10 * row.theta(), row.scaleScore(), 1e-12);
            assertEquals(10 * row.standardError(), row.scaleStandardError(), 1e-12);
        }
        assertEquals(1.0, table.rows().stream().mapToDouble(SumScoreRow::probability).sum(), 1e-12);
    }

    @Test
    void answeredSubsetTableScoresOnlyTheAnsweredItems() {
        ItemBank bank = new ItemBank(SMALL_ITEMS);
        QuadratureGrid grid = QuadratureGrid.DEFAULT;
        SumScoreTable subset = SumScoreTable.forAnsweredItems(bank, List.of("D", "A"), 0, grid,
                NormalPrior.STANDARD, ScoreScale.T_SCORE);
        SumScoreTable direct = SumScoreTable.build(List.of(SMALL_ITEMS.get(0), SMALL_ITEMS.get(3)), 0, grid,
                NormalPrior.STANDARD, ScoreScale.T_SCORE);
        assertEquals(List.of("A", "D"), subset.itemIds());
        assertEquals(direct, subset);
        assertEquals(0, subset.minRawSum());
        assertEquals(5, subset.maxRawSum());
        assertThrows(IllegalArgumentException.class, () -> subset.row(6));
        assertThrows(IllegalArgumentException.class, () -> SumScoreTable.forAnsweredItems(bank, List.of("Z"), 0,
                grid, NormalPrior.STANDARD, ScoreScale.T_SCORE));
        assertThrows(IllegalArgumentException.class, () -> SumScoreTable.forAnsweredItems(bank, List.of(), 0,
                grid, NormalPrior.STANDARD, ScoreScale.T_SCORE));
    }

    @Test
    void designOverloadUsesTheDesignsGridPriorAndScale() {
        CatDesign design = CatDesign.builder().priorMean(0.5).quadrature(-4, 5, 91).scoreMean(100).scoreSd(15).build();
        assertEquals(SumScoreTable.build(SMALL_ITEMS, 0, design.grid(), design.prior(), design.scoreScale()),
                SumScoreTable.build(SMALL_ITEMS, 0, design));
    }
}
