package fi.vointi.cat;

/**
 * Normal population prior N(mean, sd^2) for theta.
 *
 * @param mean prior mean
 * @param sd   prior standard deviation &gt; 0
 */
public record NormalPrior(double mean, double sd) {

    /** The standard normal prior N(0, 1) under which PROMIS T-scores are defined. */
    public static final NormalPrior STANDARD = new NormalPrior(0.0, 1.0);

    public NormalPrior {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("prior mean must be finite, was " + mean);
        }
        if (!(sd > 0) || !Double.isFinite(sd)) {
            throw new IllegalArgumentException("prior sd must be finite and > 0, was " + sd);
        }
    }

    /** log density at theta up to an additive constant (constants cancel in every posterior quantity). */
    public double logDensity(double theta) {
        double z = (theta - mean) / sd;
        return -0.5 * z * z;
    }

    /** Log-weights of the prior at each point of the grid (up to a common additive constant). */
    public double[] logWeights(QuadratureGrid grid) {
        double[] nodes = grid.nodes();
        for (int q = 0; q < nodes.length; q++) {
            nodes[q] = logDensity(nodes[q]);
        }
        return nodes;
    }
}
