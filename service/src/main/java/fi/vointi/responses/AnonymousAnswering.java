package fi.vointi.responses;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Questionnaires answered anonymously (customer feedback by QR code, SMS link or kiosk): anyone may answer
 * without logging in, and a response must not carry anything that identifies the person.
 */
public final class AnonymousAnswering {
    /** Questionnaire extension, valueBoolean true: answered without login and without identity. */
    public static final String EXTENSION = "https://vointi.fi/fhir/StructureDefinition/anonymous-answering";

    private AnonymousAnswering() {
    }

    public static boolean isAnonymous(Questionnaire questionnaire) {
        Extension extension = questionnaire.getExtensionByUrl(EXTENSION);
        return extension != null && extension.getValue() instanceof BooleanType b && b.booleanValue();
    }

    /**
     * 422 if the response names a subject, author, source, encounter or what it is based on, or carries a place to
     * hide identifying data that an answer does not need: a narrative, contained resources, a business identifier,
     * implicitRules, modifier extensions, or meta other than profile.
     */
    static void refuseIdentifyingElements(QuestionnaireResponse response) {
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        check(issues, response.hasSubject(), "subject");
        check(issues, response.hasAuthor(), "author");
        check(issues, response.hasSource(), "source");
        check(issues, response.hasEncounter(), "encounter");
        check(issues, response.hasBasedOn(), "basedOn");
        check(issues, response.hasPartOf(), "partOf");
        check(issues, response.hasText(), "text");
        check(issues, response.hasContained(), "contained");
        check(issues, response.hasIdentifier(), "identifier");
        check(issues, response.hasImplicitRules(), "implicitRules");
        check(issues, response.hasModifierExtension(), "modifierExtension");
        check(issues, response.hasMeta() && (response.getMeta().hasSource() || response.getMeta().hasTag()
                || response.getMeta().hasSecurity() || response.getMeta().hasExtension()), "meta");
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
    }

    private static void check(List<OperationOutcomeIssueComponent> issues, boolean present, String element) {
        if (present) {
            issues.add(OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.SECURITY,
                    "This questionnaire is answered anonymously: QuestionnaireResponse." + element + " must be absent",
                    "QuestionnaireResponse." + element));
        }
    }
}
