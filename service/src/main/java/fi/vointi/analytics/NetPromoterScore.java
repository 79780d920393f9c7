package fi.vointi.analytics;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Net Promoter Score of one group: % promoters (9–10) − % detractors (0–6), on the scale −100…100, with a
 * 95 % confidence interval.
 *
 * <p>Interval method (Wald for a difference of multinomial proportions): with n answers and the shares
 * p = promoters / n, d = detractors / n, the score as a proportion is p − d and its variance is
 * Var(p − d) = (p + d − (p − d)²) / n, because Var(p) = p(1−p)/n, Var(d) = d(1−d)/n and Cov(p, d) = −pd/n
 * for two categories of one multinomial sample. The interval is (p − d) ± z·√Var with
 * z = Φ⁻¹(0.975) ≈ 1.95996 (Commons Math {@link NormalDistribution}), clipped to −1…1 and multiplied by 100.
 * With n = 0 there is no score; with every answer in one category the variance is 0 and the interval
 * collapses to the score (a known weakness of Wald at the extremes; small cells are suppressed anyway).
 */
public record NetPromoterScore(int n, int promoters, int passives, int detractors, double score, double lower, double upper) {
    public static final double CONFIDENCE = 0.95;
    private static final double Z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);

    /** @throws IllegalArgumentException for negative counts or no answers at all */
    public static NetPromoterScore of(int promoters, int passives, int detractors) {
        if (promoters < 0 || passives < 0 || detractors < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        int n = promoters + passives + detractors;
        if (n == 0) {
            throw new IllegalArgumentException("no answers: the score is undefined");
        }
        double p = (double) promoters / n;
        double d = (double) detractors / n;
        double difference = p - d;
        double variance = Math.max(0, (p + d - difference * difference) / n);
        double halfWidth = Z * Math.sqrt(variance);
        return new NetPromoterScore(n, promoters, passives, detractors, 100 * difference,
                100 * Math.max(-1, difference - halfWidth), 100 * Math.min(1, difference + halfWidth));
    }

    /** The answer 0–10 as a category: 9–10 promoter, 7–8 passive, 0–6 detractor. */
    public static Category categorise(int recommendation) {
        if (recommendation < 0 || recommendation > 10) {
            throw new IllegalArgumentException("recommendation must be 0..10, was " + recommendation);
        }
        return recommendation >= 9 ? Category.PROMOTER : recommendation >= 7 ? Category.PASSIVE : Category.DETRACTOR;
    }

    public enum Category { PROMOTER, PASSIVE, DETRACTOR }

    static double z() {
        return Z;
    }
}
