package fi.vointi.cat;

/**
 * A theta estimate on the logit metric with its standard error (posterior SD for EAP, 1/sqrt of
 * test plus prior information for MAP).
 */
public record Estimate(double theta, double standardError) {

    public Estimate {
        if (!Double.isFinite(theta) || !(standardError >= 0) || !Double.isFinite(standardError)) {
            throw new IllegalArgumentException("estimate must be finite with SE >= 0, was theta=" + theta + ", SE="
                    + standardError);
        }
    }
}
