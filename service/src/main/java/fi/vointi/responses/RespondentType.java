package fi.vointi.responses;

import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.Locale;
import java.util.Optional;

/**
 * Who a questionnaire is meant to be answered by, as it declares with the extension {@value #URL} (valueCode
 * {@code self} | {@code proxy}): a self-report (the patient about themself) or a proxy report (a guardian about the
 * patient), e.g. the two banks of a pediatric instrument. Undeclared questionnaires may be answered by either.
 */
public enum RespondentType {
    SELF, PROXY;

    public static final String URL = "https://vointi.fi/fhir/StructureDefinition/respondent-type";

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The questionnaire's declaration; empty when it has none (an unknown code is refused by profile validation). */
    public static Optional<RespondentType> declaredBy(Questionnaire questionnaire) {
        if (questionnaire == null) {
            return Optional.empty();
        }
        Extension declared = questionnaire.getExtensionByUrl(URL);
        if (declared == null || declared.getValue() == null) {
            return Optional.empty();
        }
        String code = declared.getValue().primitiveValue();
        for (RespondentType type : values()) {
            if (type.code().equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
