package fi.vointi.observations;

import org.hl7.fhir.r4.model.Questionnaire;

/**
 * The code systems of extracted scores (fhir-profiles/CodeSystem-vointi-score.json and friends).
 * A score's code is {@code <questionnaire id>.<score code>}: stable across versions of a questionnaire,
 * unique across questionnaires.
 */
public final class ScoreCodes {
    public static final String SCORE_SYSTEM = "https://vointi.fi/fhir/CodeSystem/vointi-score";
    public static final String COMPONENT_SYSTEM = "https://vointi.fi/fhir/CodeSystem/score-component";
    public static final String BAND_SYSTEM = "https://vointi.fi/fhir/CodeSystem/score-band";
    /** The score code of an adaptive test's final estimate on the bank's reporting scale. */
    public static final String CAT_SCORE = "cat";
    public static final String STANDARD_ERROR = "standard-error";
    public static final String THETA = "theta";
    public static final String THETA_STANDARD_ERROR = "theta-standard-error";
    public static final String ITEMS_ANSWERED = "items-answered";
    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private ScoreCodes() {
    }

    public static String code(Questionnaire questionnaire, String scoreCode) {
        return questionnaire.getIdElement().getIdPart() + "." + scoreCode;
    }
}
