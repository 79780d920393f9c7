package fi.vointi.cat;

/**
 * Dichotomous two-parameter logistic item (Birnbaum 1968): P_1 = 1 / (1 + exp(-a (theta - b))),
 * P_0 = 1 - P_1, information a^2 P_0 P_1. Logistic metric, no 1.7 constant.
 *
 * @param id         item id
 * @param slope      discrimination a &gt; 0
 * @param difficulty location b
 */
public record TwoPlItem(String id, double slope, double difficulty) implements IrtItem {

    public TwoPlItem {
        Logistic.requireId(id);
        Logistic.requireFiniteSlope(id, slope);
        if (!Double.isFinite(difficulty)) {
            throw new IllegalArgumentException("item " + id + ": difficulty must be finite, was " + difficulty);
        }
    }

    @Override
    public int categories() {
        return 2;
    }

    @Override
    public void probabilities(double theta, double[] out) {
        Logistic.requireLength(out, 2);
        double x = slope * (theta - difficulty);
        out[1] = Logistic.sigmoid(x);
        out[0] = Logistic.sigmoid(-x); // not 1 - P_1: keeps relative precision in the upper tail
    }

    @Override
    public void logProbabilities(double theta, double[] out) {
        Logistic.requireLength(out, 2);
        double x = slope * (theta - difficulty);
        out[1] = Logistic.logSigmoid(x);
        out[0] = Logistic.logSigmoid(-x);
    }

    @Override
    public double information(double theta) {
        double x = slope * (theta - difficulty);
        return slope * slope * Logistic.sigmoid(x) * Logistic.sigmoid(-x);
    }
}
