package fi.vointi.scoring;

/** How a score combines its items' values. */
public enum ScoringMethod {
    /** Sum of the item values, prorated to the full item count when items are missing. */
    SUM("sum"),
    /** Mean of the answered item values. */
    MEAN("mean"),
    /**
     * Item-bank short form: EAP[theta | summed score] from the Lord–Wingersky table of the answered
     * items, reported on the bank's score scale (e.g. T-score) with its standard error.
     */
    IRT_SUM("irt-sum");

    private final String code;

    ScoringMethod(String code) {
        this.code = code;
    }

    /** The code used in the scoring-rule extension. */
    public String code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static ScoringMethod fromCode(String code) {
        for (ScoringMethod method : values()) {
            if (method.code.equals(code)) {
                return method;
            }
        }
        throw new IllegalArgumentException("method '" + code + "' is not sum, mean or irt-sum");
    }
}
