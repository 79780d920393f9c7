package fi.vointi.cat;

/**
 * Equally spaced quadrature points theta_q = min + q (max - min) / (points - 1), q = 0..points-1,
 * used for EAP integration (Bock &amp; Mislevy 1982). With equal spacing and a smooth, rapidly decaying
 * integrand the rectangle rule is very accurate, so no explicit weights other than the prior are needed.
 *
 * @param min    lowest point
 * @param max    highest point
 * @param points number of points, at least 2
 */
public record QuadratureGrid(double min, double max, int points) {

    /** PROMIS-style default: -4..4 in 81 points (step 0.1). */
    public static final QuadratureGrid DEFAULT = new QuadratureGrid(-4.0, 4.0, 81);

    public QuadratureGrid {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("quadrature range must be finite with min < max, was [" + min + ", "
                    + max + "]");
        }
        if (points < 2) {
            throw new IllegalArgumentException("quadrature needs at least 2 points, was " + points);
        }
    }

    /** Distance between neighbouring points. */
    public double step() {
        return (max - min) / (points - 1);
    }

    /** The q-th point; computed rather than stored so the record stays a plain value. */
    public double node(int q) {
        if (q < 0 || q >= points) {
            throw new IndexOutOfBoundsException("quadrature point " + q + " outside 0.." + (points - 1));
        }
        // The last point is returned exactly as max (no accumulated rounding).
        return q == points - 1 ? max : min + q * step();
    }

    /** A fresh array of all points. */
    public double[] nodes() {
        double[] nodes = new double[points];
        double step = step();
        for (int q = 0; q < points - 1; q++) {
            nodes[q] = min + q * step;
        }
        nodes[points - 1] = max;
        return nodes;
    }
}
