package fi.vointi.web.manage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry of the feedback dashboard's charts, in SVG user units, after {@code fi.vointi.results.ScoreChart}: the
 * NPS trend (line with its 95 % confidence band on a fixed −100…100 axis, gaps where a bucket was suppressed), the
 * stacked promoters/passives/detractors bar, each statement's diverging bar (disagree left of the centre, agree right,
 * "neither" across it) and the NPS-with-interval markers comparing units. Pure: no framework, no SVG text; the
 * templates draw what this computes, and each chart has a table of the same figures beside it.
 */
public final class FeedbackCharts {
    public static final int WIDTH = 360;
    public static final int HEIGHT = 220;
    public static final int LEFT = 40;
    public static final int RIGHT = 12;
    public static final int TOP = 16;
    public static final int BOTTOM = 36;
    /** Bars are drawn in a 100 × 10 box stretched to the row's width (rectangles only, so stretching is harmless). */
    public static final int BAR_WIDTH = 100;

    private FeedbackCharts() {
    }

    /** One bucket of the trend: its label, and its NPS with interval, or nulls when suppressed or without answers. */
    public record TrendInput(String label, Double score, Double lower, Double upper) {
    }

    public record Tick(int value, double y) {
    }

    public record XLabel(String text, double x, String anchor) {
    }

    public record Point(double x, double y, double value) {
    }

