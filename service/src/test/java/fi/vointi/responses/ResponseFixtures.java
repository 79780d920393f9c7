package fi.vointi.responses;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Type;

import java.util.List;

/** Builders shared by the validator tests, so each test reads as the response tree it sends. */
final class ResponseFixtures {

    private ResponseFixtures() {
    }

    static Questionnaire parseQuestionnaire(String json) {
        return FhirContext.forR4Cached().newJsonParser().parseResource(Questionnaire.class, json);
    }

    static QuestionnaireResponse response(QuestionnaireResponseStatus status, QuestionnaireResponseItemComponent... items) {
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setStatus(status);
        for (QuestionnaireResponseItemComponent item : items) {
            response.addItem(item);
        }
        return response;
    }

    /** A question item with one answer per value. */
    static QuestionnaireResponseItemComponent answered(String linkId, Type... values) {
        QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(linkId);
        for (Type value : values) {
            item.addAnswer().setValue(value);
        }
        return item;
    }

    /** A question item with one answer whose nested items (answer.item) are given. */
    static QuestionnaireResponseItemComponent answeredWithChildren(String linkId, Type value,
                                                                   QuestionnaireResponseItemComponent... children) {
        QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(linkId);
        QuestionnaireResponseItemAnswerComponent answer = item.addAnswer().setValue(value);
        for (QuestionnaireResponseItemComponent child : children) {
            answer.addItem(child);
        }
        return item;
    }

    /** A group (or any item) with child items under item.item. */
    static QuestionnaireResponseItemComponent group(String linkId, QuestionnaireResponseItemComponent... children) {
        QuestionnaireResponseItemComponent item = new QuestionnaireResponseItemComponent().setLinkId(linkId);
        for (QuestionnaireResponseItemComponent child : children) {
            item.addItem(child);
        }
        return item;
    }

    /** "code@expression" for each issue, the part of an issue tests usually pin down exactly. */
    static List<String> codesAt(List<ResponseIssue> issues) {
        return issues.stream().map(issue -> issue.code() + "@" + issue.expression()).toList();
    }
}
