package fi.vointi.cat;

/**
 * Independent, deliberately naive implementations of the model formulas straight from the textbook
 * definitions, for cross-checking the engine. They read the item parameters through the public
 * accessors but never call the engine's probability or information code.
 */
final class TextbookModels {

    private TextbookModels() {
    }

    /** Category probabilities from the definitions (Samejima 1969; Muraki 1992; Birnbaum 1968). */
    static double[] probabilities(IrtItem item, double theta) {
        if (item instanceof GradedResponseItem grm) {
            double a = grm.slope();
            double[] b = grm.thresholds();
            int m = b.length + 1;
            double[] boundary = new double[m + 1];
            boundary[0] = 1.0;
            boundary[m] = 0.0;
            for (int k = 1; k < m; k++) {
                boundary[k] = 1.0 / (1.0 + Math.exp(-a * (theta - b[k - 1])));
            }
            double[] p = new double[m];
            for (int k = 0; k < m; k++) {
                p[k] = boundary[k] - boundary[k + 1];
            }
            return p;
        }
        if (item instanceof GeneralizedPartialCreditItem gpcm) {
            double a = gpcm.slope();
            double[] b = gpcm.steps();
            int m = b.length + 1;
            double[] numerator = new double[m];
            double denominator = 0.0;
            for (int k = 0; k < m; k++) {
                double exponent = 0.0;
                for (int v = 1; v <= k; v++) {
                    exponent += a * (theta - b[v - 1]);
                }
                numerator[k] = Math.exp(exponent);
                denominator += numerator[k];
            }
            for (int k = 0; k < m; k++) {
                numerator[k] /= denominator;
            }
            return numerator;
        }
        if (item instanceof TwoPlItem twoPl) {
            double p = 1.0 / (1.0 + Math.exp(-twoPl.slope() * (theta - twoPl.difficulty())));
            return new double[] {1.0 - p, p};
        }
        throw new IllegalArgumentException("unknown model " + item);
    }

    /** Fisher information as -E[d^2 log P / d theta^2], by a five-point central difference (error O(h^4)). */
    static double numericalInformation(IrtItem item, double theta) {
        double h = 1e-3;
        double[] p = probabilities(item, theta);
        double[] pm2 = probabilities(item, theta - 2 * h);
        double[] pm1 = probabilities(item, theta - h);
        double[] pp1 = probabilities(item, theta + h);
        double[] pp2 = probabilities(item, theta + 2 * h);
        double information = 0.0;
        for (int k = 0; k < p.length; k++) {
            double second = (-Math.log(pp2[k]) + 16 * Math.log(pp1[k]) - 30 * Math.log(p[k])
                    + 16 * Math.log(pm1[k]) - Math.log(pm2[k])) / (12 * h * h);
            information -= p[k] * second;
        }
        return information;
    }

    /** Fisher information from the closed forms: sum_k P_k'^2 / P_k with analytic derivatives. */
    static double analyticInformation(IrtItem item, double theta) {
        if (item instanceof TwoPlItem twoPl) {
            double p = 1.0 / (1.0 + Math.exp(-twoPl.slope() * (theta - twoPl.difficulty())));
            return twoPl.slope() * twoPl.slope() * p * (1 - p);
        }
        if (item instanceof GeneralizedPartialCreditItem gpcm) {
            double[] p = probabilities(item, theta);
            double mean = 0.0;
            double meanSquare = 0.0;
            for (int k = 0; k < p.length; k++) {
                mean += k * p[k];
                meanSquare += k * k * p[k];
            }
            return gpcm.slope() * gpcm.slope() * (meanSquare - mean * mean);
        }
        GradedResponseItem grm = (GradedResponseItem) item;
        double a = grm.slope();
        double[] b = grm.thresholds();
        int m = b.length + 1;
        double[] boundary = new double[m + 1];
        double[] derivative = new double[m + 1];
        boundary[0] = 1.0;
        for (int k = 1; k < m; k++) {
            boundary[k] = 1.0 / (1.0 + Math.exp(-a * (theta - b[k - 1])));
            derivative[k] = a * boundary[k] * (1 - boundary[k]);
        }
        double information = 0.0;
        for (int k = 0; k < m; k++) {
            double d = derivative[k] - derivative[k + 1];
            information += d * d / (boundary[k] - boundary[k + 1]);
        }
        return information;
    }
}
