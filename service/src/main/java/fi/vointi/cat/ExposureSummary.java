package fi.vointi.cat;

import java.util.Map;

/**
 * How often each bank item was administered in a simulation.
 *
 * <p>The test overlap rate is the expected share of one test's items that another test also asked: the mean over all
 * pairs of simulated tests of |A_j n A_k|, divided by the mean test length (Chen, Ankenmann &amp; Spray 2003, for
 * variable length). The pair sum is counted per item: sum over items of c(c - 1) / 2 where c is the item's count.
 *
 * @param exposureRates    share of simulees who were asked the item, by item id in bank order
 * @param maxExposureRate  largest exposure rate
 * @param unusedShare      share of the bank's items never asked
 * @param testOverlapRate  mean pairwise overlap (NaN with fewer than two simulees)
 */
public record ExposureSummary(Map<String, Double> exposureRates, double maxExposureRate, double unusedShare,
                              double testOverlapRate) {

    public ExposureSummary {
        exposureRates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(exposureRates));
    }

    /** From the number of tests that asked each bank item ({@code counts} in bank order). */
    static ExposureSummary of(ItemBank bank, long[] counts, int tests, double meanTestLength) {
        Map<String, Double> rates = new java.util.LinkedHashMap<>();
        double max = 0;
        int unused = 0;
        double pairs = 0;
        for (int i = 0; i < bank.size(); i++) {
            double rate = (double) counts[i] / tests;
            rates.put(bank.item(i).id(), rate);
            max = Math.max(max, rate);
            if (counts[i] == 0) {
                unused++;
            }
            pairs += counts[i] * (counts[i] - 1) / 2.0;
        }
        double overlap = tests < 2 ? Double.NaN : pairs / (tests * (tests - 1) / 2.0) / meanTestLength;
        return new ExposureSummary(rates, max, (double) unused / bank.size(), overlap);
    }
}
