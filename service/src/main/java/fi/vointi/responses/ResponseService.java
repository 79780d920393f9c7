package fi.vointi.responses;

import fi.vointi.adaptive.AdaptiveResponses;
import fi.vointi.catalog.CanonicalRef;
import fi.vointi.catalog.QuestionnaireCatalog;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.FhirJson;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Create, read and update of QuestionnaireResponses: pins each response to the exact questionnaire
 * version it answers, validates the answers against it, enforces the FHIR status rules and keeps
 * retries with the same identifier from storing duplicates.
 */
@Singleton
public class ResponseService {
    /** Extension naming the service unit (Organization) a response is about. */
    public static final String SERVICE_UNIT_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/service-unit";
    private static final String UNIQUE_VIOLATION = "23505";

    private final QuestionnaireCatalog catalog;
    private final FhirJson json;
    private final ResponseStore store;
    private final ResponseRepository responses;
    private final ResponseVersionRepository versions;
    private final ResponseValidator validator = new ResponseValidator();
    private final AdaptiveResponses adaptive;
    private final AnonymousAdmission admission;
    private final java.time.Clock clock;

    private final int guardianAgeLimit;

    public ResponseService(QuestionnaireCatalog catalog, FhirJson json, ResponseStore store,
                           ResponseRepository responses, ResponseVersionRepository versions, AdaptiveResponses adaptive,
                           AnonymousAdmission admission, java.time.Clock clock,
                           @io.micronaut.context.annotation.Value("${vointi.privacy.guardian-age-limit:10}") int guardianAgeLimit) {
        this.clock = clock;
        this.guardianAgeLimit = guardianAgeLimit;
        this.adaptive = adaptive;
        this.admission = admission;
        this.catalog = catalog;
        this.json = json;
        this.store = store;
        this.responses = responses;
        this.versions = versions;
    }

    /** The outcome of a create: the stored response and whether this call created it. */
    public record CreateResult(QuestionnaireResponse response, boolean created) {
    }

    public CreateResult create(Caller caller, QuestionnaireResponse response, @Nullable String ifNoneExist) {
        return create(caller, response, ifNoneExist, false);
    }

    /**
     * An anonymous answer given earlier, imported by an admin (the caller was checked by the importer): its
     * {@code authored} is kept and the live answering rate limit does not apply.
     */
    public CreateResult createImported(Caller caller, QuestionnaireResponse response) {
        return create(caller, response, null, true);
    }

    private CreateResult create(Caller caller, QuestionnaireResponse response, @Nullable String ifNoneExist, boolean imported) {
        Optional<IdentifierQuery> condition = Optional.ofNullable(ifNoneExist).map(IdentifierQuery::parseIfNoneExist);
        adaptive.prepare(response);
        Questionnaire questionnaire = pinQuestionnaire(response);
        boolean anonymous = AnonymousAnswering.isAnonymous(questionnaire);
        if (anonymous) {
            // from here on the request is recorded as an anonymous one, refusals included
            admission.anonymousRequest();
            AnonymousAnswering.refuseIdentifyingElements(response);
        }
        CallerResolver.enforce(AccessPolicy.create(caller, factsOf(response, false), anonymous));
        if (!anonymous) {
            recordWhoAnswered(caller, response, null, questionnaire);
            // after authorisation and who answered: a previous-score prior reads the subject's series of that reporter
            adaptive.startWithPreviousScore(response);
        }
        // The usual conditional create names the body's own identifier: the unique index on (identifier, subject)
        // then decides in the insert itself, and a new response costs no lookup before it. Any other condition is
        // looked up first.
        boolean insertDecides = condition.isPresent() && !anonymous && uniqueIndexAnswers(condition.get(), response);
        if (condition.isPresent() && !insertDecides) {
            Optional<StoredResponse> existing = findExisting(condition.get(), response);
            if (existing.isPresent()) {
                return existingResult(caller, existing.get());
            }
        }
        StoredResponse row;
        try {
            response.setId(UUID.randomUUID().toString());
            ResponseStatusRules.creationError(response.getStatus()).ifPresent(message -> {
                throw FhirException.unprocessable(IssueType.BUSINESSRULE, message);
            });
            validateAgainst(questionnaire, response);
            if (anonymous) {
                // every path, with or without a token, whatever the role: one unit rule and one rate limit
                admission.admit(unitRefOf(response), !imported);
            }
            // only an admin's import and a backend integration with create scope bring answers with their own time
            setAuthored(response, null, imported || caller.systemMay("QuestionnaireResponse", 'c'));
            if (anonymous) {
                hourOnly(response);
            }
            row = toRow(response, 1, false, anonymous, closedToGuardians(caller, response, false));
        } catch (FhirException refused) {
            // not looked up yet: a retry of a stored response is answered with it, as FHIR's conditional create
            // ignores the body when the condition matches, whatever the body now holds
            if (insertDecides) {
                Optional<StoredResponse> existing = findExisting(condition.get(), response);
                if (existing.isPresent()) {
                    return existingResult(caller, existing.get());
                }
            }
            throw refused;
        }
        try {
            store.insert(new ResponseWrite(questionnaire, response, null, row));
        } catch (DataAccessException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            // Stored before (a retry), or a concurrent retry with the same identifier won the race: answer with it.
            if (condition.isPresent()) {
                return findExisting(condition.get(), response).map(r -> existingResult(caller, r)).orElseThrow(() -> e);
            }
            throw duplicateIdentifier(response);
        }
        return new CreateResult(response, true);
    }

