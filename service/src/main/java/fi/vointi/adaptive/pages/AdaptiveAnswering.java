package fi.vointi.adaptive.pages;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.adaptive.AdaptiveBanks;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
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
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The writes of the adaptive-test pages, all through {@link ResponseService} (the validation, status rules, audit
 * listeners and {@link AccessPolicy} of the FHIR API): starting a test from an invitation, saving each answer as an
 * in-progress response, and storing the finished test as {@code completed} exactly as a {@code $next-question} client
 * does — so the Observation (theta, T-score, SE) is written by the same code.
 */
@Singleton
public class AdaptiveAnswering {
    /** Identifier system of a response started from an invitation (Task) in the web app; the value is the Task id. */
    public static final String TASK_IDENTIFIER_SYSTEM = "https://vointi.fi/fhir/sid/invitation-task";
    private static final String SDC_TEMP = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";

    private final ResponseService responses;
    private final InvitationService invitations;
    private final InvitationStore invitationStore;
    private final AdaptiveBanks banks;
    private final ObservationSearch observations;
    private final FhirServerConfiguration server;
    private final FhirJson json;

    public AdaptiveAnswering(ResponseService responses, InvitationService invitations, InvitationStore invitationStore,
                             AdaptiveBanks banks, ObservationSearch observations, FhirServerConfiguration server, FhirJson json) {
        this.responses = responses;
        this.invitations = invitations;
        this.invitationStore = invitationStore;
        this.banks = banks;
        this.observations = observations;
        this.server = server;
        this.json = json;
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
     * The in-progress response of this invitation: created on the first call, the same one on every later call (a
     * conditional create on the Task's identifier), so that starting twice, in two tabs or on two devices resumes.
     */
    public QuestionnaireResponse start(Caller caller, Invited invited) {
        Invitation invitation = invited.invitation();
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        response.setQuestionnaire(invited.bank().canonical());
        response.setSubject(new Reference("Patient/" + invitation.patientId()));
        response.setIdentifier(new Identifier().setSystem(TASK_IDENTIFIER_SYSTEM).setValue(invitation.id()));
        if (invitation.unitRef() != null) {
            response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(invitation.unitRef()));
        }
        ResponseService.CreateResult result = responses.create(caller, response,
                "identifier=" + TASK_IDENTIFIER_SYSTEM + "|" + invitation.id());
        if (result.response() == null) {
            throw FhirException.notFound("Task/" + invitation.id() + " is not known");
        }
        return result.response();
    }

    /** Saves the answers so far (in the order asked) as the next in-progress version; 412/409 if it changed meanwhile. */
    public QuestionnaireResponse save(Caller caller, QuestionnaireResponse stored, AdaptiveRun.Position position) {
        QuestionnaireResponse next = stored.copy();
        next.setItem(position.working().getItem().stream().map(i -> i.copy()).toList());
        next.setAuthored(new Date());
        return responses.update(caller, stored.getIdElement().getIdPart(), next, ifMatch(stored));
    }

    /**
     * Stores the finished test as {@code completed} in the form a {@code $next-question} client sends it (the
     * contained {@code #cat} Questionnaire with the items asked), so that the service checks the stopping rule again
     * and writes its own estimate and the Observation; the invitation it came from is marked done in the same
     * transaction.
     */
    @Transactional
    public QuestionnaireResponse complete(Caller caller, QuestionnaireResponse stored, AdaptiveRun.Position finished) {
        if (!finished.finished()) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The adaptive test has not finished");
        }
        QuestionnaireResponse done = stored.copy();
        done.setStatus(QuestionnaireResponseStatus.COMPLETED);
        done.getContained().clear();
        Questionnaire asked = (Questionnaire) finished.working().getContained().get(0);
        done.addContained(asked.copy());
        done.setQuestionnaire("#" + asked.getIdElement().getIdPart());
        done.setItem(finished.working().getItem().stream().map(i -> i.copy()).toList());
        done.setAuthored(new Date());
        String id = stored.getIdElement().getIdPart();
        QuestionnaireResponse saved = responses.update(caller, id, done, ifMatch(stored));
        taskOf(saved).ifPresent(invitation -> markAnswered(invitation, id));
        return saved;
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

    private Optional<Invitation> taskOf(QuestionnaireResponse response) {
        Identifier identifier = response.getIdentifier();
        if (identifier == null || !TASK_IDENTIFIER_SYSTEM.equals(identifier.getSystem()) || !identifier.hasValue()) {
            return Optional.empty();
        }
        return invitationStore.find(identifier.getValue());
    }

    /** The invitation is answered: its Task completed with the response as output, and its link no longer usable. */
    private void markAnswered(Invitation invitation, String responseId) {
        if (invitation.used()) {
            return;
        }
        Instant now = Instant.now();
        // parsed afresh: a resource from parseStored would encode as its stored text, unchanged
        Task task = json.context().newJsonParser().parseResource(Task.class, invitation.resourceJson());
        task.getMeta().setVersionId("2").setLastUpdated(Date.from(now));
        task.setStatus(Task.TaskStatus.COMPLETED).setLastModified(Date.from(now));
        task.addOutput().setType(new CodeableConcept(new Coding(SDC_TEMP, "questionnaire-response", "QuestionnaireResponse")))
                .setValue(new Reference("QuestionnaireResponse/" + responseId));
        // an invitation whose link expired meanwhile stays as it is; the answer itself counts all the same
        invitationStore.consume(invitation.tokenSha256(), now, responseId, json.encode(task));
    }

    private static String ifMatch(QuestionnaireResponse stored) {
        return "W/\"" + stored.getMeta().getVersionId() + "\"";
    }
}
