package fi.vointi.cat;

import java.util.Arrays;

/**
 * Muraki's (1992) generalized partial credit model (logistic metric, no 1.7 constant).
 *
 * <p>P_k(theta) = exp(z_k) / sum_c exp(z_c) with z_0 = 0 and z_k = sum_{v=1..k} a (theta - b_v).
 * Step parameters need not be ordered (reversed steps are legal in the GPCM). Exponents are shifted
 * by their maximum before exponentiating so that no theta overflows.
 *
 * <p>A class rather than a record because it keeps a defensive copy of the steps; it has value
 * semantics over id, slope and steps.
 */
public final class GeneralizedPartialCreditItem implements IrtItem {

    private final String id;
    private final double slope;
    private final double[] steps;

    /**
     * @param id    item id
     * @param slope discrimination a &gt; 0
     * @param steps step parameters b_1..b_{m-1}; at least one (two categories)
     */
    public GeneralizedPartialCreditItem(String id, double slope, double... steps) {
        this.id = Logistic.requireId(id);
        Logistic.requireFiniteSlope(id, slope);
        if (steps == null || steps.length == 0) {
            throw new IllegalArgumentException("item " + id + ": a generalized partial credit item needs at least one"
                    + " step parameter (two categories)");
        }
        for (int v = 0; v < steps.length; v++) {
            if (!Double.isFinite(steps[v])) {
                throw new IllegalArgumentException("item " + id + ": step parameter b" + (v + 1) + " is not finite");
            }
        }
        this.slope = slope;
        this.steps = steps.clone();
    }

    @Override
    public String id() {
        return id;
    }

    public double slope() {
        return slope;
    }

    /** A copy of the step parameters b_1..b_{m-1}. */
    public double[] steps() {
        return steps.clone();
    }

    @Override
    public int categories() {
        return steps.length + 1;
    }

    /** Writes the exponents z_k into out and returns their maximum. */
    private double exponents(double theta, double[] out) {
        double z = 0.0;
        double max = 0.0;
        out[0] = 0.0;
        for (int v = 0; v < steps.length; v++) {
            z += slope * (theta - steps[v]);
            out[v + 1] = z;
            if (z > max) {
                max = z;
            }
        }
        return max;
    }

    @Override
    public void probabilities(double theta, double[] out) {
        int m = steps.length + 1;
        Logistic.requireLength(out, m);
        double max = exponents(theta, out);
        double sum = 0.0;
        for (int k = 0; k < m; k++) {
            out[k] = Math.exp(out[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < m; k++) {
            out[k] /= sum;
        }
    }

    @Override
    public void logProbabilities(double theta, double[] out) {
        int m = steps.length + 1;
        Logistic.requireLength(out, m);
        double max = exponents(theta, out);
        double sum = 0.0;
        for (int k = 0; k < m; k++) {
            sum += Math.exp(out[k] - max);
        }
        double logNormaliser = max + Math.log(sum);
        for (int k = 0; k < m; k++) {
            out[k] -= logNormaliser;
        }
    }

    /**
     * Fisher information a^2 Var(k | theta) (Muraki 1992). Computed in one streaming pass without a
     * buffer; category scores are centred on the modal category to avoid cancellation in the variance.
     */
    @Override
    public double information(double theta) {
        int m = steps.length + 1;
        double z = 0.0;
        double max = 0.0;
        int mode = 0;
        for (int v = 0; v < steps.length; v++) {
            z += slope * (theta - steps[v]);
            if (z > max) {
                max = z;
                mode = v + 1;
            }
        }
        double sum = 0.0;
        double first = 0.0;
        double second = 0.0;
        z = 0.0;
        for (int k = 0; k < m; k++) {
            if (k > 0) {
                z += slope * (theta - steps[k - 1]);
            }
            double w = Math.exp(z - max);
            double d = k - mode;
            sum += w;
            first += w * d;
            second += w * d * d;
        }
        double mean = first / sum;
        double variance = Math.max(0.0, second / sum - mean * mean);
        return slope * slope * variance;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GeneralizedPartialCreditItem that
                && id.equals(that.id)
                && Double.compare(slope, that.slope) == 0
                && Arrays.equals(steps, that.steps);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id.hashCode() + Double.hashCode(slope)) + Arrays.hashCode(steps);
    }

    @Override
    public String toString() {
        return "GeneralizedPartialCreditItem[id=" + id + ", slope=" + slope + ", steps=" + Arrays.toString(steps) + "]";
    }
}
