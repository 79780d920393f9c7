package fi.vointi.cat;

/** Numerically careful logistic helpers shared by the item models (package-private). */
final class Logistic {

    private Logistic() {
    }

    /** The logistic function 1 / (1 + exp(-x)), accurate in both tails (no overflow for any x). */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log(sigmoid(x)) = -log(1 + exp(-x)), without forming the sigmoid (stays finite for large |x|). */
    static double logSigmoid(double x) {
        if (x >= 0) {
            return -Math.log1p(Math.exp(-x));
        }
        return x - Math.log1p(Math.exp(x));
    }

    static void requireLength(double[] out, int categories) {
        if (out.length < categories) {
            throw new IllegalArgumentException(
                    "output array has length " + out.length + " but the item has " + categories + " categories");
        }
    }

    static void requireFiniteSlope(String id, double slope) {
        if (!(slope > 0) || !Double.isFinite(slope)) {
            throw new IllegalArgumentException("item " + id + ": slope must be finite and > 0, was " + slope);
        }
    }

    static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("item id must be non-blank");
        }
        return id;
    }
}
