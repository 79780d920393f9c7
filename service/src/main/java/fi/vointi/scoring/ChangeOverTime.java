package fi.vointi.scoring;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One score's series for one person, with each point's change from the baseline (the first point with a value)
 * and from the previous point with a value, and whether each change is reliable:
 * <ul>
 *   <li>with standard errors on both points: the reliable change index of Jacobson &amp; Truax (1991),
 *       |x2 − x1| / √(SE1² + SE2²) &gt; 1.96 (95 %);</li>
 *   <li>otherwise, with a minimal important difference (MID) configured: |x2 − x1| ≥ MID;</li>
 *   <li>otherwise: unknown (null).</li>
 * </ul>
 * Pure; values are exact decimals as extracted, changes are exact differences.
 */
public final class ChangeOverTime {
    /** Two-sided 95 % normal quantile. */
    public static final BigDecimal Z_95 = new BigDecimal("1.96");

    private ChangeOverTime() {
    }

    /** A measurement: value and SE may be null (not scored; no SE). */
    public record Measurement(Instant time, String sourceId, BigDecimal value, BigDecimal standardError) {
        public Measurement {
            Objects.requireNonNull(time, "time");
        }
    }

    /** How a change was judged. */
    public enum Method { RELIABLE_CHANGE_INDEX, MINIMAL_IMPORTANT_DIFFERENCE, NONE }

    /**
     * A change between two measurements.
     *
     * @param difference     later − earlier
     * @param index          the reliable change index (difference / SE of the difference), or null when not computed
     * @param reliable       whether the change passes the threshold, or null when it cannot be judged
     * @param method         how it was judged
     */
    public record Change(BigDecimal difference, BigDecimal index, Boolean reliable, Method method) {
    }

    /** A point of the series; the changes are null for the baseline and for points without a value. */
    public record Point(Measurement measurement, Change fromBaseline, Change fromPrevious) {
    }

    /**
     * @param measurements in any order; sorted by time (then source id) for the series
     * @param mid          the minimal important difference, or null when none is configured
     */
    public static List<Point> series(List<Measurement> measurements, BigDecimal mid) {
        List<Measurement> sorted = new ArrayList<>(measurements);
        sorted.sort((a, b) -> {
            int byTime = a.time().compareTo(b.time());
            return byTime != 0 ? byTime : String.valueOf(a.sourceId()).compareTo(String.valueOf(b.sourceId()));
        });
        List<Point> points = new ArrayList<>();
        Measurement baseline = null;
        Measurement previous = null;
        for (Measurement m : sorted) {
            if (m.value() == null) {
                points.add(new Point(m, null, null));
                continue;
            }
            if (baseline == null) {
                baseline = m;
                points.add(new Point(m, null, null));
            } else {
                points.add(new Point(m, change(baseline, m, mid), change(previous, m, mid)));
            }
            previous = m;
        }
        return List.copyOf(points);
    }

    static Change change(Measurement earlier, Measurement later, BigDecimal mid) {
        BigDecimal difference = later.value().subtract(earlier.value());
        if (earlier.standardError() != null && later.standardError() != null) {
            BigDecimal variance = earlier.standardError().pow(2).add(later.standardError().pow(2));
            if (variance.signum() > 0) {
                BigDecimal seDiff = variance.sqrt(MathContext.DECIMAL64);
                BigDecimal index = difference.divide(seDiff, MathContext.DECIMAL64).setScale(2, RoundingMode.HALF_UP);
                boolean reliable = difference.abs().compareTo(Z_95.multiply(seDiff)) > 0;
                return new Change(difference, index, reliable, Method.RELIABLE_CHANGE_INDEX);
            }
        }
        if (mid != null) {
            return new Change(difference, null, difference.abs().compareTo(mid) >= 0, Method.MINIMAL_IMPORTANT_DIFFERENCE);
        }
        return new Change(difference, null, null, Method.NONE);
    }
}
