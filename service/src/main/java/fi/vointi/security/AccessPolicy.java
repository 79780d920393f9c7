package fi.vointi.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may see and do what with health data: the one place where Vointi's access rules live. Pure logic;
 * the same {@link ReadGrant}s decide single reads and become the SQL filter of every search, so that a
 * search can never return what a read would refuse.
 *
 * <ul>
 *   <li>patient: their own responses; guardian: those of the children they are linked to. Both may
 *       create and update them and decide whether they are shared.</li>
 *   <li>clinician: responses of their own units that the patient has shared.</li>
 *   <li>unit-manager: anonymous (subject-less) feedback responses of their own units.</li>
 *   <li>clinician and unit-manager: "own units" are the units of the token's {@code units} claim and every unit
 *       under them in the hierarchy ({@link Caller#units()} arrives widened, see {@link UnitScope}).</li>
 *   <li>system (EHR, warehouse): by SMART scope, and only shared responses; never private ones.</li>
 *   <li>admin: content, organisation, audit and GDPR requests; no direct reading of responses.</li>
 *   <li>anyone, without login: answering a questionnaire marked anonymous (customer feedback).</li>
 * </ul>
 */
public final class AccessPolicy {
    private AccessPolicy() {
    }

    /** What the rules need to know about one stored (or about to be stored) response. */
    public record ResponseFacts(String subjectType, String subjectId, String unitRef, boolean shared,
                                boolean closedToGuardians) {
        /** Facts of a response open to the patient's guardians (anything but a young person's own answers). */
        public ResponseFacts(String subjectType, String subjectId, String unitRef, boolean shared) {
            this(subjectType, subjectId, unitRef, shared, false);
        }

        public String patientId() {
            return "Patient".equals(subjectType) ? subjectId : null;
        }

        public boolean subjectless() {
            return subjectId == null;
        }
    }

    /**
     * One way of being allowed to read responses. {@code null} sets mean "any". A response is readable when
     * at least one of the caller's grants matches it.
     */
    public record ReadGrant(Set<String> patientIds, Set<String> unitRefs, boolean sharedOnly, boolean subjectlessOnly,
                            boolean openToGuardiansOnly) {
        public ReadGrant(Set<String> patientIds, Set<String> unitRefs, boolean sharedOnly, boolean subjectlessOnly) {
            this(patientIds, unitRefs, sharedOnly, subjectlessOnly, false);
        }

        public boolean matches(ResponseFacts facts) {
            if (openToGuardiansOnly && facts.closedToGuardians()) {
                return false;
            }
            if (patientIds != null && (facts.patientId() == null || !patientIds.contains(facts.patientId()))) {
                return false;
            }
            if (unitRefs != null && (facts.unitRef() == null || !unitRefs.contains(facts.unitRef()))) {
                return false;
            }
            if (sharedOnly && !facts.shared()) {
                return false;
            }
            return !subjectlessOnly || facts.subjectless();
        }

        /** Whether this grant matches some response about {@code patientId} (whichever unit or sharing it has). */
        public boolean mayMatchPatient(String patientId) {
            return !subjectlessOnly && (patientIds == null || patientIds.contains(patientId));
        }
    }

    public static List<ReadGrant> readGrants(Caller caller) {
        List<ReadGrant> grants = new ArrayList<>();
        if (caller.has(Role.PATIENT) && caller.patientId() != null) {
            grants.add(new ReadGrant(Set.of(caller.patientId()), null, false, false));
        }
        if (caller.has(Role.GUARDIAN) && !caller.guardianOf().isEmpty()) {
            // a guardian reads the child's answers except the young person's own ones closed to guardians
            // (README, "Guardians and young people"); their own proxy answers are always open to them
            grants.add(new ReadGrant(caller.guardianOf(), null, false, false, true));
        }
        if (caller.has(Role.CLINICIAN) && !caller.units().isEmpty()) {
            grants.add(new ReadGrant(null, caller.unitRefs(), true, false));
        }
        if (caller.has(Role.UNIT_MANAGER) && !caller.units().isEmpty()) {
            grants.add(new ReadGrant(null, caller.unitRefs(), false, true));
        }
        if (caller.systemMay("QuestionnaireResponse", 'r') || caller.systemMay("QuestionnaireResponse", 's')) {
            grants.add(new ReadGrant(null, null, true, false));
        }
        return grants;
    }

    /** Refusal of reading one response, or empty when allowed. Refusals of existing data are 404s. */
    public static Optional<Refusal> read(Caller caller, ResponseFacts facts) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (readGrants(caller).stream().anyMatch(g -> g.matches(facts))) {
            return Optional.empty();
        }
        return Optional.of(Refusal.hidden("not found"));
    }

    /** Refusal of searching responses at all; what a permitted search returns is limited by {@link #readGrants}. */
    public static Optional<Refusal> search(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (readGrants(caller).isEmpty()) {
            return Optional.of(Refusal.forbidden("Your role does not allow reading QuestionnaireResponses"));
        }
        return Optional.empty();
    }

    /**
     * Refusal of reading anything about one patient as a whole (their score series): as {@link #search}, and hidden
     * (404, exactly like a patient nobody knows) when none of the caller's {@link ReadGrant}s could ever match a
     * response about this patient, e.g. a patient asking about someone else. What a permitted read returns is still
     * limited by the grants.
     */
    public static Optional<Refusal> readPatient(Caller caller, String patientId) {
        Optional<Refusal> search = search(caller);
        if (search.isPresent()) {
            return search;
        }
        return readGrants(caller).stream().anyMatch(g -> g.mayMatchPatient(patientId)) ? Optional.empty()
                : Optional.of(Refusal.hidden("not found"));
    }

    /**
     * Refusal of starting a FHIR Bulk Data export (docs/bulk-export.md): backend clients (SMART Backend Services) whose
     * scopes let them read or search responses. What the files hold is limited by {@link #readGrants} exactly as a
     * search is.
     */
    public static Optional<Refusal> bulkExport(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (!caller.has(Role.SYSTEM) || readGrants(caller).isEmpty()) {
            return Optional.of(Refusal.forbidden("Bulk export is for backend clients with a system/QuestionnaireResponse"
                    + " read or search scope"));
        }
        return Optional.empty();
    }

    /**
     * Refusal of one resource type in a bulk export that {@link #bulkExport} allowed: the same rule as reading or
     * searching that type. Responses and their Observations as {@link #search} (the rows then limited by
     * {@link #readGrants}); Consent = the sharing decisions about those same responses (there is no other way to read
     * them); Task as {@link #readInvitation} for a backend client ({@code system/Task} read or search); Questionnaire
     * is the public catalog; Organization as {@link #readOrganization} (search).
     */
    public static Optional<Refusal> exportType(Caller caller, String type) {
        boolean allowed = switch (type) {
            case "QuestionnaireResponse", "Observation", "Consent" -> search(caller).isEmpty();
            case "Task" -> caller.systemMay("Task", 'r') || caller.systemMay("Task", 's');
            case "Questionnaire" -> true;
            case "Organization" -> readOrganization(caller, "Organization", 's').isEmpty();
            default -> false;
        };
        return allowed ? Optional.empty() : Optional.of(Refusal.forbidden("Your scopes do not allow reading " + type
                + " (ask for system/" + type + ".rs), so it cannot be exported to you"));
    }

    /**
     * Refusal of subscribing to notifications (docs/subscriptions.md): backend clients whose scopes let them read
     * responses, and only for units they may read ({@code unitRefs} null: every unit they may read). Each event and
     * notification is then held to {@link #read} with the same client's grants.
     */
    public static Optional<Refusal> subscribe(Caller caller, Set<String> unitRefs) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        List<ReadGrant> grants = readGrants(caller);
        if (!caller.has(Role.SYSTEM) || grants.isEmpty()) {
            return Optional.of(Refusal.forbidden("Subscriptions are for backend clients with a system/QuestionnaireResponse"
                    + " read or search scope"));
        }
        if (unitRefs != null) {
            for (String unit : unitRefs) {
                if (grants.stream().noneMatch(g -> g.unitRefs() == null || g.unitRefs().contains(unit))) {
                    return Optional.of(Refusal.forbidden("You may not read the responses of " + unit));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Refusal of polling, downloading or cancelling a bulk export started by {@code jobClient}: the same backend client
     * only ({@link #exportClient}); for anyone else the job does not exist (404).
     */
    public static Optional<Refusal> readExportJob(Caller caller, String jobClient) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.SYSTEM) && exportClient(caller).equals(jobClient) ? Optional.empty()
                : Optional.of(Refusal.hidden("not found"));
    }

    /** Refusal of reading, deleting or asking the status of a subscription of {@code owner}: the same backend client only. */
    public static Optional<Refusal> readSubscription(Caller caller, String owner) {
        return readExportJob(caller, owner);
    }

    /** The client a bulk export belongs to: the token's client ({@code azp}), or its subject when it names none. */
    public static String exportClient(Caller caller) {
        return caller.clientId() != null ? caller.clientId() : caller.id();
    }

    /**
     * Refusal of creating a response. Anonymous questionnaires (customer feedback) may be answered by anyone;
     * all others only for oneself, for one's child, or by a backend client with create scope.
     */
    public static Optional<Refusal> create(Caller caller, ResponseFacts facts, boolean anonymousQuestionnaire) {
        if (anonymousQuestionnaire) {
            return Optional.empty();
        }
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (caller.systemMay("QuestionnaireResponse", 'c')) {
            return Optional.empty();
        }
        if (facts.patientId() != null && caller.actsFor().contains(facts.patientId())) {
            return Optional.empty();
        }
        return Optional.of(Refusal.forbidden(caller.actsFor().isEmpty()
                ? "Your role does not allow answering questionnaires for patients"
                : "You may answer only for yourself or for a child you are linked to"));
    }

    /**
     * Refusal of updating a stored response (saving an in-progress one, amending, marking in error). Write implies
     * read: what the caller may not read is hidden (404), whatever its write scope.
     */
    public static Optional<Refusal> update(Caller caller, ResponseFacts facts, boolean anonymousQuestionnaire) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (read(caller, facts).isPresent()) {
            return Optional.of(Refusal.hidden("not found"));
        }
        boolean mayWrite = !anonymousQuestionnaire && (caller.systemMay("QuestionnaireResponse", 'u')
                || (facts.patientId() != null && caller.actsFor().contains(facts.patientId())));
        if (mayWrite) {
            return Optional.empty();
        }
        return Optional.of(Refusal.forbidden("You may not change this response"));
    }

    /** Refusal of sharing a response with the care team or withdrawing that: the patient or a guardian only. */
    public static Optional<Refusal> share(Caller caller, ResponseFacts facts) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (read(caller, facts).isPresent()) {
            // decides only who may read: a young person's own answers closed to guardians are theirs to share
            return Optional.of(Refusal.hidden("not found"));
        }
        if (facts.patientId() != null && caller.actsFor().contains(facts.patientId())) {
            return Optional.empty();
        }
        return Optional.of(Refusal.forbidden("Only the patient or their guardian decides about sharing"));
    }

    /** Refusal of inviting a patient to answer (FHIR Task) on behalf of {@code unitRef}. */
    public static Optional<Refusal> invite(Caller caller, String unitRef) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        if (caller.systemMay("Task", 'c')) {
            return Optional.empty();
        }
        if (caller.has(Role.CLINICIAN) && unitRef != null && caller.unitRefs().contains(unitRef)) {
            return Optional.empty();
        }
        return Optional.of(Refusal.forbidden(caller.has(Role.CLINICIAN)
                ? "You may invite patients only on behalf of your own units" : "Your role does not allow inviting patients"));
    }

    /** Refusal of reading an invitation (Task) for {@code patientId} made on behalf of {@code unitRef}. */
    public static Optional<Refusal> readInvitation(Caller caller, String patientId, String unitRef) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        boolean allowed = caller.actsFor().contains(patientId)
                || caller.systemMay("Task", 'r') || caller.systemMay("Task", 's')
                || (caller.has(Role.CLINICIAN) && unitRef != null && caller.unitRefs().contains(unitRef));
        return allowed ? Optional.empty() : Optional.of(Refusal.hidden("not found"));
    }

    /**
     * Refusal of reading (or finding by search) a PROM schedule enrolment (CarePlan) of {@code patientId} made on
     * behalf of {@code unitRef}: the patient and their guardians, a clinician of that unit, a backend client with
     * {@code system/CarePlan} read or search (docs/schedules.md).
     */
    public static Optional<Refusal> readCarePlan(Caller caller, String patientId, String unitRef) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        boolean allowed = caller.actsFor().contains(patientId)
                || caller.systemMay("CarePlan", 'r') || caller.systemMay("CarePlan", 's')
                || (caller.has(Role.CLINICIAN) && unitRef != null && caller.unitRefs().contains(unitRef));
        return allowed ? Optional.empty() : Optional.of(Refusal.hidden("not found"));
    }

    /** CAT simulations for choosing a design: administrators (who manage content) only. */
    public static Optional<Refusal> simulate(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may run CAT simulations"));
    }

    /**
     * The messaging operator view ({@code /manage/messaging}: queue, failures, delivery rates): admins only. It is
     * cluster-wide (messages of every unit) and technical, so unit managers, whose rights end at their subtree, do not
     * see it; the same figures without a login are the metrics on the management port.
     */
    public static Optional<Refusal> operateMessaging(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may see the messaging operator view"));
    }

    /** Audit trail: admins only. */
    public static Optional<Refusal> readAudit(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may read the audit trail"));
    }

    /**
     * Reading the organisation structure ({@code type} Organization or Location; {@code operation} r or s): staff
     * (clinician, unit-manager, admin) and backend clients with a matching scope. Not health data, so a refusal
     * is a plain 403.
     */
    public static Optional<Refusal> readOrganization(Caller caller, String type, char operation) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        boolean staff = caller.has(Role.CLINICIAN) || caller.has(Role.UNIT_MANAGER) || caller.has(Role.ADMIN);
        return staff || caller.systemMay(type, operation) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Your role does not allow reading the organisation structure (" + type + ")"));
    }

    /** Creating, changing, deactivating or deleting Organizations and Locations: administrators only. */
    public static Optional<Refusal> writeOrganization(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may change the organisation structure"));
    }

    /** GDPR export of everything about one patient: an admin, the patient, or their guardian. */
    public static Optional<Refusal> export(Caller caller, String patientId) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) || caller.actsFor().contains(patientId) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only an administrator, the patient or their guardian may export a patient's data"));
    }

    /** GDPR erasure or pseudonymisation of one patient: admins only (on the patient's documented request). */
    public static Optional<Refusal> erase(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may erase a patient's data"));
    }

    /**
     * Issuing SMS / e-mail feedback links (channel tokens) for a unit: admins, managers of that unit, and backend
     * clients that may send invitations ({@code system/Task.c}).
     */
    public static Optional<Refusal> issueFeedbackLinks(Caller caller, String unitId) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        boolean allowed = caller.has(Role.ADMIN) || caller.systemMay("Task", 'c')
                || (caller.has(Role.UNIT_MANAGER) && caller.units().contains(unitId));
        return allowed ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators, the unit's managers and invitation clients may issue feedback links"));
    }

    /**
     * Reporting finished visits (FHIR Encounter, post-visit feedback): backend clients with {@code system/Encounter.c}
     * only, the EHR or the nightly visit import. A person's own token never reports visits.
     */
    public static Optional<Refusal> reportVisits(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.systemMay("Encounter", 'c') ? Optional.empty()
                : Optional.of(Refusal.forbidden("Visits are reported by backend clients with the scope system/Encounter.c"));
    }

    /** Importing a county's earlier feedback with its original dates: admins only. */
    public static Optional<Refusal> importFeedback(Caller caller) {
        if (caller.isAnonymous()) {
            return Optional.of(Refusal.unauthenticated());
        }
        return caller.has(Role.ADMIN) ? Optional.empty()
                : Optional.of(Refusal.forbidden("Only administrators may import feedback"));
    }
}
