package fi.vointi.adaptive.pages;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.adaptive.AdaptiveBanks;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirServerConfiguration;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.invitations.Invitation;
import fi.vointi.invitations.InvitationService;
import fi.vointi.invitations.InvitationStore;
import fi.vointi.observations.ObservationSearch;
import fi.vointi.observations.ScoreCodes;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.simple.SimpleHttpParameters;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The writes of the adaptive-test pages, all through {@link ResponseService} (the validation, status rules, audit
 * listeners and {@link AccessPolicy} of the FHIR API, and the invitation drafts of {@link InvitationService}): starting a test from an invitation, saving each answer as an
 * in-progress response, and storing the finished test as {@code completed} exactly as a {@code $next-question} client
 * does — so the Observation (theta, T-score, SE) is written by the same code.
 */
@Singleton
public class AdaptiveAnswering {

    private final ResponseService responses;
    private final InvitationService invitations;
    private final InvitationStore invitationStore;
    private final AdaptiveBanks banks;
    private final ObservationSearch observations;
    private final FhirServerConfiguration server;

    public AdaptiveAnswering(ResponseService responses, InvitationService invitations, InvitationStore invitationStore,
                             AdaptiveBanks banks, ObservationSearch observations, FhirServerConfiguration server) {
        this.responses = responses;
        this.invitations = invitations;
        this.invitationStore = invitationStore;
        this.banks = banks;
        this.observations = observations;
        this.server = server;
    }

    /** An invitation to an adaptive test that the caller may see, with its bank; 404 for anything else. */
    public record Invited(Invitation invitation, AdaptiveBank bank) {
    }

    public Invited invited(Caller caller, String taskId) {
        Invitation invitation = invitations.read(caller, taskId);
        AdaptiveBank bank = banks.resolve(invitation.questionnaire())
                .filter(b -> b.canonical().equals(invitation.questionnaire().toString()))
                .orElseThrow(() -> FhirException.notFound("Task/" + taskId + " is not an invitation to an adaptive test"));
        return new Invited(invitation, bank);
    }

    /**
     * The in-progress response of this invitation: created and recorded with the invitation on the first call
     * ({@link InvitationService#startDraft}, as for a fixed questionnaire), the same draft on every later call, so that
     * starting twice, in two tabs or on two devices resumes.
     */
    public QuestionnaireResponse start(Caller caller, Invited invited) {
        Invitation invitation = invited.invitation();
        if (invitation.draftResponseId() != null) {
            return responses.read(caller, invitation.draftResponseId());
        }
        QuestionnaireResponse draft = invitations.newResponse(invitation);
        draft.setQuestionnaire(invited.bank().canonical());
        try {
            return invitations.startDraft(caller, invitation, draft);
        } catch (FhirException e) {
            // started at the same moment in another tab: continue that one
            String other = invitationStore.find(invitation.id()).map(Invitation::draftResponseId).orElse(null);
            if (e.status() == io.micronaut.http.HttpStatus.CONFLICT && other != null) {
                return responses.read(caller, other);
            }
            throw e;
        }
    }

    /** Saves the answers so far (in the order asked) as the next in-progress version; 412/409 if it changed meanwhile. */
    public QuestionnaireResponse save(Caller caller, QuestionnaireResponse stored, AdaptiveRun.Position position) {
        // sent as a $next-question client holds it (#cat with the sealed state), so the store replays it the same way
        QuestionnaireResponse next = stored.copy();
        next.getContained().removeIf(r -> r instanceof Questionnaire);
        Questionnaire asked = (Questionnaire) position.working().getContained().get(0);
        next.addContained(asked.copy());
        next.setQuestionnaire("#" + asked.getIdElement().getIdPart());
        next.setItem(position.working().getItem().stream().map(i -> i.copy()).toList());
        next.setAuthored(new Date());
        return responses.update(caller, stored.getIdElement().getIdPart(), next, ifMatch(stored));
    }

    /**
     * Stores the finished test as {@code completed} in the form a {@code $next-question} client sends it (the
     * contained {@code #cat} Questionnaire with the items asked), so that the service checks the stopping rule again
     * and writes its own estimate and the Observation; the invitation it answers is completed in the same transaction
     * ({@link InvitationService#completeDraft}).
     */
    public QuestionnaireResponse complete(Caller caller, QuestionnaireResponse stored, AdaptiveRun.Position finished) {
        if (!finished.finished()) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The adaptive test has not finished");
        }
        QuestionnaireResponse done = stored.copy();
        done.setStatus(QuestionnaireResponseStatus.COMPLETED);
        done.getContained().removeIf(r -> r instanceof Questionnaire);
        Questionnaire asked = (Questionnaire) finished.working().getContained().get(0);
        done.addContained(asked.copy());
        done.setQuestionnaire("#" + asked.getIdElement().getIdPart());
        done.setItem(finished.working().getItem().stream().map(i -> i.copy()).toList());
        done.setAuthored(new Date());
        return invitations.completeDraft(caller, stored.getIdElement().getIdPart(), done);
    }

    /** The finished test's score Observation (T-score with its SE), read with the caller's own grants. */
    public Optional<Observation> score(Caller caller, String responseId) {
        SearchRequest request = SearchRequest.of(new SimpleHttpParameters(Map.of("derived-from",
                List.of("QuestionnaireResponse/" + responseId)), ConversionService.SHARED), ObservationSearch.PARAMETERS);
        return observations.search(request, server.getZone(), AccessPolicy.readGrants(caller)).resources().stream()
                .filter(o -> o.getCode().getCoding().stream().anyMatch(c -> c.getCode() != null
                        && c.getCode().endsWith("." + ScoreCodes.CAT_SCORE)))
                .findFirst();
    }

    private static String ifMatch(QuestionnaireResponse stored) {
        return "W/\"" + stored.getMeta().getVersionId() + "\"";
    }
}
