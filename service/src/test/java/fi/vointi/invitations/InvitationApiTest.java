package fi.vointi.invitations;

import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invitations end to end over real HTTP: invite, open the link without login, answer once. */
@MicronautTest(transactional = false) // the service's own transactions are under test
class InvitationApiTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String FEEDBACK_URL = "https://vointi.fi/fhir/Questionnaire/demo-customer-feedback";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    InvitationService service;
    @Inject
    InvitationStore store;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient clinician;
    Questionnaire prom;
    String patientId;
    String unit;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        patientId = UUID.randomUUID().toString();
        unit = "unit-" + UUID.randomUUID();
        clinician = anonymous.as(tokens.clinician(unit));
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
    }

    static Task invitation(String patientId, String questionnaire) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patientId));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null)))
                .setValue(new CanonicalType(questionnaire));
        return task;
    }

    static Task forUnit(Task task, String unitId) {
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unitId));
        return task;
    }

    /** Invites and returns the created Task (with its link). */
    Task invite(FhirTestClient client, Task task) {
        Reply reply = client.post("/fhir/Task", task);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(Task.class);
    }

    static String link(Task task) {
        return task.getExtensionByUrl(InvitationService.LINK_EXTENSION).getValue().primitiveValue();
    }

    static String token(Task task) {
        String link = link(task);
        return link.substring(link.lastIndexOf('/') + 1);
    }

    QuestionnaireResponse completed() {
        return ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build("completed", null);
    }

    long responsesOf(String patient) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patient);
    }

    long invitationsOf(String patient) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ?", patient);
    }

    void expire(String taskId) {
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE invitation SET expires_at = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(60)));
            ps.setString(2, taskId);
            assertEquals(1, ps.executeUpdate());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void inviteOpenAnswerOnce() {
        Reply created = clinician.post("/fhir/Task", invitation(patientId, PROM_URL));
        assertEquals(201, created.status(), created.body());
        Task task = created.resource(Task.class);
        String id = task.getIdElement().getIdPart();
        assertTrue(created.header("Location").endsWith("/fhir/Task/" + id), created.header("Location"));
        assertEquals(Task.TaskStatus.READY, task.getStatus());
        assertEquals("Patient/" + patientId, task.getFor().getReference());
        assertEquals(PROM_URL + "|" + prom.getVersion(), task.getInputFirstRep().getValue().primitiveValue(), "pinned");
        assertEquals("Organization/" + unit, ((Reference) task.getExtensionByUrl(ResponseService.SERVICE_UNIT_EXTENSION)
                .getValue()).getReference(), "the clinician's only unit by default");
        assertEquals("clinician-" + unit, task.getRequester().getDisplay());
        assertNotNull(task.getAuthoredOn());
        long days = Duration.between(Instant.now(), task.getRestriction().getPeriod().getEnd().toInstant()).toDays();
        assertTrue(days >= 13 && days <= 14, "default lifetime 14 days, was " + days);
        String token = token(task);
        assertEquals(43, token.length());
        assertEquals(server.getURI().resolve("/invitation/" + token).toString(), link(task));

        // only the token's hash is stored; the link is nowhere in the table
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE id LIKE ? OR token_sha256 LIKE ?"
                + " OR patient_id LIKE ? OR requester LIKE ? OR resource_json LIKE ? OR resource_json LIKE ?",
                "%" + token + "%", "%" + token + "%", "%" + token + "%", "%" + token + "%", "%" + token + "%", "%invitation-link%"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE id = ? AND token_sha256 = ?",
                id, InvitationTokens.sha256Hex(token)));
        Task read = clinician.get("/fhir/Task/" + id).resource(Task.class);
        assertFalse(read.hasExtension(InvitationService.LINK_EXTENSION), "a read never shows the link");
        assertEquals(Task.TaskStatus.READY, read.getStatus());

        // the link opens the pinned questionnaire without login
        Reply opened = anonymous.get("/invitation/" + token);
        assertEquals(200, opened.status(), opened.body());
        assertTrue(opened.header("Content-Type").startsWith("application/fhir+json"));
        Questionnaire questionnaire = opened.resource(Questionnaire.class);
        assertEquals(PROM_URL, questionnaire.getUrl());
        assertEquals(prom.getVersion(), questionnaire.getVersion());

        Reply answered = anonymous.post("/invitation/" + token + "/QuestionnaireResponse", completed());
        assertEquals(201, answered.status(), answered.body());
        QuestionnaireResponse stored = answered.resource(QuestionnaireResponse.class);
        String responseId = stored.getIdElement().getIdPart();
        assertTrue(answered.header("Location").endsWith("/fhir/QuestionnaireResponse/" + responseId + "/_history/1"));
        assertEquals("Patient/" + patientId, stored.getSubject().getReference());
        assertEquals(PROM_URL + "|" + prom.getVersion(), stored.getQuestionnaire());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ? AND subject_id = ?"
                + " AND unit_ref = ? AND questionnaire_url = ? AND questionnaire_version = ? AND status = 'completed'",
                responseId, patientId, "Organization/" + unit, PROM_URL, prom.getVersion()));
        // it is the patient's own response now
        FhirTestClient patient = anonymous.as(tokens.patient(patientId));
        assertEquals(200, patient.get("/fhir/QuestionnaireResponse/" + responseId).status());

        Task done = clinician.get("/fhir/Task/" + id).resource(Task.class);
        assertEquals(Task.TaskStatus.COMPLETED, done.getStatus());
        // the response is private until the patient shares it: its id is not shown to the clinician (issue 13 case 6)
        assertFalse(done.hasOutput(), () -> "no output before sharing: " + clinician.get("/fhir/Task/" + id).body());
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        done = clinician.get("/fhir/Task/" + id).resource(Task.class);
        assertEquals("questionnaire-response", done.getOutputFirstRep().getType().getCodingFirstRep().getCode());
        assertEquals(SDC, done.getOutputFirstRep().getType().getCodingFirstRep().getSystem());
        assertEquals("QuestionnaireResponse/" + responseId, ((Reference) done.getOutputFirstRep().getValue()).getReference());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE id = ? AND status = 'completed'"
                + " AND used_at IS NOT NULL AND response_id = ?", id, responseId));

        // single use
        String second = anonymous.post("/invitation/" + token + "/QuestionnaireResponse", completed()).outcome(403);
        assertTrue(second.contains("used"), second);
        assertFalse(second.contains(patientId), "a refusal never names the patient");
        assertTrue(anonymous.get("/invitation/" + token).outcome(403).contains("used"));
        assertEquals(1, responsesOf(patientId));

        // the audit trail names the Task, never the link's token
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE entities LIKE ?", "%Task/" + id + "%") >= 5);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path LIKE ? OR entities LIKE ?"
                + " OR detail LIKE ?", "%" + token + "%", "%" + token + "%", "%" + token + "%"));
    }

    @Test
    void expiredUnknownAndMalformedLinks() {
        Task task = invite(clinician, invitation(patientId, PROM_URL));
        expire(task.getIdElement().getIdPart());
        String opened = anonymous.get("/invitation/" + token(task)).outcome(403);
        assertTrue(opened.contains("expired"), opened);
        String answered = anonymous.post("/invitation/" + token(task) + "/QuestionnaireResponse", completed()).outcome(403);
        assertTrue(answered.contains("expired"), answered);
        assertFalse(answered.contains(patientId));
        assertEquals(0, responsesOf(patientId));

        String unknown = InvitationTokens.newToken();
        anonymous.get("/invitation/" + unknown).outcome(404);
        anonymous.post("/invitation/" + unknown + "/QuestionnaireResponse", completed()).outcome(404);
        anonymous.get("/invitation/not-a-token").outcome(404);
        // the hash is not a key either
        anonymous.get("/invitation/" + InvitationTokens.sha256Hex(token(task))).outcome(404);
    }

    @Test
    void refusedAnswersLeaveTheLinkUsable() {
        Task task = invite(clinician, invitation(patientId, PROM_URL));
        String path = "/invitation/" + token(task) + "/QuestionnaireResponse";

        QuestionnaireResponse inProgress = completed().setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        assertTrue(anonymous.post(path, inProgress).outcome(422).contains("completed"));
        QuestionnaireResponse missingAnswers = ResponseBuilder.answering(prom).build("completed", null);
        anonymous.post(path, missingAnswers).outcome(422);
        String otherSubject = anonymous.post(path, completed().setSubject(new Reference("Patient/someone-else"))).outcome(422);
        assertFalse(otherSubject.contains(patientId));
        anonymous.post(path, completed().setQuestionnaire(FEEDBACK_URL)).outcome(422);
        anonymous.post(path, completed().setQuestionnaire(PROM_URL + "|0.0.1-other")).outcome(422);
        anonymous.post(path, "{\"resourceType\":\"QuestionnaireResponse\",\"bogus\":1}").outcome(400);
        assertEquals(0, responsesOf(patientId));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ? AND used_at IS NULL"
                + " AND status = 'ready'", patientId));

        // naming the invited patient and the questionnaire without version is fine
        QuestionnaireResponse explicit = completed().setSubject(new Reference("Patient/" + patientId)).setQuestionnaire(PROM_URL);
        assertEquals(201, anonymous.post(path, explicit).status());
        assertEquals(1, responsesOf(patientId));
    }

    @Test
    void concurrentAnswersStoreOnce() throws Exception {
        Task task = invite(clinician, invitation(patientId, PROM_URL));
        String path = "/invitation/" + token(task) + "/QuestionnaireResponse";
        List<Callable<Reply>> calls = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> (Callable<Reply>) () -> anonymous.post(path, completed())).toList();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Integer> statuses = new java.util.ArrayList<>();
            for (Future<Reply> f : pool.invokeAll(calls)) {
                statuses.add(f.get().status());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 403), statuses.toString());
        } finally {
            pool.shutdown();
        }
        assertEquals(1, responsesOf(patientId));
    }

    @Test
    void linkUsedMeanwhileRollsTheResponseBack() {
        Task task = invite(clinician, invitation(patientId, PROM_URL));
        // a request that checked the link just before another one used it
        Invitation checked = store.findByToken(InvitationTokens.sha256Hex(token(task))).orElseThrow();
        assertEquals(201, anonymous.post("/invitation/" + token(task) + "/QuestionnaireResponse", completed()).status());
        fi.vointi.fhir.FhirException refused = org.junit.jupiter.api.Assertions.assertThrows(fi.vointi.fhir.FhirException.class,
                () -> service.answer(checked, completed()));
        assertEquals(403, refused.status().getCode());
        assertEquals(1, responsesOf(patientId), "the second response was rolled back with the failed consumption");
    }

    @Test
    void whoMayInviteAndRead() {
        String otherUnit = "unit-" + UUID.randomUUID();
        FhirTestClient otherClinician = anonymous.as(tokens.clinician(otherUnit));
        // a clinician invites only for their own units
        String refused = otherClinician.post("/fhir/Task", forUnit(invitation(patientId, PROM_URL), unit)).outcome(403);
        assertTrue(refused.contains("own units"), refused);
        anonymous.as(tokens.patient(patientId)).post("/fhir/Task", invitation(patientId, PROM_URL)).outcome(403);
        anonymous.as(tokens.system("ehr", "system/QuestionnaireResponse.crs")).post("/fhir/Task",
                invitation(patientId, PROM_URL)).outcome(403);
        anonymous.post("/fhir/Task", invitation(patientId, PROM_URL)).outcome(401);
        assertEquals(0, invitationsOf(patientId));

        String id = invite(clinician, forUnit(invitation(patientId, PROM_URL), unit)).getIdElement().getIdPart();
        otherClinician.get("/fhir/Task/" + id).outcome(404);
        assertEquals(0, otherClinician.get("/fhir/Task?patient=" + patientId).resource(Bundle.class).getEntry().size());
        anonymous.get("/fhir/Task/" + id).outcome(401);
        anonymous.get("/fhir/Task/no-such-task").outcome(401);
        anonymous.get("/fhir/Task").outcome(401);
        anonymous.as(tokens.patient(patientId)).get("/fhir/Task/" + id);
        assertEquals(200, anonymous.as(tokens.patient(patientId)).get("/fhir/Task/" + id).status());
        assertEquals(200, anonymous.as(tokens.guardian(patientId)).get("/fhir/Task/" + id).status());
        anonymous.as(tokens.patient(UUID.randomUUID().toString())).get("/fhir/Task/" + id).outcome(404);
        anonymous.as(tokens.admin()).get("/fhir/Task/" + id).outcome(404);
        anonymous.as(tokens.admin()).get("/fhir/Task").outcome(403);

        // a backend client with Task.c invites, with or without a unit; Task.rs reads all
        FhirTestClient ehr = anonymous.as(tokens.system("ehr", "system/Task.crs"));
        Task bySystem = invite(ehr, invitation(patientId, PROM_URL + "|" + prom.getVersion()));
        assertFalse(bySystem.hasExtension(ResponseService.SERVICE_UNIT_EXTENSION));
        assertEquals("ehr", bySystem.getRequester().getDisplay());
        assertEquals(200, ehr.get("/fhir/Task/" + id).status());
        assertEquals(2, ehr.get("/fhir/Task?patient=Patient/" + patientId).resource(Bundle.class).getEntry().size());
        assertEquals(2, invitationsOf(patientId));
    }

    @Test
    void searchByPatientAndStatusWithPaging() {
        String other = UUID.randomUUID().toString();
        String first = invite(clinician, invitation(patientId, PROM_URL)).getIdElement().getIdPart();
        Task second = invite(clinician, invitation(patientId, PROM_URL));
        invite(clinician, invitation(other, PROM_URL));
        assertEquals(201, anonymous.post("/invitation/" + token(second) + "/QuestionnaireResponse", completed()).status());

        FhirTestClient patient = anonymous.as(tokens.patient(patientId));
        Bundle own = patient.get("/fhir/Task").resource(Bundle.class);
        assertEquals(2, own.getEntry().size(), "a patient sees only their own invitations");
        assertEquals(List.of(first), ids(patient.get("/fhir/Task?status=ready").resource(Bundle.class)));
        assertEquals(List.of(second.getIdElement().getIdPart()),
                ids(patient.get("/fhir/Task?status=completed,cancelled").resource(Bundle.class)));
        assertEquals(0, patient.get("/fhir/Task?patient=" + other).resource(Bundle.class).getEntry().size());

        Bundle byUnit = clinician.get("/fhir/Task?_count=2&_total=accurate").resource(Bundle.class);
        assertEquals(3, byUnit.getTotal());
        assertEquals(2, byUnit.getEntry().size());
        assertNotNull(byUnit.getLink("next"));
        Bundle next = clinician.get("/fhir/Task?_count=2&_offset=2").resource(Bundle.class);
        assertEquals(1, next.getEntry().size());
        assertEquals(null, next.getLink("next"));
        assertTrue(byUnit.getEntryFirstRep().getFullUrl().contains("/fhir/Task/"));

        clinician.get("/fhir/Task?subject=Patient/" + patientId).outcome(400);
        clinician.get("/fhir/Task?_sort=-authored-on").outcome(400);
    }

    @Test
    void invalidInvitationsStoreNothing() {
        Task noPatient = invitation(patientId, PROM_URL).setFor(null);
        assertTrue(clinician.post("/fhir/Task", noPatient).outcome(422).contains("Task.for"));
        Task noInput = invitation(patientId, PROM_URL);
        noInput.getInput().clear();
        assertTrue(clinician.post("/fhir/Task", noInput).outcome(422).contains("Task.input"));
        assertTrue(clinician.post("/fhir/Task", invitation(patientId, PROM_URL).setIntent(Task.TaskIntent.PLAN))
                .outcome(422).contains("intent"));
        clinician.post("/fhir/Task", invitation(patientId, PROM_URL).setStatus(Task.TaskStatus.COMPLETED)).outcome(422);
        clinician.post("/fhir/Task", invitation(patientId, "https://example.org/Questionnaire/unknown")).outcome(422);
        clinician.post("/fhir/Task", invitation(patientId, PROM_URL + "|9.9.9")).outcome(422);
        clinician.post("/fhir/Task", invitation(patientId, FEEDBACK_URL)).outcome(422);
        Task tooLong = invitation(patientId, PROM_URL);
        tooLong.getRestriction().getPeriod().setEnd(Date.from(Instant.now().plus(Duration.ofDays(91))));
        assertTrue(clinician.post("/fhir/Task", tooLong).outcome(422).contains("90 days"));
        Task past = invitation(patientId, PROM_URL);
        past.getRestriction().getPeriod().setEnd(Date.from(Instant.now().minusSeconds(1)));
        clinician.post("/fhir/Task", past).outcome(422);
        clinician.post("/fhir/Task", "{\"resourceType\":\"Task\",\"intent\":\"order\",\"bogus\":true}").outcome(400);
        clinician.post("/fhir/Task", "{\"resourceType\":\"Patient\"}").outcome(400);
        // a clinician of several units names the inviting one
        anonymous.as(tokens.clinician(unit, "unit-" + UUID.randomUUID())).post("/fhir/Task",
                invitation(patientId, PROM_URL)).outcome(422);
        assertEquals(0, invitationsOf(patientId));

        // an explicit expiry within 90 days is kept
        Task custom = invitation(patientId, PROM_URL);
        Date end = Date.from(Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        custom.getRestriction().getPeriod().setEnd(end);
        assertEquals(end, invite(clinician, custom).getRestriction().getPeriod().getEnd());
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }
}
