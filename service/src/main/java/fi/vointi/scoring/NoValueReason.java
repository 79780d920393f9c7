package fi.vointi.scoring;

/** Why a score has no value. */
public enum NoValueReason {
    /**
     * Fewer items answered than the rule's minAnswered. Suggested FHIR dataAbsentReason: {@code not-performed}
     * (http://terminology.hl7.org/CodeSystem/data-absent-reason).
     */
    TOO_FEW_ANSWERS("too-few-answers", "not-performed");

    private final String code;
    private final String dataAbsentReason;

    NoValueReason(String code, String dataAbsentReason) {
        this.code = code;
        this.dataAbsentReason = dataAbsentReason;
    }

    public String code() {
        return code;
    }

    /** Suggested code from http://terminology.hl7.org/CodeSystem/data-absent-reason. */
    public String dataAbsentReason() {
        return dataAbsentReason;
    }
}
