package fi.vointi.cat;

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
}
