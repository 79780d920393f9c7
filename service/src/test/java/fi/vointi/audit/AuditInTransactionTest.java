package fi.vointi.audit;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 case 10 against the real database: the audit row of a write commits in the write's own transaction. When
 * the audit insert fails (here the audit table is really gone for a moment), the write is not stored and the client
 * gets a clean 5xx OperationOutcome; every stored version has its audit row.
 */
@MicronautTest(transactional = false)
class AuditInTransactionTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void aWriteAndItsAuditRowCommitTogetherOrNotAtAll() {
        String patientId = "ait-" + UUID.randomUUID();
        FhirTestClient patient = new FhirTestClient(server).as(new Tokens(issuer).patient(patientId));
        Questionnaire prom = patient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);

        Reply created = patient.post("/fhir/QuestionnaireResponse", answer(prom, patientId, "in-progress"));
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        QuestionnaireResponse completed = answer(prom, patientId, "completed");
        completed.setId(id);
        assertEquals(200, patient.put("/fhir/QuestionnaireResponse/" + id, completed).status());

        Db.update(dataSource, "ALTER TABLE audit_event_patient RENAME TO audit_event_patient_away");
        try {
            Reply refused = patient.post("/fhir/QuestionnaireResponse", answer(prom, patientId, "completed"));
            String diagnostics = refused.outcome(refused.status());
            assertTrue(refused.status() >= 500 && refused.status() < 600, refused.status() + " " + diagnostics);
            assertTrue(diagnostics.contains("incident") || diagnostics.contains("not available"), diagnostics);
            QuestionnaireResponse amended = answer(prom, patientId, "amended");
            amended.setId(id);
            Reply notAmended = patient.put("/fhir/QuestionnaireResponse/" + id, amended);
            assertTrue(notAmended.status() >= 500, notAmended.body());
        } finally {
            Db.update(dataSource, "ALTER TABLE audit_event_patient_away RENAME TO audit_event_patient");
        }
        // nothing of the two refused writes was stored
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientId));
        assertEquals(2, Db.count(dataSource, "SELECT version_id FROM questionnaire_response WHERE id = ?", id));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM observation WHERE subject_id = ? AND status = 'amended'", patientId));

        // every stored version has its audit row, naming the response and the patient (version 1 is in history, as
        // the one superseded version; version 2 is the current row)
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", id));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE entities = ? AND operation = 'create'"
                + " AND http_status = 201", "QuestionnaireResponse/" + id));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE entities = ? AND operation = 'update'"
                + " AND http_status = 200", "QuestionnaireResponse/" + id));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE p.patient_id = ? AND e.method IN ('POST', 'PUT') AND e.outcome = '0'", patientId));
        // and the service answers normally again
        assertEquals(201, patient.post("/fhir/QuestionnaireResponse", answer(prom, patientId, "completed")).status());
    }

    private static QuestionnaireResponse answer(Questionnaire prom, String patientId, String status) {
        return ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build(status, "Patient/" + patientId);
    }
}
