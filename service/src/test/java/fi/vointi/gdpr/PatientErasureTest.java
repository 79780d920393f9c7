package fi.vointi.gdpr;

import fi.vointi.observations.PackedObservationJson;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
class PatientErasureTest {
    static final String ERASE = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"%s\"},"
            + "{\"name\":\"reason\",\"valueString\":\"GDPR request 2026-17\"}]}";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient admin;
    GdprFixtures fixtures;
    String patientA;
    String patientB;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        admin = anonymous.as(tokens.admin());
        fixtures = new GdprFixtures(anonymous, tokens, dataSource);
        patientA = GdprFixtures.newPatient("erase-a");
        patientB = GdprFixtures.newPatient("erase-b");
    }

    @Test
    void eraseRemovesEverythingOfThePatientAndKeepsTheAuditTrail() {
        String responseA = fixtures.storedResponse(patientA);
        fixtures.storedResponse(patientA);
        fixtures.invitation(patientA, Instant.now().plusSeconds(3600));
        String responseB = fixtures.storedResponse(patientB);
        fixtures.invitation(patientB, Instant.now().plusSeconds(3600));
        long trailBefore = Db.count(dataSource, "SELECT COUNT(*) FROM audit_event_patient WHERE patient_id = ?", patientA);
        assertTrue(trailBefore >= 6, "creates, updates and shares are audited");
        assertEquals(8, Db.count(dataSource, "SELECT COUNT(*) FROM observation WHERE subject_id = ?", patientA),
                "four scores of each of the two responses");

        Reply reply = admin.post("/fhir/Patient/" + patientA + "/$erase", ERASE.formatted("erase"));
        assertTrue(reply.outcome(200).contains("responses=2 versions=4 consents=2 invitations=1"), reply.body());

        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientA));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE resource_json LIKE ?",
                "%" + patientA + "%"));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM observation WHERE subject_id = ?", patientA));
        assertEquals(0, storedObservations("observation_history", patientA), "no earlier score version of A");
        assertEquals(4, storedObservations("observation_history", patientB), "B's earlier score versions stay");
        assertEquals(4, Db.count(dataSource, "SELECT COUNT(*) FROM observation WHERE subject_id = ?", patientB));
        assertEquals(4, Db.count(dataSource, "SELECT COUNT(*) FROM observation_history h JOIN observation o ON o.id = h.id"
                + " WHERE o.subject_id = ?", patientB));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", responseA));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM sharing_decision WHERE patient_id = ?", patientA));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ?", patientA));

        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientB));
        // history holds the superseded version 1; version 2 is the current row
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", responseB));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM sharing_decision WHERE patient_id = ?", patientB));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ?", patientB));

        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event_patient WHERE patient_id = ?", patientA) > trailBefore,
                "the audit trail is kept, and grows by the erasure");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE e.operation = 'erase' AND e.action = 'D' AND e.http_status = 200 AND e.agent_id = 'admin'"
                + " AND e.detail = ? AND p.patient_id = ?",
                "responses=2 versions=4 consents=2 invitations=1; reason: GDPR request 2026-17", patientA));

        // Idempotent: nothing left, nothing to do.
        assertTrue(admin.post("/fhir/Patient/" + patientA + "/$erase", "").outcome(200).contains("Nothing stored"));
        Bundle export = admin.get("/fhir/Patient/" + patientA + "/$everything").resource(Bundle.class);
        assertTrue(export.getEntry().stream().allMatch(e -> e.getResource().fhirType().equals("AuditEvent")),
                "only the audit trail remains");
    }

    @Test
    void onlyAdminsMayErase() {
        fixtures.storedResponse(patientA);
        String path = "/fhir/Patient/" + patientA + "/$erase";
        assertTrue(anonymous.as(tokens.patient(patientA)).post(path, "").outcome(403).contains("administrators"));
        anonymous.as(tokens.guardian(patientA)).post(path, "").outcome(403);
        anonymous.as(tokens.clinician("unit-gdpr")).post(path, "").outcome(403);
        anonymous.as(tokens.system("ehr-gdpr", "system/QuestionnaireResponse.cruds")).post(path, "").outcome(403);
        anonymous.post(path, "").outcome(401);
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientA));
        assertEquals(5, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE e.operation = 'erase' AND e.http_status IN (401, 403) AND p.patient_id = ?", patientA));
    }

    @Test
    void badParametersAreRefused() {
        String path = "/fhir/Patient/" + patientA + "/$erase";
        assertTrue(admin.post(path, ERASE.formatted("shred")).outcome(400).contains("mode"));
        admin.post(path, "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"force\",\"valueBoolean\":true}]}").outcome(400);
        admin.post(path, "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"reason\",\"valueString\":\""
                + "x".repeat(201) + "\"}]}").outcome(400);
        admin.post(path, "{\"resourceType\":\"Patient\"}").outcome(400);
        admin.post(path + "?mode=pseudonymise", "").outcome(400);
    }

    @Test
    void pseudonymiseKeepsTheAnswersWithoutIdentity() {
        QuestionnaireResponse original = fixtures.prom(patientA);
        original.setAuthor(new Reference("Patient/" + patientA).setDisplay("Maija Meikäläinen"));
        String responseA = fixtures.store(patientA, original);
        fixtures.storedResponse(patientA);
        fixtures.invitation(patientA, Instant.now().plusSeconds(3600));
        String responseB = fixtures.storedResponse(patientB);
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE resource_json LIKE ?",
                "%Meikäläinen%"), "the author as stored in the superseded version");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE resource_json LIKE ?",
                "%Meikäläinen%"), "... and in the current one");
        long responses = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response");
        long versions = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history");
        long scores = Db.count(dataSource, "SELECT COUNT(*) FROM observation_history");
        List<String> scoreIdsA = fi.vointi.support.Db.strings(dataSource, "SELECT id FROM observation WHERE subject_id = ?", patientA);
        assertEquals(8, scoreIdsA.size());

        Reply reply = admin.post("/fhir/Patient/" + patientA + "/$erase", ERASE.formatted("pseudonymise"));
        assertTrue(reply.outcome(200).contains("responses=2 versions=4 consents=2 invitations=1"), reply.body());

        assertEquals(responses, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response"), "answers kept");
        assertEquals(versions, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history"), "versions kept");
        assertEquals(scores, Db.count(dataSource, "SELECT COUNT(*) FROM observation_history"), "score versions kept");
        for (String table : List.of("observation", "observation_history")) {
            assertEquals(0, storedObservations(table, patientA) + storedObservations(table, responseA), table);
            for (String oldId : scoreIdsA) {
                assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM " + table + " WHERE id = ?", oldId), table + ": new ids");
            }
        }
        assertEquals(8, storedObservations("observation", "\"subject\":{\"reference\":\"Patient/pseudonym-"));
        assertEquals(8, Db.count(dataSource, "SELECT COUNT(*) FROM observation o JOIN questionnaire_response r ON r.id = o.response_id"
                + " WHERE o.subject_id LIKE 'pseudonym-%' AND r.subject_id = o.subject_id"), "scores follow their responses");
        for (String table : List.of("questionnaire_response", "questionnaire_response_history")) {
            assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM " + table + " WHERE resource_json LIKE ? OR resource_json LIKE ?",
                    "%" + patientA + "%", "%Meikäläinen%"), table);
            assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM " + table + " WHERE id = ?", responseA),
                    table + ": new ids, so that the audit trail's references lead nowhere");
        }
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientA));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM sharing_decision WHERE patient_id = ?", patientA));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ?", patientA));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id LIKE 'pseudonym-%'"
                + " AND identifier_system = '' AND identifier_value IS NULL AND shared = FALSE"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(DISTINCT subject_id) FROM questionnaire_response"
                + " WHERE subject_id LIKE 'pseudonym-%'"), "one pseudonym for all the patient's responses");
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history h JOIN questionnaire_response r"
                + " ON r.id = h.id WHERE r.subject_id LIKE 'pseudonym-%' AND h.resource_json LIKE '%\"Patient/pseudonym-%'"));

        String json = fixtures.text("SELECT r.resource_json FROM questionnaire_response r JOIN questionnaire_response_history h"
                + " ON h.id = r.id AND h.version_id = 1 WHERE r.subject_id LIKE 'pseudonym-%' AND h.resource_json LIKE '%\"status\":\"completed\"%'"
                + " ORDER BY r.authored, r.id LIMIT 1");
        QuestionnaireResponse kept = FhirTestClient.parse(QuestionnaireResponse.class, json);
        assertTrue(kept.getSubject().getReference().startsWith("Patient/pseudonym-"));
        assertFalse(kept.hasIdentifier());
        assertFalse(kept.hasAuthor());
        assertEquals("2", kept.getMeta().getVersionId());
        assertTrue(Base.compareDeep(original.getItem(), kept.getItem(), false), "answers kept as given");

        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ? AND subject_id = ?",
                responseB, patientB), "the other patient is untouched");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE e.operation = 'pseudonymise' AND e.http_status = 200 AND p.patient_id = ?", patientA));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE entities LIKE '%pseudonym-%'"
                + " OR detail LIKE '%pseudonym-%'"), "the audit trail does not link the patient to the pseudonym");
    }

    /** Stored Observations (JSON packed, PackedObservationJson) of the table whose text contains this. */
    private long storedObservations(String table, String text) {
        return Db.bytes(dataSource, "SELECT resource FROM " + table).stream().map(PackedObservationJson::unpack)
                .filter(json -> json.contains(text)).count();
    }
}
