package fi.vointi.cat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemModelTest {

    private static final List<IrtItem> ITEMS = TestBanks.mixedItems(60, 11);

    @Test
    void probabilitiesAreNonNegativeAndSumToOneEverywhere() {
        double[] p = new double[8];
        for (IrtItem item : ITEMS) {
            for (double theta = -12; theta <= 12; theta += 0.125) {
                item.probabilities(theta, p);
                double sum = 0.0;
                for (int k = 0; k < item.categories(); k++) {
                    assertTrue(p[k] >= 0.0, item + " at " + theta);
                    sum += p[k];
                }
                assertEquals(1.0, sum, 1e-12, item + " at " + theta);
            }
        }
    }

    @Test
    void probabilitiesMatchTheTextbookFormulas() {
        double[] p = new double[8];
        for (IrtItem item : ITEMS) {
            for (double theta = -5; theta <= 5; theta += 0.05) {
                item.probabilities(theta, p);
                double[] expected = TextbookModels.probabilities(item, theta);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], p[k], 1e-13, item + " category " + k + " at " + theta);
                }
            }
        }
    }

    @Test
    void logProbabilitiesMatchLogsAndStayFiniteInTheTails() {
        double[] p = new double[8];
        double[] logP = new double[8];
        for (IrtItem item : ITEMS) {
            for (double theta = -6; theta <= 6; theta += 0.1) {
                item.probabilities(theta, p);
                item.logProbabilities(theta, logP);
                for (int k = 0; k < item.categories(); k++) {
                    assertEquals(Math.log(p[k]), logP[k], 1e-10 * Math.max(1, Math.abs(logP[k])), item + " at " + theta);
                }
            }
            for (double theta : new double[] {-400, -60, 60, 400}) {
                item.logProbabilities(theta, logP);
                for (int k = 0; k < item.categories(); k++) {
                    assertTrue(Double.isFinite(logP[k]) && logP[k] <= 0, item + " at " + theta + ": " + logP[k]);
                }
                assertTrue(Double.isFinite(item.information(theta)));
            }
        }
    }

    @Test
    void gradedTailProbabilitiesKeepRelativePrecision() {
        // At theta = 6 the lowest categories are ~1e-20: naive 1 - P* would give 0, ours keeps the value.
        GradedResponseItem item = new GradedResponseItem("tail", 3.0, -2.0, -1.0, 0.5, 1.5);
        double[] p = new double[5];
        item.probabilities(6.0, p);
        double expected = Math.exp(-24.0) / (1.0 + Math.exp(-24.0)); // 1 - P*_1 = sigma(-a(theta - b1))
        assertEquals(expected, p[0], expected * 1e-14);
        assertTrue(p[1] > 0);
    }

    @Test
    void informationMatchesNumericalSecondDerivativeOfLogLikelihood() {
        for (IrtItem item : ITEMS) {
            for (double theta = -3.5; theta <= 3.5; theta += 0.25) {
                double numerical = TextbookModels.numericalInformation(item, theta);
                assertEquals(numerical, item.information(theta), 1e-5, item + " at " + theta);
                assertEquals(TextbookModels.analyticInformation(item, theta), item.information(theta), 1e-10,
                        item + " at " + theta);
            }
        }
    }

    @Test
    void twoCategoryModelsReduceToTheTwoPl() {
        TwoPlItem twoPl = new TwoPlItem("x", 1.7, 0.4);
        IrtItem grm = new GradedResponseItem("x", 1.7, 0.4);
        IrtItem gpcm = new GeneralizedPartialCreditItem("x", 1.7, 0.4);
        double[] a = new double[2];
        double[] b = new double[2];
        for (double theta = -4; theta <= 4; theta += 0.5) {
            twoPl.probabilities(theta, a);
            for (IrtItem other : List.of(grm, gpcm)) {
                other.probabilities(theta, b);
                assertEquals(a[1], b[1], 1e-15);
                assertEquals(twoPl.information(theta), other.information(theta), 1e-14);
            }
        }
    }

    @Test
    void constructorsRejectInvalidParameters() {
        assertMessage("slope must be finite and > 0", () -> new GradedResponseItem("i", 0.0, 1.0));
        assertMessage("slope must be finite and > 0", () -> new GradedResponseItem("i", -1.0, 1.0));
        assertMessage("slope must be finite and > 0", () -> new GradedResponseItem("i", Double.NaN, 1.0));
        assertMessage("strictly increasing", () -> new GradedResponseItem("i", 1.0, 0.0, 0.0));
        assertMessage("strictly increasing", () -> new GradedResponseItem("i", 1.0, 1.0, -1.0));
        assertMessage("at least one threshold", () -> new GradedResponseItem("i", 1.0));
        assertMessage("not finite", () -> new GradedResponseItem("i", 1.0, Double.POSITIVE_INFINITY));
        assertMessage("slope must be finite and > 0", () -> new GeneralizedPartialCreditItem("i", 0.0, 1.0));
        assertMessage("at least one step", () -> new GeneralizedPartialCreditItem("i", 1.0));
        assertMessage("slope must be finite and > 0", () -> new TwoPlItem("i", -0.5, 0.0));
        assertMessage("difficulty must be finite", () -> new TwoPlItem("i", 1.0, Double.NaN));
        assertMessage("non-blank", () -> new TwoPlItem(" ", 1.0, 0.0));
        assertMessage("output array has length 2", () -> new GradedResponseItem("i", 1.0, 0.0, 1.0)
                .probabilities(0.0, new double[2]));
    }

    @Test
    void gpcmAcceptsReversedSteps() {
        IrtItem item = new GeneralizedPartialCreditItem("rev", 1.2, 1.0, -1.0);
        assertEquals(3, item.categories());
    }

    @Test
    void itemsAreValuesAndCopyTheirArrays() {
        double[] thresholds = {-1.0, 0.0, 1.0};
        GradedResponseItem item = new GradedResponseItem("v", 2.0, thresholds);
        thresholds[0] = -5.0;
        assertEquals(-1.0, item.thresholds()[0]);
        item.thresholds()[1] = 9.0;
        assertEquals(0.0, item.thresholds()[1]);
        assertEquals(new GradedResponseItem("v", 2.0, -1.0, 0.0, 1.0), item);
        assertEquals(new GradedResponseItem("v", 2.0, -1.0, 0.0, 1.0).hashCode(), item.hashCode());
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
