package fi.vointi.feedback;

import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.responses.AnonymousAnswering;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Stores one anonymous feedback answer for a unit through {@link ResponseService#create}, so that the catalog's
 * validation, the anonymous-answering rules and the write listeners (analytics) all apply. The server, not the
 * client, decides the unit, the channel and (except for imports) the time.
 */
@Singleton
public class FeedbackService {
    static final Set<String> LINK_CHANNELS = Set.of("qr", "web", "kiosk");

    private final ResponseService responses;
    private final FeedbackSurveys surveys;
    private final TokenUses tokenUses;

    public FeedbackService(ResponseService responses, FeedbackSurveys surveys, TokenUses tokenUses) {
        this.responses = responses;
        this.surveys = surveys;
        this.tokenUses = tokenUses;
    }

    /** A live (not imported) answer through a unit's link; a channel token is used up with it. */
    @Transactional
    public QuestionnaireResponse submit(FeedbackUnits.Unit unit, QuestionnaireResponse response, String channel,
                                        @Nullable ChannelTokens.ChannelToken token) {
        // Feedback is given now: a client cannot back- or forward-date it. ResponseService keeps only the hour of
        // any anonymous answer (docs/feedback.md).
        response.setAuthored(new Date());
        QuestionnaireResponse prepared = prepare(unit.id(), response, channel);
        boolean staffSurvey = surveys.resolve(prepared.getQuestionnaire()).flatMap(FeedbackSurveys::audienceOf)
                .filter("staff"::equals).isPresent();
        boolean staffLink = token != null && "staff".equals(token.audience());
        if (staffSurvey != staffLink) {
            throw new FhirException(HttpStatus.FORBIDDEN, OperationOutcomes.error(IssueType.SECURITY, staffSurvey
                    ? "The staff survey is answered only through a staff link (sent to the unit's staff)"
                    : "A staff link answers the staff survey only", "QuestionnaireResponse.questionnaire"));
        }
        if (token != null && !tokenUses.claim(token.tokenId(), token.expiresAt())) {
            throw new FhirException(HttpStatus.CONFLICT, IssueType.DUPLICATE,
                    "This feedback link has already been used; each SMS link takes one answer");
        }
        return responses.create(Caller.ANONYMOUS, prepared, null).response();
    }

    /** An imported earlier answer: authored is kept as given; the caller (an admin) was checked by the importer. */
    QuestionnaireResponse importOne(Caller caller, String unitId, QuestionnaireResponse response) {
        if (!response.hasAuthored()) {
            throw FhirException.unprocessable(IssueType.REQUIRED, "An imported answer needs its original date (authored)");
        }
        QuestionnaireResponse stored = responses.createImported(caller, prepare(unitId, response, "import")).response();
        if (stored == null) {
            throw new IllegalStateException("create returned no response");
        }
        return stored;
    }

    /**
     * Subject, author, narrative, identifier and the like are refused by {@link AnonymousAnswering}; a client's own
     * extensions could carry identifying data just as well and have no use in feedback: refused (422), never stored.
     */
    private static void refuseIdentifyingContent(QuestionnaireResponse response) {
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        refuse(issues, response.getExtension().stream().anyMatch(e -> !ResponseService.SERVICE_UNIT_EXTENSION.equals(e.getUrl())
                && !FeedbackSurveys.CHANNEL_EXTENSION.equals(e.getUrl())), "extension", "extensions other than service-unit and feedback-channel");
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
    }

    private static void refuse(List<OperationOutcomeIssueComponent> issues, boolean present, String element, String what) {
        if (present) {
            issues.add(OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.SECURITY, "Feedback is anonymous: "
                    + what + " may not be sent (QuestionnaireResponse." + element + ")", "QuestionnaireResponse." + element));
        }
    }

    /** Sets unit and channel, and refuses anything that is not a completed, in-range answer to a feedback survey. */
    private QuestionnaireResponse prepare(String unitId, QuestionnaireResponse response, String channel) {
        if (!response.hasQuestionnaire()) {
            throw FhirException.unprocessable(IssueType.REQUIRED, "QuestionnaireResponse.questionnaire is required");
        }
        Questionnaire questionnaire = surveys.resolve(response.getQuestionnaire())
                .filter(q -> FeedbackSurveys.audienceOf(q).isPresent() && AnonymousAnswering.isAnonymous(q))
                .orElseThrow(() -> FhirException.unprocessable(IssueType.NOTFOUND, "Questionnaire "
                        + response.getQuestionnaire() + " is not an anonymous feedback survey of this server"));
        if (response.getStatus() != QuestionnaireResponseStatus.COMPLETED) {
            throw new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(IssueType.BUSINESSRULE,
                    "Feedback is sent once, complete: status must be 'completed'", "QuestionnaireResponse.status"));
        }
        refuseIdentifyingContent(response);
        String unitRef = "Organization/" + unitId;
        Extension unit = response.getExtensionByUrl(ResponseService.SERVICE_UNIT_EXTENSION);
        if (unit != null && !(unit.getValue() instanceof Reference r && unitRef.equals(r.getReference()))) {
            throw new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(IssueType.BUSINESSRULE,
                    "The service-unit extension must name " + unitRef + " (the unit of this link) or be left out",
                    "QuestionnaireResponse.extension"));
        }
        Extension given = response.getExtensionByUrl(FeedbackSurveys.CHANNEL_EXTENSION);
        if (given != null && !(given.getValue() instanceof CodeType c && channel.equals(c.getValue()))) {
            throw new FhirException(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(IssueType.BUSINESSRULE,
                    "The feedback-channel extension is set by the server (here '" + channel + "'); leave it out",
                    "QuestionnaireResponse.extension"));
        }
        response.getExtension().removeIf(e -> ResponseService.SERVICE_UNIT_EXTENSION.equals(e.getUrl())
                || FeedbackSurveys.CHANNEL_EXTENSION.equals(e.getUrl()));
        response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(unitRef));
        response.addExtension(FeedbackSurveys.CHANNEL_EXTENSION, new CodeType(channel));
        List<FeedbackAnswers.Problem> problems = FeedbackAnswers.check(questionnaire, response);
        if (!problems.isEmpty()) {
            throw FhirException.unprocessable(problems.stream().map(p -> OperationOutcomes.issue(IssueSeverity.ERROR,
                    IssueType.VALUE, p.message(), p.expression())).toList());
        }
        return response;
    }
}
