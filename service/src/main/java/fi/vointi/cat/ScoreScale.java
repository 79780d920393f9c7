package fi.vointi.cat;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Linear reporting scale, e.g. the PROMIS T-score metric T = 50 + 10 theta.
 *
 * @param mean score at theta = 0
 * @param sd   score points per logit, &gt; 0
 */
public record ScoreScale(double mean, double sd) {

    /** The T-score metric: mean 50, SD 10. */
    public static final ScoreScale T_SCORE = new ScoreScale(50.0, 10.0);

    public ScoreScale {
        if (!Double.isFinite(mean) || !(sd > 0) || !Double.isFinite(sd)) {
            throw new IllegalArgumentException("score scale needs a finite mean and finite sd > 0, was mean=" + mean
                    + ", sd=" + sd);
        }
    }

    public double score(double theta) {
        return mean + sd * theta;
    }

    public double standardError(double thetaStandardError) {
        return sd * thetaStandardError;
    }

    public ScaleScore apply(Estimate estimate) {
        return new ScaleScore(score(estimate.theta()), standardError(estimate.standardError()));
    }

    /**
     * The reported score: computed from the unrounded theta, then rounded to {@code decimals} half away from zero
     * (as PROMIS reports T to 1 decimal); -1 leaves it unrounded.
     */
    public ScaleScore apply(Estimate estimate, int decimals) {
        ScaleScore exact = apply(estimate);
        if (decimals < 0) {
            return exact;
        }
        return new ScaleScore(round(exact.value(), decimals), round(exact.standardError(), decimals));
    }

    /** Half away from zero on the shortest decimal form of the double (so 45.25 becomes 45.3, -45.25 becomes -45.3). */
    static double round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }
}