    /** A retry found the stored response; it is returned only to a caller allowed to read it. */
    private CreateResult existingResult(Caller caller, StoredResponse existing) {
        boolean readable = AccessPolicy.read(caller, existing.facts()).isEmpty();
        return new CreateResult(readable ? json.parseStored(existing.resourceJson(), QuestionnaireResponse.class) : null, false);
    }

    /** Whether the caller may read this response (false for unknown ids too). */
    public boolean mayRead(Caller caller, String id) {
        return responses.find(id).filter(r -> AccessPolicy.read(caller, r.facts()).isEmpty()).isPresent();
    }

    /** The row of a response the caller may read; refusals of existing data look exactly like unknown ids. */
    public StoredResponse readable(Caller caller, String id) {
        StoredResponse row = responses.find(id)
                .orElseThrow(() -> FhirException.notFound("QuestionnaireResponse/" + id + " is not known"));
        CallerResolver.enforce(AccessPolicy.read(caller, row.facts()), "QuestionnaireResponse/" + id + " is not known");
        return row;
    }

    public QuestionnaireResponse read(Caller caller, String id) {
        return json.parseStored(readable(caller, id).resourceJson(), QuestionnaireResponse.class);
    }

    public QuestionnaireResponse readVersion(Caller caller, String id, String versionId) {
        StoredResponse current = readable(caller, id);
        int version;
        try {
            version = Integer.parseInt(versionId);
        } catch (NumberFormatException e) {
            throw FhirException.notFound("QuestionnaireResponse/" + id + "/_history/" + versionId + " is not known");
        }
        if (version == current.versionId()) {
            return json.parseStored(current.resourceJson(), QuestionnaireResponse.class);
        }
        // history holds the superseded versions only
        return versions.find(id, version).map(v -> json.parseStored(v.resourceJson(), QuestionnaireResponse.class))
                .orElseThrow(() -> FhirException.notFound("QuestionnaireResponse/" + id + "/_history/" + versionId
                        + " is not known"));
    }

