package fi.vointi.invitations;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.DateRange;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.responses.AnonymousAnswering;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.security.Refusal;
import fi.vointi.security.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Invitations to answer one questionnaire (SDC "complete-questionnaire" Task) and the single-use link that
 * lets the patient answer without logging in. The link's token is the only credential, so it is stored
 * hashed, expires, and is consumed in the same transaction that stores the response.
 */
@Singleton
public class InvitationService {
    /** Extension carrying the link in the answer to an invitation (and nowhere else). */
    public static final String LINK_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/invitation-link";
    public static final Set<String> SEARCH_PARAMETERS = Set.of("patient", "status", "_lastUpdated");
    /** Newest first; no _sort. */
    public static final fi.vointi.fhir.SearchSpec SEARCH = fi.vointi.fhir.SearchSpec.of("Task", SEARCH_PARAMETERS);
    private static final Set<String> TASK_STATUSES = Arrays.stream(Task.TaskStatus.values())
            .filter(s -> s != Task.TaskStatus.NULL).map(Task.TaskStatus::toCode).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final InvitationStore store;
    private final QuestionnaireCatalog catalog;
    private final ResponseService responses;
    private final FhirJson json;
    private final InvitationConfiguration configuration;
    /** Sends the link to the patient when the Task names a contact (fi.vointi.messaging); absent, nothing is sent. */
    @Nullable
    private final InvitationMessages messages;
    /** The server's clock (tests move it: schedules run months ahead, docs/schedules.md). */
    private final java.time.Clock clock;

    public InvitationService(InvitationStore store, QuestionnaireCatalog catalog, ResponseService responses,
                             FhirJson json, InvitationConfiguration configuration, @Nullable InvitationMessages messages,
                             java.time.Clock clock) {
        this.clock = clock;
        this.store = store;
        this.catalog = catalog;
        this.responses = responses;
        this.json = json;
        this.configuration = configuration;
        this.messages = messages;
    }

    /**
     * A stored invitation and its link token, which exists only in this answer; {@code shortLink} is the link the
     * messages carry when the Task asked for them (null otherwise), for reminders of a schedule (fi.vointi.schedules).
     */
    public record Created(Task task, String patientId, String token, @Nullable String shortLink) {
    }

    public record Page(List<Task> tasks, boolean hasNext, @Nullable Integer total) {
    }

