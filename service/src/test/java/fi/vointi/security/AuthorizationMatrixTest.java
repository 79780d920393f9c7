package fi.vointi.security;

import fi.vointi.responses.ResponseService;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every role against every response endpoint family, over HTTP, with own and foreign data: single reads,
 * searches (filtered, not just refused), creates, updates, sharing and the audit trail.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {
    static final String QR = "/fhir/QuestionnaireResponse";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    javax.sql.DataSource dataSource;

    Tokens tokens;
    FhirTestClient anonymous;
    Questionnaire prom;
    Questionnaire feedback;
    // unique per run, so that the PostgreSQL and H2 runs and reruns never see each other's data
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String patientA = "a-" + run;
    final String patientB = "b-" + run;
    final String childC = "c-" + run;
    final String unit1 = "u1-" + run;
    final String unit2 = "u2-" + run;
    /** response name → id */
    final Map<String, String> ids = new LinkedHashMap<>();
    Map<String, FhirTestClient> callers;

    @BeforeAll
    void createData() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        // anonymous feedback names a unit that collects feedback (issue 13 case 4): the two units exist as such
        for (String unit : List.of(unit1, unit2)) {
            fi.vointi.support.Db.update(dataSource, "INSERT INTO organization_unit (id, parent_id, kind, name, active,"
                    + " feedback_enabled, version_id, last_updated, resource_json) VALUES (?, NULL, 'unit', ?, TRUE, TRUE, 1, ?, ?)",
                    unit, "Yksikkö " + unit, java.sql.Timestamp.from(java.time.Instant.now()),
                    "{\"resourceType\":\"Organization\",\"id\":\"" + unit + "\"}");
            fi.vointi.support.Db.update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth)"
                    + " VALUES (?, ?, 0)", unit, unit);
        }
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        feedback = anonymous.get("/fhir/Questionnaire/demo-customer-feedback").resource(Questionnaire.class);
        callers = new LinkedHashMap<>();
        callers.put("anonymous", anonymous);
        callers.put("patientA", anonymous.as(tokens.patient(patientA)));
        callers.put("patientB", anonymous.as(tokens.patient(patientB)));
        callers.put("guardianC", anonymous.as(tokens.guardian(childC)));
        callers.put("clinicianU1", anonymous.as(tokens.clinician(unit1)));
        callers.put("clinicianU2", anonymous.as(tokens.clinician(unit2)));
        callers.put("managerU1", anonymous.as(tokens.unitManager(unit1)));
        callers.put("admin", anonymous.as(tokens.admin()));
        callers.put("ehrRead", anonymous.as(tokens.system("ehr-read-" + run, "system/QuestionnaireResponse.rs")));
        callers.put("ehrCreate", anonymous.as(tokens.system("ehr-create-" + run, "system/QuestionnaireResponse.c")));

        ids.put("A1 shared u1", create("patientA", prom(patientA, unit1)));
        ids.put("A2 private u1", create("patientA", prom(patientA, unit1)));
        ids.put("B1 shared u2", create("patientB", prom(patientB, unit2)));
        ids.put("C1 private u1", create("guardianC", prom(childC, unit1)));
        ids.put("F1 feedback u1", create("anonymous", feedback(unit1)));
        ids.put("F2 feedback u2", create("anonymous", feedback(unit2)));
        share("patientA", ids.get("A1 shared u1"));
        share("patientB", ids.get("B1 shared u2"));
    }

    /** Who reads which response; everything else is 404 (or 401 without credentials). */
    static final Map<String, Set<String>> READABLE = Map.of(
            "patientA", Set.of("A1 shared u1", "A2 private u1"),
            "patientB", Set.of("B1 shared u2"),
            "guardianC", Set.of("C1 private u1"),
            "clinicianU1", Set.of("A1 shared u1"),
            "clinicianU2", Set.of("B1 shared u2"),
            "managerU1", Set.of("F1 feedback u1"),
            "admin", Set.of(),
            "ehrRead", Set.of("A1 shared u1", "B1 shared u2"),
            "ehrCreate", Set.of());

    @Test
    void singleReadsAndVreadsFollowThePolicy() {
        callers.forEach((caller, client) -> ids.forEach((name, id) -> {
            Reply read = client.get(QR + "/" + id);
            Reply vread = client.get(QR + "/" + id + "/_history/1");
            if (caller.equals("anonymous")) {
                read.outcome(401);
                vread.outcome(401);
            } else if (READABLE.get(caller).contains(name)) {
                assertEquals(200, read.status(), caller + " reads " + name);
                assertEquals(200, vread.status(), caller + " vreads " + name);
            } else {
                String message = read.outcome(404);
                assertTrue(message.contains("is not known"), caller + " must not learn that " + name + " exists: " + message);
                vread.outcome(404);
            }
        }));
    }

    @Test
    void searchesReturnOnlyWhatTheCallerMayRead() {
        String all = String.join(",", ids.values());
        callers.forEach((caller, client) -> {
            Reply reply = client.get(QR + "?_id=" + all + "&_count=200");
            switch (caller) {
                case "anonymous" -> reply.outcome(401);
                case "admin", "ehrCreate" -> reply.outcome(403);
                default -> assertEquals(READABLE.get(caller), names(reply.resource(Bundle.class)), caller);
            }
        });
        // the same filter applies whatever the client asks for
        assertEquals(Set.of(), names(callers.get("clinicianU1").get(QR + "?subject=Patient/" + childC).resource(Bundle.class)));
        assertEquals(Set.of(), names(callers.get("patientB").get(QR + "?patient=" + patientA).resource(Bundle.class)));
        assertEquals(Set.of("A1 shared u1"),
                names(callers.get("ehrRead").get(QR + "?patient=" + patientA).resource(Bundle.class)));
    }

    @Test
    void createsForOneselfOneChildOrWithCreateScope() {
        Map<String, Integer> forPatientA = new LinkedHashMap<>();
        forPatientA.put("anonymous", 401);
        forPatientA.put("patientA", 201);
        forPatientA.put("patientB", 403);
        forPatientA.put("guardianC", 403);
        forPatientA.put("clinicianU1", 403);
        forPatientA.put("managerU1", 403);
        forPatientA.put("admin", 403);
        forPatientA.put("ehrRead", 403);
        forPatientA.put("ehrCreate", 201);
        forPatientA.forEach((caller, status) -> assertEquals(status,
                callers.get(caller).post(QR, prom(patientA, unit1)).status(), caller + " creates for patient A"));
        assertEquals(201, callers.get("guardianC").post(QR, prom(childC, unit1)).status());

        // anonymous feedback: anyone, and nothing identifying
        for (String caller : List.of("anonymous", "patientA", "clinicianU1")) {
            assertEquals(201, callers.get(caller).post(QR, feedback(unit1)).status(), caller + " gives feedback");
        }
        QuestionnaireResponse identified = feedback(unit1);
        identified.setSubject(new Reference("Patient/" + patientA));
        assertTrue(callers.get("patientA").post(QR, identified).outcome(422).contains("anonymous"));
    }

    @Test
    void updatesOnlyByThePatientOrGuardianOrWithUpdateScope() {
        String id = create("patientA", inProgress(patientA));
        QuestionnaireResponse stored = callers.get("patientA").get(QR + "/" + id).resource(QuestionnaireResponse.class);
        callers.get("patientB").put(QR + "/" + id, stored).outcome(404);
        callers.get("clinicianU1").put(QR + "/" + id, stored).outcome(404);
        callers.get("anonymous").put(QR + "/" + id, stored).outcome(401);
        callers.get("ehrCreate").put(QR + "/" + id, stored).outcome(404);
        assertEquals(200, callers.get("patientA").put(QR + "/" + id, stored).status());

        // a clinician who can read a shared response still cannot change it
        String shared = ids.get("A1 shared u1");
        QuestionnaireResponse sharedResponse = callers.get("clinicianU1").get(QR + "/" + shared).resource(QuestionnaireResponse.class);
        sharedResponse.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        callers.get("clinicianU1").put(QR + "/" + shared, sharedResponse).outcome(403);
        // feedback cannot be changed by anyone
        String feedbackId = ids.get("F1 feedback u1");
        QuestionnaireResponse f = callers.get("managerU1").get(QR + "/" + feedbackId).resource(QuestionnaireResponse.class);
        callers.get("managerU1").put(QR + "/" + feedbackId, f).outcome(403);
    }

    @Test
    void sharingIsThePatientsDecisionAndCanBeWithdrawn() {
        String id = create("guardianC", prom(childC, unit1));
        FhirTestClient clinician = callers.get("clinicianU1");
        clinician.get(QR + "/" + id).outcome(404);
        clinician.post(QR + "/" + id + "/$share", "").outcome(404);
        callers.get("patientA").post(QR + "/" + id + "/$share", "").outcome(404);
        callers.get("anonymous").post(QR + "/" + id + "/$share", "").outcome(401);

        Reply shared = callers.get("guardianC").post(QR + "/" + id + "/$share", "");
        assertEquals(200, shared.status(), shared.body());
        Consent consent = shared.resource(Consent.class);
        assertEquals(Consent.ConsentState.ACTIVE, consent.getStatus());
        assertEquals("Patient/" + childC, consent.getPatient().getReference());
        assertEquals("QuestionnaireResponse/" + id, consent.getProvision().getDataFirstRep().getReference().getReference());
        assertEquals(200, clinician.get(QR + "/" + id).status());
        assertEquals(404, callers.get("clinicianU2").get(QR + "/" + id).status(), "other units still do not see it");
        assertEquals(1, callers.get("ehrRead").get(QR + "?patient=" + childC).resource(Bundle.class).getEntry().size());

        Reply withdrawn = callers.get("guardianC").post(QR + "/" + id + "/$withdraw-share", "");
        assertEquals(Consent.ConsentState.INACTIVE, withdrawn.resource(Consent.class).getStatus());
        clinician.get(QR + "/" + id).outcome(404);
        Bundle search = clinician.get(QR + "?patient=" + childC).resource(Bundle.class);
        assertFalse(search.hasEntry());

        String inProgress = create("patientA", inProgress(patientA));
        callers.get("patientA").post(QR + "/" + inProgress + "/$share", "").outcome(422);
    }

    @Test
    void everyAccessAndRefusalIsAudited() {
        String id = ids.get("A2 private u1");
        callers.get("patientB").get(QR + "/" + id).outcome(404);
        assertEquals(200, callers.get("patientA").get(QR + "/" + id).status());

        for (String caller : List.of("patientA", "clinicianU1", "managerU1", "ehrRead")) {
            callers.get(caller).get("/fhir/AuditEvent").outcome(403);
        }
        callers.get("anonymous").get("/fhir/AuditEvent").outcome(401);
        FhirTestClient admin = callers.get("admin");
        Bundle trail = admin.get("/fhir/AuditEvent?entity=QuestionnaireResponse/" + id + "&_count=200").resource(Bundle.class);
        List<AuditEvent> events = trail.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
        assertTrue(events.stream().anyMatch(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._4
                && agent(e).equals("patient-" + patientB) && e.getAction() == AuditEvent.AuditEventAction.R),
                "the refused read by patient B is in the trail");
        assertTrue(events.stream().anyMatch(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._0
                && agent(e).equals("patient-" + patientA)), "patient A's own read is in the trail");

        Bundle aboutA = admin.get("/fhir/AuditEvent?patient=" + patientA + "&action=C&_count=200").resource(Bundle.class);
        assertTrue(aboutA.getEntry().size() >= 2, "creates of patient A's responses are found by patient");
        AuditEvent first = admin.get("/fhir/AuditEvent/" + events.get(0).getIdElement().getIdPart()).resource(AuditEvent.class);
        assertEquals(events.get(0).getRecorded(), first.getRecorded());
        callers.get("patientA").get("/fhir/AuditEvent/" + events.get(0).getIdElement().getIdPart()).outcome(403);
        // the audit trail cannot be changed through the API
        assertEquals(405, admin.put("/fhir/AuditEvent/" + events.get(0).getIdElement().getIdPart(), events.get(0)).status());
        assertEquals(405, admin.delete("/fhir/AuditEvent/" + events.get(0).getIdElement().getIdPart()).status());
    }

    private static String agent(AuditEvent event) {
        return event.getAgentFirstRep().getWho().getIdentifier().getValue();
    }

    private Set<String> names(Bundle bundle) {
        Map<String, String> byId = ids.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
        return bundle.getEntry().stream().map(e -> byId.getOrDefault(e.getResource().getIdElement().getIdPart(), "other"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private String create(String caller, QuestionnaireResponse response) {
        Reply reply = callers.get(caller).post(QR, response, "Prefer", "return=representation");
        assertEquals(201, reply.status(), caller + ": " + reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    private void share(String caller, String id) {
        Reply reply = callers.get(caller).post(QR + "/" + id + "/$share", "");
        assertEquals(200, reply.status(), reply.body());
    }

    private QuestionnaireResponse prom(String patient, String unit) {
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patient);
        response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        return response;
    }

    private QuestionnaireResponse inProgress(String patient) {
        return ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(false)).build("in-progress", "Patient/" + patient);
    }

    private QuestionnaireResponse feedback(String unit) {
        QuestionnaireResponse response = ResponseBuilder.answering(feedback).answerAllRequired().build("completed", null);
        response.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        return response;
    }
}
