package fi.vointi.cat;

import java.util.Arrays;

/**
 * Samejima's (1969) graded response model with logistic boundary curves (no 1.7 constant).
 *
 * <p>Boundary curves P*_k(theta) = 1 / (1 + exp(-a (theta - b_k))) for k = 1..m-1, with P*_0 = 1 and
 * P*_m = 0; category probabilities P_k = P*_k - P*_{k+1}.
 *
 * <p>Instead of subtracting two boundary curves (which cancels badly in the tails, exactly where
 * extreme response patterns put the likelihood), a middle category is evaluated with the identity
 * sigma(x) - sigma(y) = sigma(x) sigma(-y) (1 - exp(y - x)), where the last factor depends only on the
 * threshold gap and is precomputed. Every category probability then has full relative precision.
 *
 * <p>A class rather than a record because it keeps a defensive copy of the thresholds and derived
 * per-category constants; it has value semantics ({@link #equals}) over id, slope and thresholds.
 */
public final class GradedResponseItem implements IrtItem {

    private final String id;
    private final double slope;
    private final double[] thresholds;
    /** gap[k-1] = 1 - exp(-a (b_{k+1} - b_k)) for middle categories k = 1..m-2. */
    private final double[] gap;
    private final double[] logGap;

    /**
     * @param id         item id
     * @param slope      discrimination a &gt; 0
     * @param thresholds b_1 &lt; ... &lt; b_{m-1}; at least one (two categories)
     */
    public GradedResponseItem(String id, double slope, double... thresholds) {
        this.id = Logistic.requireId(id);
        Logistic.requireFiniteSlope(id, slope);
        if (thresholds == null || thresholds.length == 0) {
            throw new IllegalArgumentException("item " + id + ": a graded response item needs at least one threshold"
                    + " (two categories)");
        }
        for (int k = 0; k < thresholds.length; k++) {
            if (!Double.isFinite(thresholds[k])) {
                throw new IllegalArgumentException("item " + id + ": threshold b" + (k + 1) + " is not finite");
            }
            if (k > 0 && !(thresholds[k] > thresholds[k - 1])) {
                throw new IllegalArgumentException("item " + id + ": thresholds must be strictly increasing, but b"
                        + (k + 1) + " = " + thresholds[k] + " <= b" + k + " = " + thresholds[k - 1]);
            }
        }
        this.slope = slope;
        this.thresholds = thresholds.clone();
        int middle = Math.max(0, thresholds.length - 1);
        this.gap = new double[middle];
        this.logGap = new double[middle];
        for (int k = 0; k < middle; k++) {
            gap[k] = -Math.expm1(-slope * (thresholds[k + 1] - thresholds[k]));
            logGap[k] = Math.log(gap[k]);
        }
    }

    @Override
    public String id() {
        return id;
    }

    public double slope() {
        return slope;
    }

    /** A copy of the thresholds b_1..b_{m-1}. */
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public int categories() {
        return thresholds.length + 1;
    }

    @Override
    public void probabilities(double theta, double[] out) {
        int m = thresholds.length + 1;
        Logistic.requireLength(out, m);
        // upper = P*_k = sigma(x_k), lower = 1 - P*_k = sigma(-x_k), both from one exp without cancellation.
        double x = slope * (theta - thresholds[0]);
        double e = Math.exp(-Math.abs(x));
        double upper = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        double lower = x >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
        out[0] = lower;
        for (int k = 1; k < m - 1; k++) {
            double xNext = slope * (theta - thresholds[k]);
            double eNext = Math.exp(-Math.abs(xNext));
            double upperNext = xNext >= 0 ? 1.0 / (1.0 + eNext) : eNext / (1.0 + eNext);
            double lowerNext = xNext >= 0 ? eNext / (1.0 + eNext) : 1.0 / (1.0 + eNext);
            out[k] = upper * lowerNext * gap[k - 1];
            upper = upperNext;
        }
        out[m - 1] = upper;
    }

    @Override
    public void logProbabilities(double theta, double[] out) {
        int m = thresholds.length + 1;
        Logistic.requireLength(out, m);
        double x = slope * (theta - thresholds[0]);
        double logUpper = Logistic.logSigmoid(x);
        out[0] = logUpper - x; // log sigma(-x) = log sigma(x) - x
        for (int k = 1; k < m - 1; k++) {
            double xNext = slope * (theta - thresholds[k]);
            double logUpperNext = Logistic.logSigmoid(xNext);
            out[k] = logUpper + (logUpperNext - xNext) + logGap[k - 1];
            logUpper = logUpperNext;
        }
        out[m - 1] = logUpper;
    }

    /**
     * Fisher information sum_k (P*_k' - P*_{k+1}')^2 / P_k with P*' = a P* (1 - P*) (Samejima 1969).
     */
    @Override
    public double information(double theta) {
        int m = thresholds.length + 1;
        double x = slope * (theta - thresholds[0]);
        double e = Math.exp(-Math.abs(x));
        double upper = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        double lower = x >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
        double derivative = slope * upper * lower; // P*_1'
        double information = term(-derivative, lower); // category 0: P*_0' = 0
        for (int k = 1; k < m - 1; k++) {
            double xNext = slope * (theta - thresholds[k]);
            double eNext = Math.exp(-Math.abs(xNext));
            double upperNext = xNext >= 0 ? 1.0 / (1.0 + eNext) : eNext / (1.0 + eNext);
            double lowerNext = xNext >= 0 ? eNext / (1.0 + eNext) : 1.0 / (1.0 + eNext);
            double derivativeNext = slope * upperNext * lowerNext;
            information += term(derivative - derivativeNext, upper * lowerNext * gap[k - 1]);
            upper = upperNext;
            derivative = derivativeNext;
        }
        return information + term(derivative, upper); // top category: P*_m' = 0
    }

    /** d^2 / p, taking the limit 0 where the category probability underflows (d vanishes faster). */
    private static double term(double derivative, double probability) {
        return probability > 0 ? derivative * derivative / probability : 0.0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GradedResponseItem that
                && id.equals(that.id)
                && Double.compare(slope, that.slope) == 0
                && Arrays.equals(thresholds, that.thresholds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id.hashCode() + Double.hashCode(slope)) + Arrays.hashCode(thresholds);
    }

    @Override
    public String toString() {
        return "GradedResponseItem[id=" + id + ", slope=" + slope + ", thresholds=" + Arrays.toString(thresholds) + "]";
    }
}
