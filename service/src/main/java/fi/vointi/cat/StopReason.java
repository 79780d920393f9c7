package fi.vointi.cat;

/** Why an adaptive test ended. */
public enum StopReason {
    /** The maximum test length was reached. */
    MAX_ITEMS,
    /** The standard error reached the threshold after at least the minimum number of items. */
    STANDARD_ERROR,
    /** Theta changed by less than the design's thetaChangeStop with the last answer, after the minimum length. */
    THETA_STABLE,
    /** Every item in the bank has been administered. */
    BANK_EXHAUSTED
}
