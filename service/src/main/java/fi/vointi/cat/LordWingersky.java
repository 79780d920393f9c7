package fi.vointi.cat;

import java.util.Arrays;
import java.util.List;

/**
 * Lord &amp; Wingersky (1984) recursion for the distribution of the summed score S = sum_i x_i given
 * theta: adding item i convolves the current distribution with P_i(k | theta):
 * L_{i}(s) = sum_k L_{i-1}(s - k) P_ik(theta). Category k of an item scores k points (0-based).
 */
public final class LordWingersky {

    private LordWingersky() {
    }

    /** Largest summed score, sum_i (m_i - 1). */
    public static int maxSum(List<? extends IrtItem> items) {
        int max = 0;
        for (IrtItem item : items) {
            max += item.categories() - 1;
        }
        return max;
    }

    /** P(S = s | theta) for s = 0..{@link #maxSum}; sums to 1. */
    public static double[] sumScoreDistribution(List<? extends IrtItem> items, double theta) {
        double[] distribution = new double[maxSum(items) + 1];
        int maxCategories = 2;
        for (IrtItem item : items) {
            maxCategories = Math.max(maxCategories, item.categories());
        }
        distribute(items, theta, distribution, new double[maxCategories]);
        return distribution;
    }

    /**
     * Fills {@code distribution} (length &gt;= maxSum + 1, contents overwritten) with P(S = s | theta)
     * using {@code probabilities} as scratch for one item's category probabilities.
     */
    static void distribute(List<? extends IrtItem> items, double theta, double[] distribution,
                           double[] probabilities) {
        Arrays.fill(distribution, 0.0);
        distribution[0] = 1.0;
        int currentMax = 0;
        for (IrtItem item : items) {
            int categories = item.categories();
            item.probabilities(theta, probabilities);
            int newMax = currentMax + categories - 1;
            // In place, from the top down: position s reads only positions <= s, which are still old.
            for (int s = newMax; s >= 0; s--) {
                double sum = 0.0;
                int kFrom = Math.max(0, s - currentMax);
                int kTo = Math.min(categories - 1, s);
                for (int k = kFrom; k <= kTo; k++) {
                    sum += distribution[s - k] * probabilities[k];
                }
                distribution[s] = sum;
            }
            currentMax = newMax;
        }
    }
}
