package fi.vointi.responses;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

/**
 * One stored version of a QuestionnaireResponse, as seen by {@link ResponseWriteListener}s.
 *
 * @param questionnaire  the exact questionnaire version the response answers
 * @param response       the response as stored (id and meta.versionId set)
 * @param previousStatus the status of the version this one replaces; null for a new response
 * @param row            the stored row (subject, unit, shared flag, authored)
 */
public record ResponseWrite(Questionnaire questionnaire, QuestionnaireResponse response,
                            @Nullable QuestionnaireResponseStatus previousStatus, StoredResponse row) {

    /** True when this version is completed or amended, i.e. its answers are final and may be scored or counted. */
    public boolean isFinal() {
        QuestionnaireResponseStatus status = response.getStatus();
        return status == QuestionnaireResponseStatus.COMPLETED || status == QuestionnaireResponseStatus.AMENDED;
    }

    /** True when an earlier final version exists, whose derived data this version supersedes. */
    public boolean replacesFinalVersion() {
        return previousStatus == QuestionnaireResponseStatus.COMPLETED || previousStatus == QuestionnaireResponseStatus.AMENDED;
    }
}
