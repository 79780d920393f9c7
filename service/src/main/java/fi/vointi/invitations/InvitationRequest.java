package fi.vointi.invitations;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.responses.ResponseService;
import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a client's invitation Task asks for, checked against the SDC shape we accept. Every problem is reported
 * at once (422, one issue each), and nothing is stored when there is any.
 *
 * @param patientId     from {@code Task.for}
 * @param questionnaire from the {@code questionnaire} input, possibly without version
 * @param expires       {@code restriction.period.end}, or null for the configured default
 */
record InvitationRequest(String patientId, CanonicalRef questionnaire, @Nullable Instant expires) {
    static final String SDC_TEMP = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String COMPLETE_QUESTIONNAIRE = "complete-questionnaire";
    static final String QUESTIONNAIRE_INPUT = "questionnaire";
    static final String RESPONSE_OUTPUT = "questionnaire-response";
    private static final Pattern PATIENT = Pattern.compile("Patient/([A-Za-z0-9\\-.]{1,64})");

    static InvitationRequest of(Task task) {
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        if (task.hasStatus() && task.getStatus() != Task.TaskStatus.REQUESTED) {
            issues.add(issue(IssueType.VALUE, "Task.status must be requested (or absent); the server sets ready", "Task.status"));
        }
        if (task.getIntent() != Task.TaskIntent.ORDER) {
            issues.add(issue(IssueType.VALUE, "Task.intent must be order", "Task.intent"));
        }
        if (task.hasCode() && !isSdc(task.getCode(), COMPLETE_QUESTIONNAIRE)) {
            issues.add(issue(IssueType.VALUE, "Task.code must be " + COMPLETE_QUESTIONNAIRE + " from " + SDC_TEMP, "Task.code"));
        }
        if (task.hasOutput()) {
            issues.add(issue(IssueType.VALUE, "Task.output is set by the server when the patient answers", "Task.output"));
        }
        var patient = PATIENT.matcher(task.getFor().getReference() == null ? "" : task.getFor().getReference());
        if (!patient.matches()) {
            issues.add(issue(IssueType.REQUIRED, "Task.for must reference the invited patient, e.g. Patient/123", "Task.for"));
        }
        CanonicalRef questionnaire = null;
        List<Task.ParameterComponent> inputs = task.getInput();
        if (inputs.size() != 1 || !isSdc(inputs.get(0).getType(), QUESTIONNAIRE_INPUT)
                || !(inputs.get(0).getValue() instanceof CanonicalType canonical) || !canonical.hasValue()) {
            issues.add(issue(IssueType.REQUIRED, "Task.input must be exactly one input of type " + QUESTIONNAIRE_INPUT
                    + " (" + SDC_TEMP + ") with valueCanonical = the questionnaire's url (|version)", "Task.input"));
        } else {
            questionnaire = CanonicalRef.parse(((CanonicalType) inputs.get(0).getValue()).getValue());
        }
        Instant expires = task.getRestriction().getPeriod().hasEnd()
                ? task.getRestriction().getPeriod().getEnd().toInstant() : null;
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        return new InvitationRequest(patient.group(1), questionnaire, expires);
    }

    /**
     * The service unit named by the extension, or null when there is none.
     * Read before the rest of the request: it decides whether the caller may invite at all.
     */
    @Nullable
    static String unitRef(Task task) {
        List<Extension> extensions = task.getExtensionsByUrl(ResponseService.SERVICE_UNIT_EXTENSION);
        if (extensions.isEmpty()) {
            return null;
        }
        Extension extension = extensions.get(0);
        if (extensions.size() > 1 || !(extension.getValue() instanceof Reference reference) || reference.getReference() == null
                || !reference.getReference().matches("Organization/[A-Za-z0-9\\-.]{1,64}")) {
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(IssueType.VALUE,
                    "The Task needs at most one service-unit extension, with valueReference Organization/{id}", "Task.extension"));
        }
        return reference.getReference();
    }

    static boolean isSdc(CodeableConcept concept, String code) {
        return concept.getCoding().stream().anyMatch(c -> SDC_TEMP.equals(c.getSystem()) && code.equals(c.getCode()));
    }

    private static OperationOutcomeIssueComponent issue(IssueType type, String message, String expression) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, type, message, expression);
    }
}
