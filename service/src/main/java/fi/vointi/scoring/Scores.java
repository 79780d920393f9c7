package fi.vointi.scoring;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Rounding shared by the scoring classes and by everything that reports their values. */
public final class Scores {
    /** Decimal places of computed values (prorated sums, means, irt-sum scores and SEs). */
    static final int DECIMALS = 2;

    private Scores() {
    }

    /** Rounds half-up to {@link #DECIMALS} places and drops trailing zeros (17, 7.5, 1.33). */
    public static BigDecimal round(BigDecimal value) {
        return round(value, DECIMALS);
    }

    /** Rounds half-up to {@code places} and drops trailing zeros. */
    public static BigDecimal round(BigDecimal value, int places) {
        return normalise(value.setScale(places, RoundingMode.HALF_UP));
    }

    static BigDecimal round(double value) {
        return round(BigDecimal.valueOf(value));
    }

    /** Trailing zeros removed, never in exponent form with a negative scale (20, not 2E+1). */
    static BigDecimal normalise(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
