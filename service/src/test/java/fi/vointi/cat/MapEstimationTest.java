package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** MAP against brute-force maximisation of the textbook log posterior on a 1e-4 grid. */
class MapEstimationTest {

    private static double bruteForceLogPosterior(List<IrtItem> items, int[] pattern, double theta, double mean,
                                                 double sd) {
        double value = -0.5 * ((theta - mean) / sd) * ((theta - mean) / sd);
        for (int i = 0; i < items.size(); i++) {
            value += Math.log(TextbookModels.probabilities(items.get(i), theta)[pattern[i]]);
        }
        return value;
    }

    /** Returns {mode, SE by the formula 1/sqrt(sum I + 1/sd^2) at that mode}. */
    private static double[] bruteForceMap(List<IrtItem> items, int[] pattern, double min, double max, double mean,
                                          double sd) {
        double best = min;
        double bestValue = Double.NEGATIVE_INFINITY;
        int steps = (int) Math.round((max - min) / 1e-4);
        for (int j = 0; j <= steps; j++) {
            double theta = min + j * 1e-4;
            double value = bruteForceLogPosterior(items, pattern, theta, mean, sd);
            if (value > bestValue) {
                bestValue = value;
                best = theta;
            }
        }
        double information = 1.0 / (sd * sd);
        for (IrtItem item : items) {
            information += TextbookModels.analyticInformation(item, best);
        }
        return new double[] {best, 1.0 / Math.sqrt(information)};
    }

    @Test
    void mapMatchesBruteForceMaximisation() {
        Random random = new Random(31);
        List<IrtItem> pool = TestBanks.mixedItems(30, 12);
        ThetaEstimator estimator = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD,
                EstimationMethod.MAP);
        for (int trial = 0; trial < 25; trial++) {
            List<IrtItem> items = new ArrayList<>(pool);
            Collections.shuffle(items, random);
            items = items.subList(0, 1 + random.nextInt(10));
            int[] pattern = new int[items.size()];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = random.nextInt(items.get(i).categories());
            }
            double[] expected = bruteForceMap(items, pattern, -4, 4, 0, 1);
            Estimate estimate = estimator.estimate(items, pattern);
            assertEquals(expected[0], estimate.theta(), 1e-3, "trial " + trial);
            assertEquals(expected[1], estimate.standardError(), 1e-3, "trial " + trial);
        }
    }

    @Test
    void mapWithNonDefaultPrior() {
        List<IrtItem> items = TestBanks.mixedItems(6, 2);
        int[] pattern = {1, 0, 1, 1, 0, 1};
        ThetaEstimator estimator = new ThetaEstimator(QuadratureGrid.DEFAULT, new NormalPrior(0.8, 0.6),
                EstimationMethod.MAP);
        double[] expected = bruteForceMap(items, pattern, -4, 4, 0.8, 0.6);
        Estimate estimate = estimator.estimate(items, pattern);
        assertEquals(expected[0], estimate.theta(), 1e-3);
        assertEquals(expected[1], estimate.standardError(), 1e-3);
    }

    @Test
    void extremePatternWithWidePriorStopsFinitelyAtTheGridBound() {
        // All top categories with a N(0, 5^2) prior: the mode lies beyond +4, so the bound is returned.
        List<IrtItem> items = new ArrayList<>();
        int[] pattern = new int[8];
        for (int i = 0; i < 8; i++) {
            items.add(new GradedResponseItem("E" + i, 2.5, 1.0, 2.0, 3.0, 3.5));
            pattern[i] = 4;
        }
        Estimate estimate = new ThetaEstimator(QuadratureGrid.DEFAULT, new NormalPrior(0, 5), EstimationMethod.MAP)
                .estimate(items, pattern);
        assertEquals(4.0, estimate.theta(), 0.0);
        assertEquals(4.0, bruteForceMap(items, pattern, -4, 4, 0, 5)[0], 1e-9);
        double information = 1.0 / 25;
        for (IrtItem item : items) {
            information += TextbookModels.analyticInformation(item, 4.0);
        }
        assertEquals(1.0 / Math.sqrt(information), estimate.standardError(), 1e-9);
    }

    @Test
    void noAnswersGivesThePriorMeanAndSd() {
        Estimate estimate = new ThetaEstimator(QuadratureGrid.DEFAULT, new NormalPrior(0.3, 1.2), EstimationMethod.MAP)
                .estimate(List.of(), new int[0]);
        assertEquals(0.3, estimate.theta(), 0.0);
        assertEquals(1.2, estimate.standardError(), 1e-15);
    }
}
