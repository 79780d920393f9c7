package fi.vointi.schedules;

import fi.vointi.catalog.CanonicalRef;
import fi.vointi.fhir.FhirException;
import fi.vointi.fhir.OperationOutcomes;
import fi.vointi.fhir.SearchRequest;
import fi.vointi.fhir.SearchSpec;
import fi.vointi.invitations.Invitation;
import fi.vointi.invitations.InvitationStore;
import fi.vointi.messaging.InvitationMessaging;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.AccessPolicy;
import fi.vointi.security.Caller;
import fi.vointi.security.CallerResolver;
import fi.vointi.security.Refusal;
import fi.vointi.security.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Enrolling a patient in a PROM protocol, as a FHIR CarePlan that instantiates the protocol's PlanDefinition
 * (docs/schedules.md): the CarePlan's period starts the episode, its invitations follow at the protocol's offsets,
 * ending the CarePlan cancels the rest. Who may: the clinician for their own unit, a backend client with
 * {@code system/CarePlan.c} (and {@code .u} to end, {@code .r} to read), the patient (and guardian) read theirs.
 */
@Singleton
public class ScheduleService {
    private static final Pattern PATIENT = Pattern.compile("Patient/([A-Za-z0-9\\-.]{1,64})");
    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern UNIT = Pattern.compile("Organization/[A-Za-z0-9\\-.]{1,64}");
    /** {@code GET /fhir/CarePlan}'s parameters (and the common result parameters); newest first, no {@code _sort}. */
    public static final SearchSpec SEARCH = SearchSpec.of("CarePlan", Set.of("_id", "patient", "subject", "status"));
    private static final Set<String> STATUSES = Arrays.stream(CarePlan.CarePlanStatus.values())
            .filter(s -> s != CarePlan.CarePlanStatus.NULL).map(CarePlan.CarePlanStatus::toCode).collect(Collectors.toUnmodifiableSet());
    /** How far an episode's start may lie from today, either way. */
    private static final int START_WINDOW_DAYS = 366;
    private final ScheduleStore store;
    private final ScheduleSteps steps;
    private final ProtocolCatalog protocols;
    private final InvitationMessaging messaging;
    private final InvitationStore invitations;
    private final ScheduleConfiguration configuration;
    private final Clock clock;

    ScheduleService(ScheduleStore store, ScheduleSteps steps, ProtocolCatalog protocols, InvitationMessaging messaging,
                    InvitationStore invitations, ScheduleConfiguration configuration, Clock clock) {
        this.store = store;
        this.steps = steps;
        this.protocols = protocols;
        this.messaging = messaging;
        this.invitations = invitations;
        this.configuration = configuration;
        this.clock = clock;
    }

    /** An enrolment as the stored CarePlan, and its patient (for the audit trail). */
    public record Enrolled(CarePlan carePlan, String patientId) {
    }