    /**
     * @param bands one closed path per run of consecutive shown buckets: the interval from upper to lower
     * @param zeroY the y of NPS 0 (a reference line)
     */
    public record Trend(List<Tick> ticks, List<XLabel> xLabels, List<Point> points, String line, List<String> bands,
                        double zeroY) {
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

    /** A piece of a bar: what it stands for (an answer 1…5, or promoters/passives/detractors), where and how wide. */
    public record Segment(String category, double x, double width) {
    }

    /** A unit's NPS marker and its interval on the 0…100 box (NPS −100 at 0, 0 at 50, 100 at 100). */
    public record Marker(double x, double lower, double upper) {
    }

    public static Trend trend(List<TrendInput> inputs) {
        double plotTop = TOP;
        double plotBottom = HEIGHT - BOTTOM;
        java.util.function.DoubleUnaryOperator y = v -> round(plotBottom - (v + 100) / 200 * (plotBottom - plotTop));
        List<Tick> ticks = new ArrayList<>();
        for (int v = -100; v <= 100; v += 50) {
            ticks.add(new Tick(v, y.applyAsDouble(v)));
        }
        double plotLeft = LEFT;
        double plotRight = WIDTH - RIGHT;
        int n = inputs.size();
        int every = Math.max(1, (int) Math.ceil(n / 5.0)); // about five labels fit under a phone-width chart
        List<XLabel> labels = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        List<String> bands = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        List<double[]> run = new ArrayList<>(); // x, y upper, y lower of the current run of shown buckets
        boolean penDown = false;
        for (int i = 0; i < n; i++) {
            double x = n == 1 ? round((plotLeft + plotRight) / 2) : round(plotLeft + 14 + i * (plotRight - plotLeft - 28) / (n - 1));
            TrendInput input = inputs.get(i);
            boolean last = i == n - 1;
            if (i % every == 0 || last) {
                if (last && i % every != 0 && !labels.isEmpty() && x - labels.get(labels.size() - 1).x() < 60) {
                    labels.remove(labels.size() - 1);
                }
                labels.add(new XLabel(input.label(), x, n == 1 ? "middle" : i == 0 ? "start" : last ? "end" : "middle"));
            }
            if (input.score() == null) {
                bands.addAll(band(run));
                run.clear();
                penDown = false;
                continue;
            }
            double py = y.applyAsDouble(input.score());
            points.add(new Point(x, py, input.score()));
            line.append(penDown ? " L" : line.length() == 0 ? "M" : " M").append(fmt(x)).append(' ').append(fmt(py));
            penDown = true;
            if (input.lower() != null && input.upper() != null) {
                run.add(new double[]{x, y.applyAsDouble(input.upper()), y.applyAsDouble(input.lower())});
            }
        }
        bands.addAll(band(run));
        return new Trend(List.copyOf(ticks), List.copyOf(labels), List.copyOf(points), line.toString(), List.copyOf(bands),
                y.applyAsDouble(0));
    }

    /** The interval of a run: along the upper ends, back along the lower ones; a lone bucket gets a 12-unit box. */
    private static List<String> band(List<double[]> run) {
        if (run.isEmpty()) {
            return List.of();
        }
        StringBuilder path = new StringBuilder();
        if (run.size() == 1) {
            double[] p = run.get(0);
            path.append('M').append(fmt(p[0] - 6)).append(' ').append(fmt(p[1])).append(" L").append(fmt(p[0] + 6)).append(' ')
                    .append(fmt(p[1])).append(" L").append(fmt(p[0] + 6)).append(' ').append(fmt(p[2])).append(" L")
                    .append(fmt(p[0] - 6)).append(' ').append(fmt(p[2])).append(" Z");
            return List.of(path.toString());
        }
        for (int i = 0; i < run.size(); i++) {
            path.append(i == 0 ? "M" : " L").append(fmt(run.get(i)[0])).append(' ').append(fmt(run.get(i)[1]));
        }
        for (int i = run.size() - 1; i >= 0; i--) {
            path.append(" L").append(fmt(run.get(i)[0])).append(' ').append(fmt(run.get(i)[2]));
        }
        return List.of(path.append(" Z").toString());
    }

    /**
     * A statement's diverging bar: answers 1 and 2 left of the centre (50), 4 and 5 right of it, 3 ("neither") split
     * across it; each side is 50 units for 100 % of the answers, so bars of different statements compare directly.
     *
     * @param distribution the counts of answers 1…5
     */
    public static List<Segment> diverging(long[] distribution) {
        long n = 0;
        for (int i = 0; i < 5; i++) {
            n += distribution[i];
        }
        if (n == 0) {
            return List.of();
        }
        double half = BAR_WIDTH / 2.0;
        double[] w = new double[5];
        for (int i = 0; i < 5; i++) {
            w[i] = half * distribution[i] / n;
        }
        double neutralLeft = half - w[2] / 2;
        double neutralRight = half + w[2] / 2;
        List<Segment> segments = new ArrayList<>();
        segments.add(new Segment("1", round(neutralLeft - w[1] - w[0]), round(w[0])));
        segments.add(new Segment("2", round(neutralLeft - w[1]), round(w[1])));
        segments.add(new Segment("3", round(neutralLeft), round(w[2])));
        segments.add(new Segment("4", round(neutralRight), round(w[3])));
        segments.add(new Segment("5", round(neutralRight + w[3]), round(w[4])));
        return segments.stream().filter(s -> s.width() > 0).toList();
    }

    /** Detractors, passives and promoters side by side over the whole 100-unit bar. */
    public static List<Segment> split(long promoters, long passives, long detractors) {
        long n = promoters + passives + detractors;
        if (n == 0) {
            return List.of();
        }
        double d = BAR_WIDTH * (double) detractors / n;
        double p = BAR_WIDTH * (double) passives / n;
        List<Segment> segments = new ArrayList<>();
        segments.add(new Segment("detractors", 0, round(d)));
        segments.add(new Segment("passives", round(d), round(p)));
        segments.add(new Segment("promoters", round(d + p), round(BAR_WIDTH - d - p)));
        return segments.stream().filter(s -> s.width() > 0).toList();
    }

    /** An NPS (−100…100) and its interval on the 100-unit box. */
    public static Marker marker(double score, double lower, double upper) {
        return new Marker(onBox(score), onBox(lower), onBox(upper));
    }

    private static double onBox(double nps) {
        return round((Math.max(-100, Math.min(100, nps)) + 100) / 200 * BAR_WIDTH);
    }

    /** A coordinate as SVG text: at most one decimal, a dot as separator whatever the locale. */
    public static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
