package fi.vointi.results;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry of one score's chart over time, in SVG user units: the value axis with "nice" ticks (1, 2 or 5 × 10ⁿ),
 * the answers spaced evenly left to right in time order, the line through the scored answers, and the bands of the
 * scoring rule as horizontal stripes. Pure: no framework, no SVG text; the template draws what this computes.
 */
public final class ScoreChart {
    /** The drawing's size (viewBox) and the plot area inside it. */
    public static final int WIDTH = 360;
    public static final int HEIGHT = 220;
    public static final int LEFT = 40;
    public static final int RIGHT = 12;
    public static final int TOP = 16;
    public static final int BOTTOM = 36;

    /** One answer: its axis label (a date) and its value, or null when it was not scored. */
    public record Input(String label, BigDecimal value) {
    }

    /** A band of the rule: inclusive low and high, and its name. */
    public record BandInput(String code, String label, BigDecimal low, BigDecimal high) {
    }

    public record Tick(BigDecimal value, double y) {
    }

    /** A date under the axis; {@code anchor} is the SVG text-anchor that keeps it inside the drawing. */
    public record XLabel(String text, double x, String anchor) {
    }

    /** A drawn answer: where, its value (null: not scored, drawn as a gap), and whether it is the latest. */
    public record Point(double x, double y, BigDecimal value, boolean latest) {
    }

    /** A band's stripe from {@code top} to {@code top + height}; {@code shaded} alternates so that neighbours differ. */
    public record Stripe(String code, String label, double top, double height, boolean shaded) {
    }

    public record Geometry(BigDecimal min, BigDecimal max, List<Tick> ticks, List<XLabel> xLabels, List<Point> points,
                           String path, List<Stripe> stripes) {
        public int width() {
            return WIDTH;
        }

        public int height() {
            return HEIGHT;
        }

        public int plotLeft() {
            return LEFT;
        }

        public int plotRight() {
            return WIDTH - RIGHT;
        }

        public int plotTop() {
            return TOP;
        }

        public int plotBottom() {
            return HEIGHT - BOTTOM;
        }
    }

    private ScoreChart() {
    }

    /**
     * @param inputs     the answers, oldest first
     * @param scaleLow   the lowest possible value of the score, or null when unknown (the data decide)
     * @param scaleHigh  the highest possible value, or null
     * @param bands      the rule's bands, ascending (may be empty)
     */
    public static Geometry of(List<Input> inputs, BigDecimal scaleLow, BigDecimal scaleHigh, List<BandInput> bands) {
        BigDecimal low = scaleLow;
        BigDecimal high = scaleHigh;
        for (BandInput band : bands) {
            low = min(low, band.low());
            high = max(high, band.high());
        }
        for (Input input : inputs) {
            if (input.value() != null) {
                low = min(low, input.value());
                high = max(high, input.value());
            }
        }
        if (low == null) {
            low = BigDecimal.ZERO;
            high = BigDecimal.TEN;
        }
        if (low.compareTo(high) == 0) {
            low = low.subtract(BigDecimal.ONE);
            high = high.add(BigDecimal.ONE);
        }
        BigDecimal step = niceStep(high.subtract(low));
        BigDecimal axisLow = low.divide(step, 0, RoundingMode.FLOOR).multiply(step);
        BigDecimal axisHigh = high.divide(step, 0, RoundingMode.CEILING).multiply(step);
        double plotTop = TOP;
        double plotBottom = HEIGHT - BOTTOM;
        double span = axisHigh.subtract(axisLow).doubleValue();
        java.util.function.ToDoubleFunction<BigDecimal> y = v ->
                round(plotBottom - (v.subtract(axisLow).doubleValue() / span) * (plotBottom - plotTop));

        List<Tick> ticks = new ArrayList<>();
        for (BigDecimal v = axisLow; v.compareTo(axisHigh) <= 0; v = v.add(step)) {
            ticks.add(new Tick(v.stripTrailingZeros(), y.applyAsDouble(v)));
        }

        double plotLeft = LEFT;
        double plotRight = WIDTH - RIGHT;
        int n = inputs.size();
        List<Point> points = new ArrayList<>();
        List<XLabel> labels = new ArrayList<>();
        // at most about five date labels fit under a phone-width chart: label every k-th answer and the latest
        int every = Math.max(1, (int) Math.ceil(n / 5.0));
        StringBuilder path = new StringBuilder();
        boolean penDown = false;
        for (int i = 0; i < n; i++) {
            double x = n == 1 ? round((plotLeft + plotRight) / 2) : round(plotLeft + 14 + i * (plotRight - plotLeft - 28) / (n - 1));
            Input input = inputs.get(i);
            boolean latest = i == n - 1;
            if (i % every == 0 || latest) {
                if (latest && i % every != 0 && !labels.isEmpty() && x - labels.get(labels.size() - 1).x() < 60) {
                    labels.remove(labels.size() - 1);
                }
                labels.add(new XLabel(input.label(), x, n == 1 ? "middle" : i == 0 ? "start" : latest ? "end" : "middle"));
            }
            if (input.value() == null) {
                points.add(new Point(x, Double.NaN, null, latest));
                penDown = false;
                continue;
            }
            double py = y.applyAsDouble(input.value());
            points.add(new Point(x, py, input.value(), latest));
            path.append(penDown ? " L" : (path.length() == 0 ? "M" : " M")).append(fmt(x)).append(' ').append(fmt(py));
            penDown = true;
        }

        List<Stripe> stripes = new ArrayList<>();
        boolean shaded = false;
        for (BandInput band : bands) {
            double top = y.applyAsDouble(band.high().min(axisHigh));
            double bottom = y.applyAsDouble(band.low().max(axisLow));
            stripes.add(new Stripe(band.code(), band.label(), top, round(bottom - top), shaded));
            shaded = !shaded;
        }
        return new Geometry(axisLow.stripTrailingZeros(), axisHigh.stripTrailingZeros(), List.copyOf(ticks),
                List.copyOf(labels), List.copyOf(points), path.toString(), List.copyOf(stripes));
    }

    /** 1, 2 or 5 × 10ⁿ, so that a range gets about four to seven ticks. */
    static BigDecimal niceStep(BigDecimal range) {
        double raw = range.doubleValue() / 4;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10;
        return new BigDecimal(Double.toString(nice * magnitude)).stripTrailingZeros();
    }

    /** A coordinate as SVG text: at most one decimal, a dot as separator whatever the locale. */
    public static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static BigDecimal min(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.min(b);
    }

    private static BigDecimal max(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.max(b);
    }
}
