package fi.vointi.responses;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.input.UntrustedText;
import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;

import java.util.ArrayList;
import java.util.List;

/**
 * What a response must be before it is stored, whichever way it came (FHIR, the feedback form, an invitation link, an
 * import): every text free of control characters other than tab, CR and LF ({@link UntrustedText}), and every value
 * that goes into a column of the {@code questionnaire_response} table (db/migration/V1) no longer than that column and
 * free of any control character. Each problem is one 422 issue with its place, instead of a 500 from the database.
 */
final class StorableResponse {
    static final int IDENTIFIER_SYSTEM = 255;
    static final int IDENTIFIER_VALUE = 255;
    static final int SUBJECT_TYPE = 64;
    static final int SUBJECT_ID = 128;
    static final int UNIT_REF = 128;

    private StorableResponse() {
    }

    static List<OperationOutcomeIssueComponent> problems(FhirContext context, QuestionnaireResponse response) {
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        if (response.hasIdentifier()) {
            token(issues, "QuestionnaireResponse.identifier.system", "The identifier's system",
                    response.getIdentifier().getSystem(), IDENTIFIER_SYSTEM);
            token(issues, "QuestionnaireResponse.identifier.value", "The identifier's value",
                    response.getIdentifier().getValue(), IDENTIFIER_VALUE);
        }
        if (response.getSubject() != null && response.getSubject().hasReference()) {
            String where = "QuestionnaireResponse.subject";
            if (!token(issues, where, "The subject reference", response.getSubject().getReference(), Integer.MAX_VALUE)) {
                ResponseReferences subject = ResponseReferences.of(response.getSubject());
                token(issues, where, "The subject's resource type", subject.type(), SUBJECT_TYPE);
                token(issues, where, "The subject's id", subject.id(), SUBJECT_ID);
            }
        }
        for (Extension unit : response.getExtensionsByUrl(ResponseService.SERVICE_UNIT_EXTENSION)) {
            if (unit.getValue() instanceof Reference reference && reference.hasReference()) {
                String where = "QuestionnaireResponse.extension('" + ResponseService.SERVICE_UNIT_EXTENSION + "')";
                if (!token(issues, where, "The service-unit reference", reference.getReference(), Integer.MAX_VALUE)) {
                    token(issues, where, "The service-unit reference", ResponseReferences.of(reference).asRelative(), UNIT_REF);
                }
            }
        }
        if (issues.isEmpty()) {
            for (PrimitiveType<?> value : context.newTerser().getAllPopulatedChildElementsOfType(response, PrimitiveType.class)) {
                String problem = UntrustedText.freeTextProblem(value.getValueAsString());
                if (problem != null) {
                    issues.add(issue("A " + value.fhirType() + " value " + problem, "QuestionnaireResponse"));
                    break;
                }
            }
        }
        return issues;
    }

    /** Adds an issue when the value is not a token of at most {@code max} characters; true when it added one. */
    private static boolean token(List<OperationOutcomeIssueComponent> issues, String where, String what,
                                 @Nullable String value, int max) {
        String problem = UntrustedText.tokenProblem(value, max);
        if (problem == null) {
            return false;
        }
        issues.add(issue(what + " " + problem, where));
        return true;
    }

    private static OperationOutcomeIssueComponent issue(String message, String expression) {
        return OperationOutcomes.issue(IssueSeverity.ERROR,
                message.contains("characters long") ? IssueType.TOOLONG : IssueType.VALUE, message, expression);
    }
}
