package fi.vointi.cat;

import java.util.Optional;

/**
 * Variable-length CAT stopping rule as used by PROMIS CATs (defaults: at least 4 items, at most 12,
 * stop once SE &lt;= 0.3 on the theta metric, i.e. 3 T-score points).
 *
 * <p>When several criteria hold at once the most informative reason is reported: STANDARD_ERROR (the
 * precision target was met) before MAX_ITEMS (the length cap) before BANK_EXHAUSTED. An exhausted bank
 * stops the test even below the minimum length, since nothing is left to ask.
 *
 * @param minItems               minimum test length, at least 1
 * @param maxItems               maximum test length, at least minItems
 * @param standardErrorThreshold stop when SE &lt;= this (0 disables the precision criterion)
 */
public record StoppingRule(int minItems, int maxItems, double standardErrorThreshold) {

    public static final StoppingRule PROMIS_DEFAULT = new StoppingRule(4, 12, 0.3);

    public StoppingRule {
        if (minItems < 1) {
            throw new IllegalArgumentException("minItems must be >= 1, was " + minItems);
        }
        if (maxItems < minItems) {
            throw new IllegalArgumentException("maxItems (" + maxItems + ") must be >= minItems (" + minItems + ")");
        }
        if (!(standardErrorThreshold >= 0) || !Double.isFinite(standardErrorThreshold)) {
            throw new IllegalArgumentException("standard error threshold must be finite and >= 0, was "
                    + standardErrorThreshold);
        }
    }

    /**
     * @param itemsAdministered items answered so far
     * @param standardError     SE of the current estimate
     * @param itemsRemaining    bank items not yet administered
     * @return the reason to stop, or empty to continue
     */
    public Optional<StopReason> evaluate(int itemsAdministered, double standardError, int itemsRemaining) {
        if (itemsAdministered >= minItems && standardError <= standardErrorThreshold) {
            return Optional.of(StopReason.STANDARD_ERROR);
        }
        if (itemsAdministered >= maxItems) {
            return Optional.of(StopReason.MAX_ITEMS);
        }
        if (itemsRemaining <= 0) {
            return Optional.of(StopReason.BANK_EXHAUSTED);
        }
        return Optional.empty();
    }
}