    /**
     * Enrols the patient: the steps are planned, and those due now (the baseline) run in the same transaction, so the
     * answer already names the first invitation. Nothing is stored when anything is refused.
     */
    @Transactional
    public Enrolled enrol(Caller caller, CarePlan plan) {
        if (caller.isAnonymous()) {
            CallerResolver.enforce(Optional.of(Refusal.unauthenticated()));
        }
        String unitRef = unitRef(plan);
        if (unitRef == null && caller.has(Role.CLINICIAN) && !caller.systemMay("CarePlan", 'c')) {
            if (caller.unitRefs().size() != 1) {
                throw FhirException.unprocessable(IssueType.REQUIRED, "You work in several service units: name the one"
                        + " enrolling with the extension " + ResponseService.SERVICE_UNIT_EXTENSION);
            }
            unitRef = caller.unitRefs().iterator().next();
        }
        CallerResolver.enforce(mayWrite(caller, unitRef, 'c'));

        ZoneId zone = configuration.zoneId();
        Instant now = clock.instant();
        LocalDate today = now.atZone(zone).toLocalDate();
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        if (plan.hasStatus() && plan.getStatus() != CarePlan.CarePlanStatus.ACTIVE) {
            issues.add(issue(IssueType.VALUE, "CarePlan.status must be active (or absent): ending is an update", "CarePlan.status"));
        }
        if (plan.getIntent() != CarePlan.CarePlanIntent.PLAN && plan.getIntent() != CarePlan.CarePlanIntent.ORDER) {
            issues.add(issue(IssueType.VALUE, "CarePlan.intent must be plan or order", "CarePlan.intent"));
        }
        Matcher patient = PATIENT.matcher(plan.getSubject().getReference() == null ? "" : plan.getSubject().getReference());
        if (!patient.matches()) {
            issues.add(issue(IssueType.REQUIRED, "CarePlan.subject must reference the patient, e.g. Patient/123", "CarePlan.subject"));
        }
        Protocol protocol = null;
        if (plan.getInstantiatesCanonical().size() != 1 || !plan.getInstantiatesCanonical().get(0).hasValue()) {
            issues.add(issue(IssueType.REQUIRED, "CarePlan.instantiatesCanonical must name exactly one protocol"
                    + " (a PlanDefinition's url, optionally |version; GET /fhir/PlanDefinition lists them)", "CarePlan.instantiatesCanonical"));
        } else {
            CanonicalRef wanted = CanonicalRef.parse(plan.getInstantiatesCanonical().get(0).getValue());
            protocol = protocols.resolve(wanted).orElse(null);
            if (protocol == null) {
                issues.add(issue(IssueType.NOTFOUND, "Unknown protocol " + wanted + ": not a PlanDefinition of this server",
                        "CarePlan.instantiatesCanonical"));
            }
        }
        LocalDate start = today;
        if (plan.getPeriod().hasStart()) {
            start = episodeStart(plan.getPeriod().getStartElement(), zone);
            if (start == null) {
                start = today;
                issues.add(issue(IssueType.VALUE, "CarePlan.period.start must be a date (YYYY-MM-DD) or dateTime", "CarePlan.period.start"));
            }
            if (start.isBefore(today.minusDays(START_WINDOW_DAYS)) || start.isAfter(today.plusDays(START_WINDOW_DAYS))) {
                issues.add(issue(IssueType.VALUE, "CarePlan.period.start (the episode's start) must be within a year of today",
                        "CarePlan.period.start"));
            }
        }
        if (plan.getPeriod().hasEnd()) {
            issues.add(issue(IssueType.VALUE, "CarePlan.period.end is set by the server when the episode ends", "CarePlan.period.end"));
        }
        if (plan.hasActivity()) {
            issues.add(issue(IssueType.VALUE, "CarePlan.activity is set by the server from the protocol", "CarePlan.activity"));
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        List<Extension> found = plan.getExtensionsByUrl(InvitationMessaging.RECIPIENT_EXTENSION);
        InvitationMessaging.Recipient recipient = found.isEmpty() ? new InvitationMessaging.Recipient(Map.of(), "fi")
                : messaging.recipient(found, "CarePlan.extension");
        String patientId = patient.group(1);
        // an opted-out contact or patient: nothing about it is stored, as for a single invitation
        Map<fi.vointi.messaging.Channel, String> contacts = new EnumMap<>(fi.vointi.messaging.Channel.class);
        recipient.contacts().forEach((channel, address) -> {
            if (!messaging.optedOut(patientId, new InvitationMessaging.Recipient(Map.of(channel, address), recipient.language()))) {
                contacts.put(channel, address);
            }
        });

        String id = UUID.randomUUID().toString();
        store.insert(new ScheduleStore.Enrolment(id, patientId, unitRef, protocol.url(), protocol.version(), start, "active",
                contacts.get(fi.vointi.messaging.Channel.SMS), contacts.get(fi.vointi.messaging.Channel.EMAIL), recipient.language(),
                caller.id(), now, null, 1));
        for (Protocol.Visit visit : protocol.visits()) {
            Instant due = ScheduleRules.due(start, visit.offset(), configuration.sendAt(), zone);
            Instant runAt = ScheduleRules.runAt(due, now, configuration.getCatchUp());
            store.insert(new ScheduleStore.Step(UUID.randomUUID().toString(), id, visit.actionId(), visit.questionnaire().toString(),
                    "invite", 0, runAt == null ? due : runAt, runAt == null ? "missed" : "pending", null, null,
                    runAt == null ? now : null, runAt == null ? "its time had passed at enrolment" : null));
        }
        for (String stepId : store.due(now, 100, id)) {
            steps.run(stepId);
        }
        return new Enrolled(carePlan(store.enrolment(id).orElseThrow()), patientId);
    }

    /** The enrolment if the caller may read it; refusals look exactly like unknown ids. */
    @Transactional(readOnly = true)
    public Enrolled read(Caller caller, String id) {
        ScheduleStore.Enrolment enrolment = readable(caller, id);
        return new Enrolled(carePlan(enrolment), enrolment.patientId());
    }

    /** A page of a search: the CarePlans, whether there is a next page, the total when asked for. */
    public record Page(List<CarePlan> carePlans, boolean hasNext, @Nullable Integer total) {
    }

    /**
     * {@code GET /fhir/CarePlan}: the enrolments the caller may read ({@link AccessPolicy#readCarePlan}, the same rule
     * as a read), newest first, filtered by {@code patient}/{@code subject}, {@code status} and {@code _id}.
     */
    @Transactional(readOnly = true)
    public Page search(Caller caller, SearchRequest request) {
        if (caller.isAnonymous()) {
            CallerResolver.enforce(Optional.of(Refusal.unauthenticated()));
        }
        // the SQL twin of AccessPolicy.readCarePlan; every row is checked against the policy again below
        boolean all = caller.systemMay("CarePlan", 'r') || caller.systemMay("CarePlan", 's');
        Set<String> units = caller.has(Role.CLINICIAN) ? caller.unitRefs() : Set.of();
        if (!all && caller.actsFor().isEmpty() && units.isEmpty()) {
            CallerResolver.enforce(Optional.of(Refusal.forbidden("Your role does not allow reading schedule enrolments")));
        }
        List<List<String>> patients = new ArrayList<>();
        for (String name : List.of("patient", "subject")) {
            for (List<String> values : request.occurrences(name)) {
                patients.add(values.stream().map(v -> patientId(name, v)).toList());
            }
        }
        ScheduleStore.Filter filter = new ScheduleStore.Filter(all, caller.actsFor(), units, request.occurrences("_id"),
                patients, request.codes("status", STATUSES));
        int count = request.count();
        List<ScheduleStore.Enrolment> rows = store.search(filter, count + 1, request.offset());
        List<CarePlan> plans = rows.stream().limit(count)
                .filter(e -> AccessPolicy.readCarePlan(caller, e.patientId(), e.unitRef()).isEmpty())
                .map(this::carePlan).toList();
        return new Page(plans, rows.size() > count, request.totalRequested() ? store.count(filter) : null);
    }

    /** A patient reference of a search: {@code Patient/123} or {@code 123} (for {@code subject} only the former). */
    private static String patientId(String parameter, String value) {
        if (value.startsWith("Patient/")) {
            value = value.substring("Patient/".length());
        } else if (value.contains("/")) {
            throw FhirException.badRequest("Parameter '" + parameter + "': '" + value + "' is not a Patient reference");
        }
        if (!PATIENT_ID.matcher(value).matches()) {
            throw FhirException.badRequest("Parameter '" + parameter + "': '" + value + "' is not a patient id");
        }
        return value;
    }

    /**
     * Every enrolment of the patient as CarePlans, oldest first: for the patient's own export ({@code $everything}),
     * whose caller has been checked there.
     */
    @Transactional(readOnly = true)
    public List<CarePlan> carePlansOf(String patientId) {
        return store.ofPatient(patientId).stream().map(this::carePlan).toList();
    }

    /**
     * Ends the episode ({@code PUT} with status completed or revoked): its pending invitations and reminders are
     * cancelled and its contacts erased, in one transaction. Only the status changes; anything else differing is 422.
     */
    @Transactional
    public Enrolled end(Caller caller, String id, CarePlan plan) {
        ScheduleStore.Enrolment enrolment = readable(caller, id);
        CallerResolver.enforce(mayWrite(caller, enrolment.unitRef(), 'u'));
        if (plan.hasIdElement() && plan.getIdElement().getIdPart() != null && !id.equals(plan.getIdElement().getIdPart())) {
            throw FhirException.badRequest("CarePlan.id " + plan.getIdElement().getIdPart() + " does not match the URL's " + id);
        }
        List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
        if (plan.getStatus() != CarePlan.CarePlanStatus.COMPLETED && plan.getStatus() != CarePlan.CarePlanStatus.REVOKED) {
            issues.add(issue(IssueType.VALUE, "An enrolment can only be ended: CarePlan.status completed (the episode ended)"
                    + " or revoked (stopped early)", "CarePlan.status"));
        }
        if (plan.hasSubject() && !("Patient/" + enrolment.patientId()).equals(plan.getSubject().getReference())) {
            issues.add(issue(IssueType.VALUE, "CarePlan.subject cannot change", "CarePlan.subject"));
        }
        if (plan.hasInstantiatesCanonical() && plan.getInstantiatesCanonical().stream().anyMatch(c -> !CanonicalRef.parse(c.getValue())
                .url().equals(enrolment.protocolUrl()))) {
            issues.add(issue(IssueType.VALUE, "CarePlan.instantiatesCanonical cannot change", "CarePlan.instantiatesCanonical"));
        }
        if (!issues.isEmpty()) {
            throw FhirException.unprocessable(issues);
        }
        Instant now = clock.instant();
        if (!store.end(id, plan.getStatus().toCode(), now)) {
            throw FhirException.conflict("CarePlan/" + id + " has already ended");
        }
        store.cancelPending(id, now, "episode ended");
        return new Enrolled(carePlan(store.enrolment(id).orElseThrow()), enrolment.patientId());
    }

    /** The episode's start date: a date as written (no zone to shift it), a dateTime in the schedule's zone; null for less. */
    @Nullable
    private static LocalDate episodeStart(org.hl7.fhir.r4.model.DateTimeType start, ZoneId zone) {
        return switch (start.getPrecision()) {
            case YEAR, MONTH -> null;
            case DAY -> LocalDate.of(start.getYear(), start.getMonth() + 1, start.getDay());
            default -> start.getValue().toInstant().atZone(zone).toLocalDate();
        };
    }

    private ScheduleStore.Enrolment readable(Caller caller, String id) {
        if (caller.isAnonymous()) {
            CallerResolver.enforce(Optional.of(Refusal.unauthenticated()));
        }
        return store.enrolment(id).filter(e -> AccessPolicy.readCarePlan(caller, e.patientId(), e.unitRef()).isEmpty())
                .orElseThrow(() -> FhirException.notFound("CarePlan/" + id + " is not known"));
    }

    private static Optional<Refusal> mayWrite(Caller caller, @Nullable String unitRef, char operation) {
        if (caller.systemMay("CarePlan", operation)) {
            return Optional.empty();
        }
        if (caller.has(Role.CLINICIAN) && unitRef != null && caller.unitRefs().contains(unitRef)) {
            return Optional.empty();
        }
        return Optional.of(Refusal.forbidden(caller.has(Role.CLINICIAN)
                ? "You may enrol patients and end their schedules only on behalf of your own units"
                : "Your role does not allow enrolling patients in schedules"));
    }

    @Nullable
    private static String unitRef(CarePlan plan) {
        List<Extension> extensions = plan.getExtensionsByUrl(ResponseService.SERVICE_UNIT_EXTENSION);
        if (extensions.isEmpty()) {
            return null;
        }
        if (extensions.size() > 1 || !(extensions.get(0).getValue() instanceof Reference reference)
                || reference.getReference() == null || !UNIT.matcher(reference.getReference()).matches()) {
            throw FhirException.unprocessable(IssueType.VALUE, "The CarePlan needs at most one service-unit extension,"
                    + " with valueReference Organization/{id}");
        }
        return reference.getReference();
    }

    /**
     * The CarePlan of an enrolment: the protocol it instantiates, the episode as its period, and one activity per
     * invitation of the protocol (scheduled, sent = in-progress with the Task, answered = completed, cancelled, or
     * stopped when its time had passed at enrolment or it could not be sent). Contacts are never part of it.
     */
    CarePlan carePlan(ScheduleStore.Enrolment e) {
        CarePlan plan = new CarePlan();
        plan.setId(e.id());
        plan.getMeta().setVersionId(Integer.toString(e.versionId())).setLastUpdated(Date.from(e.endedAt() != null ? e.endedAt() : e.createdAt()));
        plan.setStatus(CarePlan.CarePlanStatus.fromCode(e.status()));
        plan.setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addInstantiatesCanonical(e.protocolUrl() + "|" + e.protocolVersion());
        protocols.resolve(new CanonicalRef(e.protocolUrl(), e.protocolVersion())).ifPresent(p -> plan.setTitle(p.title()));
        plan.setSubject(new Reference("Patient/" + e.patientId()));
        Period period = plan.getPeriod();
        period.setStartElement(new org.hl7.fhir.r4.model.DateTimeType(e.episodeStart().toString()));
        if (e.endedAt() != null) {
            period.setEnd(Date.from(e.endedAt()));
        }
        plan.setCreated(Date.from(e.createdAt()));
        plan.setAuthor(new Reference().setDisplay(e.createdBy()));
        if (e.unitRef() != null) {
            plan.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference(e.unitRef()));
        }
        for (ScheduleStore.Step step : store.steps(e.id())) {
            if (!"invite".equals(step.kind())) {
                continue;
            }
            CarePlan.CarePlanActivityComponent activity = plan.addActivity();
            CarePlan.CarePlanActivityDetailComponent detail = activity.getDetail();
            detail.setKind(CarePlan.CarePlanActivityKind.TASK);
            detail.addInstantiatesCanonical(step.questionnaire());
            detail.setDescription(step.actionId()); // the protocol's action: baseline, month-3, ...
            detail.setScheduled(new Period().setStart(Date.from(step.dueAt())));
            Optional<Invitation> invitation = Optional.ofNullable(step.invitationId()).flatMap(invitations::find);
            detail.setStatus(switch (step.status()) {
                case "pending" -> CarePlan.CarePlanActivityStatus.SCHEDULED;
                case "done" -> invitation.map(Invitation::used).orElse(false)
                        ? CarePlan.CarePlanActivityStatus.COMPLETED : CarePlan.CarePlanActivityStatus.INPROGRESS;
                case "cancelled" -> CarePlan.CarePlanActivityStatus.CANCELLED;
                default -> CarePlan.CarePlanActivityStatus.STOPPED;
            });
            invitation.ifPresent(i -> activity.addOutcomeReference(new Reference("Task/" + i.id())));
        }
        return plan;
    }

    private static OperationOutcomeIssueComponent issue(IssueType type, String message, String expression) {
        return OperationOutcomes.issue(IssueSeverity.ERROR, type, message, expression);
    }
}
