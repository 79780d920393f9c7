package fi.vointi.responses;

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
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 cases 6 and 8 over HTTP against the real database. Write implies read: a client that may not read a
 * response cannot change it, and learns nothing that an unknown id would not tell; Task.output shows a response id
 * only to a caller who may read that response. Existence: PUT to an unknown and to a hidden id answer alike;
 * identifiers are unique per subject, so If-None-Exist and a plain create never reveal another patient's response.
 */
@MicronautTest(transactional = false)
class WriteImpliesReadTest {
    private static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void aCallerChangesOnlyWhatItMayReadAndUnknownAndHiddenLookAlike() {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient fhir = new FhirTestClient(server);
        String aino = "wir-" + UUID.randomUUID();
        String eero = "wir-" + UUID.randomUUID();
        FhirTestClient patient = fhir.as(tokens.patient(aino));
        FhirTestClient other = fhir.as(tokens.patient(eero));
        FhirTestClient updateOnly = fhir.as(tokens.system("wir-u", "system/QuestionnaireResponse.u"));
        FhirTestClient ehr = fhir.as(tokens.system("wir-ehr", "system/QuestionnaireResponse.crus"));
        Questionnaire prom = fhir.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);

        QuestionnaireResponse answer = complete(prom, aino);
        answer.setIdentifier(new Identifier().setSystem("urn:wir").setValue("visit-1"));
        Reply created = patient.post("/fhir/QuestionnaireResponse", answer);
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();

        // case 6: update scope without read of this private response: 404 like an unknown id, nothing written
        for (FhirTestClient client : new FhirTestClient[]{updateOnly, ehr, other}) {
            QuestionnaireResponse amended = complete(prom, aino).setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED);
            amended.setId(id);
            String hidden = client.put("/fhir/QuestionnaireResponse/" + id, amended).outcome(404);
            QuestionnaireResponse unknown = amended.copy();
            unknown.setId("wir-no-such-id");
            String notKnown = client.put("/fhir/QuestionnaireResponse/wir-no-such-id", unknown).outcome(404);
            // case 8: the same answer, word for word but the id
            assertEquals(notKnown.replace("wir-no-such-id", "ID"), hidden.replace(id, "ID"));
        }
        assertEquals(1, Db.count(dataSource, "SELECT version_id FROM questionnaire_response WHERE id = ?", id));
        // once shared, the EHR may read it and so change it (its scope has u)
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + id + "/$share", "").status());
        QuestionnaireResponse amended = complete(prom, aino).setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED);
        amended.setId(id);
        amended.setIdentifier(answer.getIdentifier());
        assertEquals(200, ehr.put("/fhir/QuestionnaireResponse/" + id, amended).status());
        // update scope alone still reads nothing, so it still changes nothing
        updateOnly.put("/fhir/QuestionnaireResponse/" + id, amended).outcome(404);
        assertEquals(2, Db.count(dataSource, "SELECT version_id FROM questionnaire_response WHERE id = ?", id));

        // case 8: another patient's identifier tells nothing: If-None-Exist creates, a plain create does not collide
        Reply byValue = other.post("/fhir/QuestionnaireResponse", complete(prom, eero).setIdentifier(
                new Identifier().setValue("visit-1")), "If-None-Exist", "identifier=visit-1");
        assertEquals(201, byValue.status(), byValue.body());
        QuestionnaireResponse probe = complete(prom, eero).setIdentifier(new Identifier().setSystem("urn:wir").setValue("visit-1"));
        Reply conditional = other.post("/fhir/QuestionnaireResponse", probe, "If-None-Exist", "identifier=urn:wir|visit-1");
        assertEquals(201, conditional.status(), conditional.body());
        assertFalse(conditional.body().contains(id));
        QuestionnaireResponse plain = complete(prom, eero).setIdentifier(new Identifier().setSystem("urn:wir").setValue("visit-2"));
        QuestionnaireResponse ainoPlain = complete(prom, aino).setIdentifier(new Identifier().setSystem("urn:wir").setValue("visit-2"));
        assertEquals(201, patient.post("/fhir/QuestionnaireResponse", ainoPlain).status());
        assertEquals(201, other.post("/fhir/QuestionnaireResponse", plain).status(), "no 409 naming aino's identifier");
        // within one's own responses the identifier still keeps retries from duplicating
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse", answer, "If-None-Exist", "identifier=urn:wir|visit-1").status());
        assertTrue(patient.post("/fhir/QuestionnaireResponse", ainoPlain).outcome(409).contains("If-None-Exist"));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", aino));

        // case 6: Task.output names the response only to a caller who may read it
        String unit = "wir-unit-" + UUID.randomUUID();
        FhirTestClient clinician = fhir.as(tokens.clinician(unit));
        FhirTestClient taskOnly = fhir.as(tokens.system("wir-tasks", "system/Task.crs"));
        Task invitation = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
                .setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)))
                .setFor(new Reference("Patient/" + aino));
        invitation.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null)))
                .setValue(new CanonicalType(prom.getUrl()));
        invitation.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        Reply invited = clinician.post("/fhir/Task", invitation);
        assertEquals(201, invited.status(), invited.body());
        Task task = invited.resource(Task.class);
        String link = task.getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/invitation-link") == null ? null
                : task.getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/invitation-link").getValue().primitiveValue();
        String taskId = task.getIdElement().getIdPart();
        String token = link.substring(link.lastIndexOf('/') + 1);
        QuestionnaireResponse viaLink = ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build("completed", null);
        Reply answered = fhir.post("/invitation/" + token + "/QuestionnaireResponse", viaLink);
        assertEquals(201, answered.status(), answered.body());
        String responseId = answered.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        for (FhirTestClient client : new FhirTestClient[]{clinician, taskOnly}) {
            Reply read = client.get("/fhir/Task/" + taskId);
            assertEquals(200, read.status(), read.body());
            assertFalse(read.body().contains(responseId), "no response id before the patient shares");
            Reply search = client.get("/fhir/Task?patient=" + aino);
            assertFalse(search.body().contains(responseId), "nor in a search");
        }
        assertTrue(patient.get("/fhir/Task/" + taskId).body().contains("QuestionnaireResponse/" + responseId), "the patient sees it");
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        assertTrue(clinician.get("/fhir/Task/" + taskId).body().contains("QuestionnaireResponse/" + responseId), "shared: shown");
        assertFalse(taskOnly.get("/fhir/Task/" + taskId).body().contains(responseId), "Task scope alone never reads responses");
    }

    private static QuestionnaireResponse complete(Questionnaire prom, String patient) {
        return ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build("completed", "Patient/" + patient);
    }
}
