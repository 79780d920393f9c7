package fi.vointi.cat;

/**
 * An item response theory model for one item with ordered response categories 0..m-1.
 *
 * <p>All models use the logistic metric without the 1.7 scaling constant. Implementations must be
 * immutable and thread-safe; the {@code out} arrays are caller-owned so that scoring loops can
 * reuse one buffer instead of allocating per call.
 */
public interface IrtItem {

    /** Stable identifier of the item within its bank (e.g. the PROMIS item code). */
    String id();

    /** Number of response categories m (at least 2). Categories are indexed 0..m-1. */
    int categories();

    /**
     * Writes the category probabilities P_k(theta), k = 0..m-1, into {@code out[0..m-1]}.
     *
     * @throws IllegalArgumentException if {@code out} is shorter than {@link #categories()}
     */
    void probabilities(double theta, double[] out);

    /** Fisher information of the item at {@code theta}. */
    double information(double theta);

    /**
     * Writes log P_k(theta) into {@code out[0..m-1]}. The default takes logarithms of
     * {@link #probabilities}; the built-in models override it with forms that stay finite where
     * a probability would underflow to zero (likelihoods are accumulated in log space).
     */
    default void logProbabilities(double theta, double[] out) {
        probabilities(theta, out);
        for (int k = 0, m = categories(); k < m; k++) {
            out[k] = Math.log(out[k]);
        }
    }
}