    @Transactional // the invitation and the messages that carry its link: both or neither
    public Created invite(Caller caller, Task task) {
        // Anonymous callers are refused before anything in the body is judged.
        if (caller.isAnonymous()) {
            CallerResolver.enforce(AccessPolicy.invite(caller, null));
        }
        String unitRef = InvitationRequest.unitRef(task);
        if (unitRef == null && caller.has(Role.CLINICIAN) && !caller.systemMay("Task", 'c')) {
            if (caller.unitRefs().size() != 1) {
                throw FhirException.unprocessable(IssueType.REQUIRED, "You work in several service units: name the one"
                        + " inviting with the extension " + ResponseService.SERVICE_UNIT_EXTENSION);
            }
            unitRef = caller.unitRefs().iterator().next();
        }
        CallerResolver.enforce(AccessPolicy.invite(caller, unitRef));
        InvitationRequest request = InvitationRequest.of(task);
        Questionnaire questionnaire = catalog.resolve(request.questionnaire()).orElseThrow(() -> FhirException.unprocessable(
                IssueType.NOTFOUND, "Unknown questionnaire " + request.questionnaire() + ": it is not in this server's catalog"));
        if (AnonymousAnswering.isAnonymous(questionnaire)) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "Questionnaire " + request.questionnaire()
                    + " is answered anonymously, without invitation: a response to it may not name the patient");
        }
        Instant now = clock.instant();
        Instant expires = expiry(request.expires(), now);
        CanonicalRef pinned = new CanonicalRef(questionnaire.getUrl(), questionnaire.getVersion());

        String id = UUID.randomUUID().toString();
        task.setId(id);
        task.getMeta().setVersionId("1").setLastUpdated(Date.from(now));
        task.setStatus(Task.TaskStatus.READY);
        task.setCode(new CodeableConcept(new Coding(InvitationRequest.SDC_TEMP, InvitationRequest.COMPLETE_QUESTIONNAIRE,
                "Complete Questionnaire")));
        task.setFor(new Reference("Patient/" + request.patientId()));
        task.getInputFirstRep().setValue(new CanonicalType(pinned.toString()));
        task.setAuthoredOn(Date.from(now)).setLastModified(Date.from(now));
        task.setRequester(new Reference().setDisplay(caller.id()));
        task.getRestriction().getPeriod().setEnd(Date.from(expires));
        task.getExtension().removeIf(e -> LINK_EXTENSION.equals(e.getUrl()));
        task.getExtension().removeIf(e -> ResponseService.SERVICE_UNIT_EXTENSION.equals(e.getUrl()));
        if (unitRef != null) {
            task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(unitRef));
        }

        InvitationMessages.Pending pending = messages == null ? null : messages.take(task, request.patientId(), unitRef);
        String token = pending == null ? InvitationTokens.newToken() : pending.token();
        store.insert(new Invitation(id, InvitationTokens.sha256Hex(token), request.patientId(), pinned.url(),
                pinned.version(), unitRef, caller.id(), "ready", now, expires, null, null, json.encode(task)));
        if (pending != null) {
            pending.enqueue(id, expires);
        }
        return new Created(task, request.patientId(), token, pending == null ? null : pending.link());
    }

    private Instant expiry(@Nullable Instant requested, Instant now) {
        if (requested == null) {
            return now.plus(configuration.getLifetime());
        }
        if (!requested.isAfter(now)) {
            throw FhirException.unprocessable(IssueType.VALUE, "Task.restriction.period.end must be in the future");
        }
        if (requested.isAfter(now.plus(InvitationConfiguration.MAX_LIFETIME))) {
            throw FhirException.unprocessable(IssueType.VALUE, "Task.restriction.period.end may be at most 90 days ahead");
        }
        return requested;
    }

    /** The invitation if the caller may read it; refusals look exactly like unknown ids. */
    public Invitation read(Caller caller, String id) {
        if (caller.isAnonymous()) {
            CallerResolver.enforce(Optional.of(Refusal.unauthenticated()));
        }
        return store.find(id).filter(i -> AccessPolicy.readInvitation(caller, i.patientId(), i.unitRef()).isEmpty())
                .orElseThrow(() -> FhirException.notFound("Task/" + id + " is not known"));
    }

    /** A page of the invitations the caller may read; dates without a time zone are read in {@code zone}. */
    public Page search(Caller caller, SearchRequest request, java.time.ZoneId zone) {
        if (caller.isAnonymous()) {
            CallerResolver.enforce(Optional.of(Refusal.unauthenticated()));
        }
        if (request.has("_sort")) {
            throw FhirException.notSupported("Tasks are returned newest first; _sort is not supported");
        }
        // The SQL twin of AccessPolicy.readInvitation; every row is checked against the policy again below.
        boolean all = caller.systemMay("Task", 'r') || caller.systemMay("Task", 's');
        Set<String> units = caller.has(Role.CLINICIAN) ? caller.unitRefs() : Set.of();
        if (!all && caller.actsFor().isEmpty() && units.isEmpty()) {
            CallerResolver.enforce(Optional.of(Refusal.forbidden("Your role does not allow reading invitations")));
        }
        List<List<String>> patients = request.all("patient").stream()
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).map(p -> p.startsWith("Patient/") ? p.substring(8) : p)
                        .toList()).toList();
        request.codes("status", TASK_STATUSES);
        List<List<String>> statuses = request.all("status").stream()
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).toList()).toList();
        List<DateRange> lastUpdated = request.all("_lastUpdated").stream()
                .map(v -> DateRange.parse("_lastUpdated", v, zone)).toList();
        InvitationStore.Filter filter = new InvitationStore.Filter(all, caller.actsFor(), units, patients, statuses, lastUpdated);
        int count = request.count();
        List<Invitation> rows = store.search(filter, count + 1, request.offset());
        List<Task> tasks = rows.stream().limit(count)
                .filter(i -> AccessPolicy.readInvitation(caller, i.patientId(), i.unitRef()).isEmpty())
                .map(i -> task(caller, i)).toList();
        return new Page(tasks, rows.size() > count, request.totalRequested() ? store.count(filter) : null);
    }

    /**
     * The Task as this caller sees it: {@code Task.output} names the patient's response only to a caller who may
     * read that response (an EHR with Task scope but without read of an unshared response learns no id).
     */
    public Task task(Caller caller, Invitation invitation) {
        // parsed afresh, not parseStored: the answer must be encoded from the filtered Task, not the stored bytes
        Task task = json.context().newJsonParser().parseResource(Task.class, invitation.resourceJson());
        // the column is what _lastUpdated searches; rows older than it carry no other record of their last change
        task.getMeta().setLastUpdated(Date.from(invitation.lastUpdated()));
        return visibleTo(caller, task);
    }

    /** Removes from the Task what this caller may not learn (read, search and bulk export alike). */
    public Task visibleTo(Caller caller, Task task) {
        task.getOutput().removeIf(output -> !(output.getValue() instanceof Reference r
                && r.getReferenceElement().getResourceType() != null
                && "QuestionnaireResponse".equals(r.getReferenceElement().getResourceType())
                && responses.mayRead(caller, r.getReferenceElement().getIdPart())));
        return task;
    }

    /** The invitation of a link token; 404 for anything unknown. */
    public Invitation byToken(String token) {
        return Optional.ofNullable(InvitationTokens.wellFormed(token) ? token : null)
                .flatMap(t -> store.findByToken(InvitationTokens.sha256Hex(t)))
                .orElseThrow(() -> FhirException.notFound("This invitation link is not known"));
    }

    /** 403 for a link that was used or has expired; the refusal names neither the patient nor the questionnaire. */
    public void requireUsable(Invitation invitation) {
        if (invitation.used()) {
            throw new FhirException(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "This invitation link has already been used");
        }
        if (invitation.expiredAt(clock.instant())) {
            throw new FhirException(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "This invitation link has expired");
        }
    }

    public Questionnaire questionnaire(Invitation invitation) {
        return catalog.resolve(invitation.questionnaire())
                .orElseThrow(() -> FhirException.notFound("The questionnaire of this invitation is no longer available"));
    }

    /**
     * Stores the patient's completed response and uses the link up, both or neither: a refused response (422)
     * leaves the link usable, and a link used meanwhile by another request stores nothing.
     */
    @Transactional
    public QuestionnaireResponse answer(Invitation invitation, QuestionnaireResponse response) {
        requireUsable(invitation);
        if (response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "An invitation link takes one answer: submit the"
                    + " completed response (QuestionnaireResponse.status = completed)");
        }
        String patient = "Patient/" + invitation.patientId();
        if (response.hasSubject() && !patient.equals(response.getSubject().getReference())) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE,
                    "QuestionnaireResponse.subject must be the invited patient (or absent)");
        }
        CanonicalRef pinned = invitation.questionnaire();
        if (response.hasQuestionnaire()) {
            CanonicalRef given = CanonicalRef.parse(response.getQuestionnaire());
            if (!given.url().equals(pinned.url()) || (given.hasVersion() && !given.version().equals(pinned.version()))) {
                throw FhirException.unprocessable(IssueType.BUSINESSRULE,
                        "This invitation is for questionnaire " + pinned + ", not " + given);
            }
        }
        response.setSubject(new Reference(patient));
        response.setQuestionnaire(pinned.toString());
        response.getExtension().removeIf(e -> ResponseService.SERVICE_UNIT_EXTENSION.equals(e.getUrl()));
        if (invitation.unitRef() != null) {
            response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(invitation.unitRef()));
        }
        QuestionnaireResponse stored = responses.create(viaLink(invitation), response, null).response();
        String responseId = stored.getIdElement().getIdPart();

        Instant now = clock.instant();
        String task = completedTask(invitation, responseId, now);
        if (!store.consume(invitation.tokenSha256(), now, responseId, task)) {
            // Another request used the link first, or it expired meanwhile: roll the response back.
            throw new FhirException(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "This invitation link has already been used or has expired");
        }
        return stored;
    }

    /** The link stands in for the patient's sign-in, for the response to this one invitation only. */
    private static Caller viaLink(Invitation invitation) {
        return new Caller("invitation:" + invitation.id(), null, Set.of(Role.PATIENT), invitation.patientId(),
                Set.of(), Set.of(), Set.of());
    }

    /** The Task as it is once answered (version 2, completed, output = the response), as stored JSON. */
    private String completedTask(Invitation invitation, String responseId, Instant now) {
        Task task = json.context().newJsonParser().parseResource(Task.class, invitation.resourceJson());
        task.getMeta().setVersionId("2").setLastUpdated(Date.from(now));
        task.setStatus(Task.TaskStatus.COMPLETED).setLastModified(Date.from(now));
        task.addOutput().setType(new CodeableConcept(new Coding(InvitationRequest.SDC_TEMP, InvitationRequest.RESPONSE_OUTPUT,
                "QuestionnaireResponse"))).setValue(new Reference("QuestionnaireResponse/" + responseId));
        return json.encode(task);
    }

    // ---- answering page by page (the patient web app and the invitation link in a browser) --------------------

    /** Invitations waiting for {@code patientId} that the caller may read: ready, unexpired, not answered. */
    public List<Invitation> waiting(Caller caller, String patientId) {
        if (caller.isAnonymous()) {
            return List.of();
        }
        InvitationStore.Filter filter = new InvitationStore.Filter(false, caller.actsFor(), Set.of(),
                List.of(List.of(patientId)), List.of(List.of("ready")));
        Instant now = clock.instant();
        return store.search(filter, 50, 0).stream()
                .filter(i -> AccessPolicy.readInvitation(caller, i.patientId(), i.unitRef()).isEmpty())
                .filter(i -> !i.used() && !i.expiredAt(now))
                .toList();
    }

    /** A new, unsaved response to an invitation: pinned questionnaire, the patient, the inviting unit. */
    public QuestionnaireResponse newResponse(Invitation invitation) {
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        response.setQuestionnaire(invitation.questionnaire().toString());
        response.setSubject(new Reference("Patient/" + invitation.patientId()));
        if (invitation.unitRef() != null) {
            response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(invitation.unitRef()));
        }
        return response;
    }

    /** The invitation a draft answers, if any. */
    public Optional<Invitation> byDraft(String responseId) {
        return store.findByDraft(responseId);
    }

    /**
     * Saves the first draft of an invitation's answer for a signed-in caller (the patient or a guardian) and records
     * it with the invitation, both or neither; answers the stored draft.
     */
    @Transactional
    public QuestionnaireResponse startDraft(Caller caller, Invitation invitation, QuestionnaireResponse draft) {
        QuestionnaireResponse stored = responses.create(caller, draft, null).response();
        if (!store.recordDraft(invitation.id(), stored.getIdElement().getIdPart())) {
            throw FhirException.conflict("This invitation already has an answer in progress");
        }
        return stored;
    }

    /**
     * Stores the signed-in caller's completed response; when it answers an invitation, the Task is completed in the
     * same transaction (an expired invitation stays as it is: the answer is the person's own all the same).
     */
    @Transactional
    public QuestionnaireResponse completeDraft(Caller caller, String responseId, QuestionnaireResponse response) {
        QuestionnaireResponse stored = responses.update(caller, responseId, response, null);
        store.findByDraft(responseId).filter(i -> !i.used()).ifPresent(invitation -> {
            Instant now = clock.instant();
            store.complete(invitation.id(), now, responseId, completedTask(invitation, responseId, now));
        });
        return stored;
    }

    /** The draft saved through an invitation link, if any (read as the invited patient). */
    public Optional<QuestionnaireResponse> linkDraft(Invitation invitation) {
        return Optional.ofNullable(invitation.draftResponseId()).map(id -> responses.read(viaLink(invitation), id));
    }

    /** Saves a draft through the link (created on the first page, then updated); the link must still be usable. */
    @Transactional
    public QuestionnaireResponse saveLinkDraft(Invitation invitation, QuestionnaireResponse draft) {
        requireUsable(invitation);
        Caller caller = viaLink(invitation);
        if (invitation.draftResponseId() == null) {
            return startDraft(caller, invitation, draft);
        }
        return responses.update(caller, invitation.draftResponseId(), draft, null);
    }

    /** Sends the draft of a link as completed and uses the link up, both or neither (like {@link #answer}). */
    @Transactional
    public QuestionnaireResponse sendLinkDraft(Invitation invitation, QuestionnaireResponse response) {
        requireUsable(invitation);
        String responseId = invitation.draftResponseId();
        if (responseId == null) {
            throw FhirException.conflict("Nothing has been answered through this link yet");
        }
        QuestionnaireResponse stored = responses.update(viaLink(invitation), responseId, response, null);
        if (!store.consume(invitation.tokenSha256(), clock.instant(), responseId, completedTask(invitation, responseId, clock.instant()))) {
            throw new FhirException(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "This invitation link has already been used or has expired");
        }
        return stored;
    }
}
