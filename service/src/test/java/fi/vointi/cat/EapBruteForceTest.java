package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EAP against direct summation: the likelihood of each pattern is the plain product of textbook
 * probabilities ({@link TextbookModels}, not the engine's code) at each point of the same grid,
 * weighted by the normal density, and theta/SE are the posterior mean/SD by direct sums.
 */
class EapBruteForceTest {

    /** Independent EAP: nodes, prior and likelihood all recomputed here. */
    static double[] bruteForceEap(List<IrtItem> items, int[] categories, double min, double max, int points,
                                  double priorMean, double priorSd) {
        double numerator = 0.0;
        double denominator = 0.0;
        double[] theta = new double[points];
        double[] posterior = new double[points];
        for (int q = 0; q < points; q++) {
            theta[q] = min + q * (max - min) / (points - 1);
            double likelihood = 1.0;
            for (int i = 0; i < items.size(); i++) {
                likelihood *= TextbookModels.probabilities(items.get(i), theta[q])[categories[i]];
            }
            double z = (theta[q] - priorMean) / priorSd;
            posterior[q] = likelihood * Math.exp(-0.5 * z * z);
            numerator += posterior[q] * theta[q];
            denominator += posterior[q];
        }
        double mean = numerator / denominator;
        double variance = 0.0;
        for (int q = 0; q < points; q++) {
            variance += posterior[q] * (theta[q] - mean) * (theta[q] - mean);
        }
        return new double[] {mean, Math.sqrt(variance / denominator)};
    }

    private static int[] randomPattern(List<IrtItem> items, Random random) {
        int[] pattern = new int[items.size()];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = random.nextInt(items.get(i).categories());
        }
        return pattern;
    }

    @Test
    void eapMatchesDirectSummationForRandomPatternsOnAllModels() {
        Random random = new Random(20240601L);
        List<IrtItem> pool = TestBanks.mixedItems(45, 3);
        ThetaEstimator estimator = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD,
                EstimationMethod.EAP);
        for (int trial = 0; trial < 300; trial++) {
            int length = 1 + random.nextInt(15);
            List<IrtItem> items = new ArrayList<>(pool);
            java.util.Collections.shuffle(items, random);
            items = items.subList(0, length);
            int[] pattern = randomPattern(items, random);
            double[] expected = bruteForceEap(items, pattern, -4, 4, 81, 0, 1);
            Estimate estimate = estimator.estimate(items, pattern);
            assertEquals(expected[0], estimate.theta(), 1e-6, "trial " + trial);
            assertEquals(expected[1], estimate.standardError(), 1e-6, "trial " + trial);
        }
    }

    @Test
    void eachModelAloneMatchesDirectSummation() {
        Random random = new Random(7);
        List<IrtItem> pool = TestBanks.mixedItems(60, 5);
        for (Class<?> model : List.of(GradedResponseItem.class, GeneralizedPartialCreditItem.class, TwoPlItem.class)) {
            List<IrtItem> items = pool.stream().filter(model::isInstance).limit(12).toList();
            ThetaEstimator estimator = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD,
                    EstimationMethod.EAP);
            for (int trial = 0; trial < 50; trial++) {
                int[] pattern = randomPattern(items, random);
                double[] expected = bruteForceEap(items, pattern, -4, 4, 81, 0, 1);
                Estimate estimate = estimator.estimate(items, pattern);
                assertEquals(expected[0], estimate.theta(), 1e-6, model.getSimpleName());
                assertEquals(expected[1], estimate.standardError(), 1e-6, model.getSimpleName());
            }
        }
    }

    @Test
    void nonDefaultGridAndPriorMatchDirectSummation() {
        Random random = new Random(99);
        List<IrtItem> items = TestBanks.mixedItems(10, 8);
        ThetaEstimator estimator = new ThetaEstimator(new QuadratureGrid(-5, 3, 57), new NormalPrior(-0.7, 1.4),
                EstimationMethod.EAP);
        for (int trial = 0; trial < 50; trial++) {
            int[] pattern = randomPattern(items, random);
            double[] expected = bruteForceEap(items, pattern, -5, 3, 57, -0.7, 1.4);
            Estimate estimate = estimator.estimate(items, pattern);
            assertEquals(expected[0], estimate.theta(), 1e-6);
            assertEquals(expected[1], estimate.standardError(), 1e-6);
        }
    }

    @Test
    void incrementalBankPosteriorEqualsBatchScoringAndTheEngine() {
        Random random = new Random(4);
        ItemBank bank = new ItemBank(TestBanks.mixedItems(30, 9));
        BankTables tables = BankTables.build(bank, QuadratureGrid.DEFAULT);
        CatEngine engine = new CatEngine(tables, CatDesign.defaults());
        ThetaEstimator estimator = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD,
                EstimationMethod.EAP);
        for (int trial = 0; trial < 40; trial++) {
            List<IrtItem> items = new ArrayList<>(bank.items());
            java.util.Collections.shuffle(items, random);
            items = items.subList(0, 1 + random.nextInt(12));
            int[] pattern = randomPattern(items, random);
            Posterior posterior = estimator.newPosterior(tables);
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                posterior.update(items.get(i), pattern[i]);
                answers.add(new Answer(items.get(i).id(), pattern[i]));
            }
            Estimate incremental = posterior.eap();
            Estimate batch = estimator.estimate(items, pattern);
            double[] expected = bruteForceEap(items, pattern, -4, 4, 81, 0, 1);
            assertEquals(batch.theta(), incremental.theta(), 1e-12);
            assertEquals(batch.standardError(), incremental.standardError(), 1e-12);
            assertEquals(expected[0], incremental.theta(), 1e-6);
            assertEquals(expected[1], incremental.standardError(), 1e-6);
            assertEquals(incremental, engine.estimate(answers));
            assertEquals(incremental, engine.next(answers).estimate());
        }
    }

    @Test
    void extremeLongPatternsDoNotUnderflow() {
        // 400 items all in the top category: the plain product underflows to 0 everywhere, log space does not.
        List<IrtItem> items = new ArrayList<>();
        int[] pattern = new int[400];
        for (int i = 0; i < 400; i++) {
            items.add(new GradedResponseItem("X" + i, 3.0, -3.0, -2.5, -2.0, -1.5));
            pattern[i] = i % 2 == 0 ? 4 : 0; // contradictory answers make the likelihood tiny at every point
        }
        Estimate estimate = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD, EstimationMethod.EAP)
                .estimate(items, pattern);
        assertTrue(Double.isFinite(estimate.theta()) && Double.isFinite(estimate.standardError()));
        assertTrue(estimate.theta() > -3.0 && estimate.theta() < -1.0, "theta " + estimate.theta());
    }

    @Test
    void noAnswersGivesThePriorOnTheGrid() {
        Estimate estimate = new ThetaEstimator(QuadratureGrid.DEFAULT, NormalPrior.STANDARD, EstimationMethod.EAP)
                .estimate(List.of(), new int[0]);
        double[] expected = bruteForceEap(List.of(), new int[0], -4, 4, 81, 0, 1);
        assertEquals(0.0, estimate.theta(), 1e-12);
        assertEquals(expected[1], estimate.standardError(), 1e-12);
        assertEquals(1.0, estimate.standardError(), 1e-3); // N(0,1) truncated at +-4
    }
}