    public QuestionnaireResponse update(Caller caller, String id, QuestionnaireResponse response, @Nullable String ifMatch) {
        if (!response.getIdElement().hasIdPart() || !id.equals(response.getIdElement().getIdPart())) {
            throw FhirException.badRequest("The resource id in the body ('" + response.getIdElement().getIdPart()
                    + "') must equal the id in the URL ('" + id + "')");
        }
        // write implies read: what the caller may not read is unknown to it, exactly like an id that does not exist
        // (same 404, same words), so that a PUT cannot probe for existence or change what it cannot see
        if (caller.isAnonymous()) {
            CallerResolver.enforce(AccessPolicy.update(caller, null, false));
        }
        StoredResponse current = responses.find(id).filter(r -> AccessPolicy.read(caller, r.facts()).isEmpty())
                .orElseThrow(() -> FhirException.notFound("QuestionnaireResponse/" + id + " is not known"));
        CanonicalRef storedCanonical = new CanonicalRef(current.questionnaireUrl(), current.questionnaireVersion());
        Optional<Questionnaire> served = catalog.resolve(storedCanonical);
        boolean anonymous = served.map(AnonymousAnswering::isAnonymous).orElse(false);
        CallerResolver.enforce(AccessPolicy.update(caller, current.facts(), anonymous), "QuestionnaireResponse/" + id + " is not known");
        if (ifMatch != null && !ifMatch.equals("W/\"" + current.versionId() + "\"") && !ifMatch.equals("\"" + current.versionId() + "\"")) {
            throw FhirException.preconditionFailed("If-Match " + ifMatch + " does not match the current version W/\""
                    + current.versionId() + "\"");
        }
        QuestionnaireResponse before = json.parseStored(current.resourceJson(), QuestionnaireResponse.class);
        if (!anonymous) {
            recordWhoAnswered(caller, response, before, served.orElse(null));
        }
        adaptive.prepare(response);
        CanonicalRef given = CanonicalRef.parse(response.getQuestionnaire() == null ? "" : response.getQuestionnaire());
        if (!given.url().equals(storedCanonical.url()) || (given.hasVersion() && !given.version().equals(storedCanonical.version()))) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The questionnaire of a response cannot change (stored: "
                    + storedCanonical + ", given: " + given + ")");
        }
        if (!ResponseReferences.of(before.getSubject()).equals(ResponseReferences.of(response.getSubject()))) {
            throw FhirException.unprocessable(IssueType.BUSINESSRULE, "The subject of a response cannot change");
        }
        response.setQuestionnaire(storedCanonical.toString());
        if (response.getStatus() == null) {
            throw FhirException.unprocessable(IssueType.REQUIRED, "QuestionnaireResponse.status is required");
        }
        // before the transition check: a client's authored is server-managed unless it may bring its own
        setAuthored(response, before, caller.systemMay("QuestionnaireResponse", 'u'));
        ResponseStatusRules.transitionError(before.getStatus(), response.getStatus(), contentChanged(before, response))
                .ifPresent(message -> {
                    throw new FhirException(io.micronaut.http.HttpStatus.CONFLICT, OperationOutcomes.error(
                            IssueType.BUSINESSRULE, message, "QuestionnaireResponse.status"));
                });
        Questionnaire questionnaire = served.orElseThrow(() -> FhirException.unprocessable(
                IssueType.NOTFOUND, "Questionnaire " + storedCanonical + " is no longer served; the response cannot be changed"));
        validateAgainst(questionnaire, response);
        StoredResponse row = toRow(response, current.versionId() + 1, current.shared(), anonymous,
                closedToGuardians(caller, response, current.closedToGuardians()));
        boolean updated;
        try {
            updated = store.update(new ResponseWrite(questionnaire, response, before.getStatus(), row), current);
        } catch (DataAccessException e) {
            if (isUniqueViolation(e)) {
                throw duplicateIdentifier(response);
            }
            throw e;
        }
        if (!updated) {
            throw FhirException.conflict("QuestionnaireResponse/" + id + " was changed by someone else; read it again and retry");
        }
        return response;
    }

    /**
     * The server dates the version ({@link AuthoredRules}): the completion time, or the save time of a draft; a
     * client's value only when {@code mayBringOwn}, and never a future one (422).
     */
    private void setAuthored(QuestionnaireResponse response, @Nullable QuestionnaireResponse before, boolean mayBringOwn) {
        AuthoredRules.Decision decision = AuthoredRules.decide(response.hasAuthored() ? response.getAuthoredElement() : null,
                response.getStatus(), before == null ? null : before.getStatus(),
                before == null ? null : before.getAuthoredElement(), mayBringOwn, clock.instant());
        if (decision.refused()) {
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(
                    IssueType.BUSINESSRULE, decision.problem(), "QuestionnaireResponse.authored"));
        }
        response.setAuthoredElement(decision.authored());
    }

    /** author and source from the caller, never from the client (ResponseAuthors); a mismatch is a 422. */
    private static void recordWhoAnswered(Caller caller, QuestionnaireResponse response, @Nullable QuestionnaireResponse before,
                                          @Nullable Questionnaire questionnaire) {
        ResponseAuthors.apply(caller, response, before, RespondentType.declaredBy(questionnaire).orElse(null)).ifPresent(problem -> {
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(
                    IssueType.BUSINESSRULE, problem, problem.startsWith("QuestionnaireResponse.author")
                            ? "QuestionnaireResponse.author" : "QuestionnaireResponse.source"));
        });
    }

    /**
     * The response matching If-None-Exist among those about the same subject as {@code response}: identifiers are
     * unique per subject (V11), so neither a match nor a collision can reveal another patient's response.
     */
    /**
     * Whether the condition is exactly the body's identifier (system and value) for a response with a subject: what
     * {@link #findExisting} would find is then what the unique index {@code ux_qr_identifier_subject} refuses (V34;
     * an index treats a missing subject as distinct, so responses without one are looked up first).
     */
    private static boolean uniqueIndexAnswers(IdentifierQuery query, QuestionnaireResponse response) {
        ResponseReferences subject = ResponseReferences.of(response.getSubject());
        return query.system() != null && subject.type() != null && subject.id() != null && response.hasIdentifier()
                && query.system().equals(response.getIdentifier().getSystem())
                && query.value().equals(response.getIdentifier().getValue());
    }

    private Optional<StoredResponse> findExisting(IdentifierQuery query, QuestionnaireResponse response) {
        ResponseReferences subject = ResponseReferences.of(response.getSubject());
        List<StoredResponse> matches;
        if (query.system() == null) {
            matches = responses.findByIdentifierValue(query.value(), subject.type(), subject.id());
        } else {
            matches = responses.findByIdentifier(query.system(), query.value(), subject.type(), subject.id())
                    .map(List::of).orElse(List.of());
        }
        if (matches.size() > 1) {
            throw FhirException.preconditionFailed("If-None-Exist matches more than one QuestionnaireResponse;"
                    + " name the identifier system as system|value");
        }
        return matches.stream().findFirst();
    }

    private Questionnaire pinQuestionnaire(QuestionnaireResponse response) {
        if (!response.hasQuestionnaire()) {
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(
                    IssueType.REQUIRED, "QuestionnaireResponse.questionnaire is required: the canonical url (and version)"
                            + " of the questionnaire answered", "QuestionnaireResponse.questionnaire"));
        }
        CanonicalRef ref = CanonicalRef.parse(response.getQuestionnaire());
        Questionnaire questionnaire = catalog.resolve(ref).orElseThrow(() -> new FhirException(
                io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(IssueType.NOTFOUND,
                "Unknown questionnaire " + ref + ": it is not in this server's catalog", "QuestionnaireResponse.questionnaire")));
        // A response always names the exact version it answered.
        response.setQuestionnaire(questionnaire.getUrl() + "|" + questionnaire.getVersion());
        return questionnaire;
    }

    private void validateAgainst(Questionnaire questionnaire, QuestionnaireResponse response) {
        Reference subject = response.getSubject();
        if (subject != null && !subject.isEmpty() && !subject.hasReference()) {
            throw new FhirException(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcomes.error(
                    IssueType.VALUE, "QuestionnaireResponse.subject must be a literal reference such as Patient/123",
                    "QuestionnaireResponse.subject"));
        }
        // what the columns and the database can hold first: a value too long for its column is a 422, not a 500
        List<OperationOutcomeIssueComponent> errors = new java.util.ArrayList<>(StorableResponse.problems(json.context(), response));
        List<ResponseIssue> issues = validator.validate(questionnaire, response);
        issues.stream()
                .filter(i -> i.severity() == ResponseIssue.Severity.ERROR)
                .map(i -> OperationOutcomes.issue(IssueSeverity.ERROR, IssueType.fromCode(i.code()), i.message(), i.expression()))
                .forEach(errors::add);
        if (!errors.isEmpty()) {
            throw FhirException.unprocessable(errors);
        }
    }

    /** The policy's view of a response about to be written. */
    private static AccessPolicy.ResponseFacts factsOf(QuestionnaireResponse response, boolean shared) {
        ResponseReferences subject = ResponseReferences.of(response.getSubject());
        return new AccessPolicy.ResponseFacts(subject.type(), subject.id(), unitRefOf(response), shared);
    }

    @Nullable
    private static String unitRefOf(QuestionnaireResponse response) {
        Extension unit = response.getExtensionByUrl(SERVICE_UNIT_EXTENSION);
        return unit != null && unit.getValue() instanceof Reference r ? ResponseReferences.of(r).asRelative() : null;
    }

    /** Anonymous answers keep only the hour they were given (UTC hours are Helsinki hours too). */
    private static void hourOnly(QuestionnaireResponse response) {
        org.hl7.fhir.r4.model.DateTimeType authored = response.getAuthoredElement();
        if (authored.getPrecision().ordinal() > ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY.ordinal()) {
            Instant hour = authored.getValue().toInstant().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            org.hl7.fhir.r4.model.DateTimeType coarse = new org.hl7.fhir.r4.model.DateTimeType(Date.from(hour),
                    ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND, authored.getTimeZone());
            response.setAuthoredElement(coarse);
        }
    }

    /**
     * @param anonymous an anonymously answered questionnaire: the time of writing is kept to the hour only, so that
     *                  staff reading feedback cannot match an answer to a person seen at the kiosk at 14:03
     */
    /**
     * Whether the response is closed to the patient's guardians (README, "Guardians and young people"): a young
     * person's own answers, given at or above {@code vointi.privacy.guardian-age-limit} years as their identity provider
     * asserts it ({@code birthdate}). Once closed, later versions (a clinician's amendment, say) never reopen it.
     */
    private boolean closedToGuardians(Caller caller, QuestionnaireResponse response, boolean closedBefore) {
        if (closedBefore) {
            return true;
        }
        String subject = ResponseReferences.of(response.getSubject()).id();
        boolean ownAnswers = caller.has(fi.vointi.security.Role.PATIENT) && subject != null && subject.equals(caller.patientId());
        return ownAnswers && GuardianAge.closedToGuardians(caller.birthDate(), java.time.LocalDate.now(clock.withZone(java.time.ZoneId.of("Europe/Helsinki"))),
                guardianAgeLimit);
    }

    private StoredResponse toRow(QuestionnaireResponse response, int versionId, boolean shared, boolean anonymous,
                                 boolean closedToGuardians) {
        Instant now = clock.instant();
        if (anonymous) {
            now = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        }
        response.getMeta().setVersionId(Integer.toString(versionId)).setLastUpdated(Date.from(now));
        CanonicalRef questionnaire = CanonicalRef.parse(response.getQuestionnaire());
        ResponseReferences subject = ResponseReferences.of(response.getSubject());
        String identifierSystem = response.hasIdentifier() && response.getIdentifier().hasSystem()
                ? response.getIdentifier().getSystem() : "";
        String identifierValue = response.hasIdentifier() && response.getIdentifier().hasValue()
                ? response.getIdentifier().getValue() : null;
        String unitRef = unitRefOf(response);
        return new StoredResponse(response.getIdElement().getIdPart(), versionId, questionnaire.url(),
                questionnaire.version(), response.getStatus().toCode(), subject.type(), subject.id(),
                response.getAuthored().toInstant(), identifierSystem, identifierValue, unitRef, now,
                json.encodeForStorage(response), shared, closedToGuardians);
    }

    /** Content other than status and server-managed metadata. */
    private static boolean contentChanged(QuestionnaireResponse before, QuestionnaireResponse after) {
        QuestionnaireResponse a = before.copy();
        QuestionnaireResponse b = after.copy();
        for (QuestionnaireResponse r : List.of(a, b)) {
            r.setMeta(null);
            r.setStatus(null);
            r.setIdElement(null);
        }
        if (!b.hasAuthored()) {
            b.setAuthoredElement(a.getAuthoredElement());
        }
        return !a.equalsDeep(b);
    }

    private static FhirException duplicateIdentifier(QuestionnaireResponse response) {
        return FhirException.conflict("A QuestionnaireResponse with identifier "
                + response.getIdentifier().getSystem() + "|" + response.getIdentifier().getValue()
                + " already exists; send the If-None-Exist header for retries that must not duplicate");
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
