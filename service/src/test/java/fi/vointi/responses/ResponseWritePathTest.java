package fi.vointi.responses;

import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path of issue 19 over HTTP, with the server's clock under the test's control: when a response is authored
 * (README, "authored"), who answered it (docs/web.md, "Who answered"), and that history holds superseded versions only.
 */
@MicronautTest
class ResponseWritePathTest {
    /** Monday 23 November 2026, 09:00 in Helsinki. */
    static final Instant MONDAY = Instant.parse("2026-11-23T07:00:00Z");
    /** Friday of the same week, 14:30 in Helsinki. */
    static final Instant FRIDAY = Instant.parse("2026-11-27T12:30:00Z");

    static final SettableClock CLOCK = new SettableClock();

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    fi.vointi.security.DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient anonymous;
    Questionnaire prom;
    String patient;
    FhirTestClient asPatient;

    @MockBean(Clock.class)
    Clock serverClock() {
        return CLOCK;
    }

    @BeforeEach
    void setUp() {
        CLOCK.set(MONDAY);
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        patient = "wp-" + UUID.randomUUID();
        asPatient = anonymous.as(tokens.patient(patient));
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
    }

    private QuestionnaireResponse promAbout(String subject, String status) {
        return ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build(status, "Patient/" + subject);
    }

    private static Instant authoredOf(QuestionnaireResponse response) {
        return response.getAuthored().toInstant();
    }

    private List<Observation> observationsOf(FhirTestClient client, String responseId) {
        Reply reply = client.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Bundle.class).getEntry().stream().map(e -> (Observation) e.getResource()).toList();
    }

    @Test
    void aDraftSavedOnMondayAndCompletedOnFridayIsAuthoredOnFridayAndSoAreItsScores() {
        QuestionnaireResponse draft = promAbout(patient, "in-progress");
        draft.setAuthoredElement(new DateTimeType("2026-10-01T10:00:00+03:00")); // a back-dating client: not taken
        Reply saved = asPatient.post("/fhir/QuestionnaireResponse", draft);
        assertEquals(201, saved.status(), saved.body());
        QuestionnaireResponse monday = saved.resource(QuestionnaireResponse.class);
        assertEquals(MONDAY, authoredOf(monday), "a draft is dated when it is saved");
        assertEquals(MONDAY, monday.getMeta().getLastUpdated().toInstant());
        String id = monday.getIdElement().getIdPart();

        CLOCK.set(FRIDAY);
        monday.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        Reply completed = asPatient.put("/fhir/QuestionnaireResponse/" + id, monday);
        assertEquals(200, completed.status(), completed.body());
        QuestionnaireResponse friday = completed.resource(QuestionnaireResponse.class);
        assertEquals(FRIDAY, authoredOf(friday), "authored is the completion time, not the first save");
        assertEquals(FRIDAY, asPatient.get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class)
                .getAuthored().toInstant());

        List<Observation> scores = observationsOf(asPatient, id);
        assertFalse(scores.isEmpty(), "the completed PROM is scored");
        for (Observation score : scores) {
            assertEquals(FRIDAY, score.getEffectiveDateTimeType().getValue().toInstant(), "scores are dated at completion");
            assertEquals(FRIDAY, score.getIssued().toInstant());
        }

        // an amendment a day later corrects the answers given on Friday: authored stays, lastUpdated moves
        CLOCK.set(FRIDAY.plus(Duration.ofDays(1)));
        friday.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED);
        friday.setAuthoredElement(new DateTimeType("2026-11-01T10:00:00+02:00"));
        Reply amended = asPatient.put("/fhir/QuestionnaireResponse/" + id, friday);
        assertEquals(200, amended.status(), amended.body());
        QuestionnaireResponse saturday = amended.resource(QuestionnaireResponse.class);
        assertEquals(FRIDAY, authoredOf(saturday));
        assertEquals(FRIDAY.plus(Duration.ofDays(1)), saturday.getMeta().getLastUpdated().toInstant());
        observationsOf(asPatient, id).forEach(o -> assertEquals(FRIDAY, o.getEffectiveDateTimeType().getValue().toInstant()));
    }

    @Test
    void aPersonCannotDateAnswersButAHistoryImportCanIntoThePastOnly() {
        QuestionnaireResponse backDated = promAbout(patient, "completed");
        backDated.setAuthoredElement(new DateTimeType("2026-10-01T10:00:00+03:00"));
        Reply byPatient = asPatient.post("/fhir/QuestionnaireResponse", backDated);
        assertEquals(201, byPatient.status(), byPatient.body());
        assertEquals(MONDAY, authoredOf(byPatient.resource(QuestionnaireResponse.class)), "replaced by the server's time");

        QuestionnaireResponse forwardDated = promAbout(patient, "completed");
        forwardDated.setAuthoredElement(new DateTimeType("2027-01-01T10:00:00+02:00"));
        Reply future = asPatient.post("/fhir/QuestionnaireResponse", forwardDated);
        assertEquals(201, future.status(), future.body());
        assertEquals(MONDAY, authoredOf(future.resource(QuestionnaireResponse.class)));

        FhirTestClient importer = anonymous.as(tokens.system("history-import", "system/QuestionnaireResponse.c"));
        QuestionnaireResponse earlier = promAbout(patient, "completed");
        earlier.setAuthoredElement(new DateTimeType("2025-03-02T09:30:00+02:00"));
        Reply imported = importer.post("/fhir/QuestionnaireResponse", earlier);
        assertEquals(201, imported.status(), imported.body());
        QuestionnaireResponse stored = imported.resource(QuestionnaireResponse.class);
        assertEquals("2025-03-02T09:30:00+02:00", stored.getAuthoredElement().getValueAsString(), "kept as given");
        assertEquals(MONDAY, stored.getMeta().getLastUpdated().toInstant(), "lastUpdated is always the server's");

        long before = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patient);
        QuestionnaireResponse later = promAbout(patient, "completed");
        later.setAuthoredElement(new DateTimeType(java.util.Date.from(MONDAY.plusSeconds(60))));
        String refusal = importer.post("/fhir/QuestionnaireResponse", later).outcome(422);
        assertTrue(refusal.contains("future"), refusal);
        assertEquals(before, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patient));
    }

    @Test
    void aForgedAuthorIsRefusedAndAGuardiansAnswerIsAProxyReportThroughout() {
        QuestionnaireResponse forged = promAbout(patient, "completed");
        forged.setAuthor(new Reference("Practitioner/dr-house"));
        String refusal = asPatient.post("/fhir/QuestionnaireResponse", forged).outcome(422);
        assertTrue(refusal.contains("QuestionnaireResponse.author"), refusal);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patient));

        String child = "wp-child-" + UUID.randomUUID();
        FhirTestClient guardian = anonymous.as(tokens.guardian(child));
        Reply created = guardian.post("/fhir/QuestionnaireResponse", promAbout(child, "completed"));
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        assertEquals("#answerer", stored.getSource().getReference());
        assertEquals("#answerer", stored.getAuthor().getReference());
        RelatedPerson answerer = (RelatedPerson) stored.getContained().get(0);
        assertEquals("guardian-" + child, answerer.getIdentifierFirstRep().getValue(), "the guardian's token subject");
        assertEquals("Patient/" + child, answerer.getPatient().getReference());
        List<Observation> scores = observationsOf(guardian, stored.getIdElement().getIdPart());
        assertFalse(scores.isEmpty());
        for (Observation score : scores) {
            Reference performer = score.getPerformerFirstRep();
            assertEquals("RelatedPerson", performer.getType());
            assertEquals(ResponseAuthors.SUBJECT_SYSTEM, performer.getIdentifier().getSystem());
            assertEquals("guardian-" + child, performer.getIdentifier().getValue());
        }
        // a guardian cannot pass the answer off as the child's own
        QuestionnaireResponse asChild = promAbout(child, "completed");
        asChild.setSource(new Reference("Patient/" + child));
        assertTrue(guardian.post("/fhir/QuestionnaireResponse", asChild).outcome(422).contains("QuestionnaireResponse.source"));
    }

    @Test
    void aBackendClientIsRecordedAsAuthorUnlessItNamesWhoAnsweredWithATypeFhirAllows() {
        FhirTestClient ehr = anonymous.as(tokens.system("ehr-portal", "system/QuestionnaireResponse.c"));
        Reply created = ehr.post("/fhir/QuestionnaireResponse", promAbout(patient, "completed"));
        assertEquals(201, created.status(), created.body());
        Reference author = created.resource(QuestionnaireResponse.class).getAuthor();
        assertEquals("Device", author.getType());
        assertEquals(ResponseAuthors.CLIENT_SYSTEM, author.getIdentifier().getSystem());
        assertEquals("ehr-portal", author.getIdentifier().getValue());
        // the patient may withdraw the imported answer: who answered stays as the client recorded it...
        QuestionnaireResponse imported = created.resource(QuestionnaireResponse.class);
        String id = imported.getIdElement().getIdPart();
        imported.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        Reply withdrawn = asPatient.put("/fhir/QuestionnaireResponse/" + id, imported);
        assertEquals(200, withdrawn.status(), withdrawn.body());
        assertEquals("ehr-portal", withdrawn.resource(QuestionnaireResponse.class).getAuthor().getIdentifier().getValue());
        // ...but cannot name another author
        imported.setAuthor(new Reference("Practitioner/dr-house"));
        assertTrue(asPatient.put("/fhir/QuestionnaireResponse/" + id, imported).outcome(422).contains("QuestionnaireResponse.author"));

        QuestionnaireResponse byNurse = promAbout(patient, "completed");
        byNurse.setAuthor(new Reference("Practitioner/nurse-1"));
        Reply kept = ehr.post("/fhir/QuestionnaireResponse", byNurse);
        assertEquals(201, kept.status(), kept.body());
        assertEquals("Practitioner/nurse-1", kept.resource(QuestionnaireResponse.class).getAuthor().getReference());

        QuestionnaireResponse nonsense = promAbout(patient, "completed");
        nonsense.setSource(new Reference("Device/kiosk-1")); // a Device may author, but R4 has no Device source
        assertTrue(ehr.post("/fhir/QuestionnaireResponse", nonsense).outcome(422).contains("QuestionnaireResponse.source"));
    }

    @Test
    void historyHoldsOnlySupersededVersionsAndEveryVersionStaysReadable() {
        Reply created = asPatient.post("/fhir/QuestionnaireResponse", promAbout(patient, "in-progress"));
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse v1 = created.resource(QuestionnaireResponse.class);
        String id = v1.getIdElement().getIdPart();
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", id),
                "a create writes no history row");

        CLOCK.set(FRIDAY);
        v1.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        assertEquals(200, asPatient.put("/fhir/QuestionnaireResponse/" + id, v1).status());
        assertEquals(List.of("1"), Db.strings(dataSource,
                "SELECT CAST(version_id AS VARCHAR(10)) FROM questionnaire_response_history WHERE id = ?", id),
                "the update moved version 1 to history");

        QuestionnaireResponse first = asPatient.get("/fhir/QuestionnaireResponse/" + id + "/_history/1").resource(QuestionnaireResponse.class);
        assertEquals("in-progress", first.getStatus().toCode());
        assertEquals(MONDAY, first.getMeta().getLastUpdated().toInstant());
        QuestionnaireResponse second = asPatient.get("/fhir/QuestionnaireResponse/" + id + "/_history/2").resource(QuestionnaireResponse.class);
        assertEquals("completed", second.getStatus().toCode());
        assertEquals(FRIDAY, authoredOf(second));
        assertEquals(404, asPatient.get("/fhir/QuestionnaireResponse/" + id + "/_history/3").status());
    }

    @Test
    void theAnsweringPagesFollowTheSameRuleADraftStartedOnMondayAndSentOnFridayIsAuthoredOnFriday() {
        FhirTestClient me = anonymous.as(tokens.patient(patient));
        String unit = "unit-" + UUID.randomUUID().toString().substring(0, 8);
        org.hl7.fhir.r4.model.Task invitation = new org.hl7.fhir.r4.model.Task();
        invitation.setStatus(org.hl7.fhir.r4.model.Task.TaskStatus.REQUESTED).setIntent(org.hl7.fhir.r4.model.Task.TaskIntent.ORDER);
        invitation.setFor(new Reference("Patient/" + patient));
        invitation.addInput().setType(new org.hl7.fhir.r4.model.CodeableConcept(new org.hl7.fhir.r4.model.Coding(
                "http://hl7.org/fhir/uv/sdc/CodeSystem/temp", "questionnaire", null)))
                .setValue(new org.hl7.fhir.r4.model.CanonicalType(prom.getUrl()));
        invitation.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        Reply invited = anonymous.as(tokens.clinician(unit)).post("/fhir/Task", invitation);
        assertEquals(201, invited.status(), invited.body());
        String taskId = invited.resource(org.hl7.fhir.r4.model.Task.class).getIdElement().getIdPart();

        // Monday: the first page is saved as a draft
        Reply started = form(me, "/app/answer/start?task=" + taskId, "shown", "sleep.1,sleep.2,sleep.3",
                "item:sleep.1", "2", "item:sleep.2", "1", "action", "next");
        assertEquals(303, started.status(), started.body());
        java.util.regex.Matcher draft = java.util.regex.Pattern.compile("/app/answer/([0-9a-f-]{36})/page/\\d+")
                .matcher(started.header("Location"));
        assertTrue(draft.matches(), started.header("Location"));
        String id = draft.group(1);
        assertEquals(MONDAY, authoredOf(me.get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class)));

        assertEquals(303, form(me, "/app/answer/" + id + "/page/2", "shown", "mood.1,mood.2,mood.3,mood.4",
                "item:mood.1", "3", "action", "next").status());
        assertEquals(303, form(me, "/app/answer/" + id + "/page/3", "shown", "activity.1,activity.2,activity.3,activity.limits",
                "item:activity.1", "1", "action", "next").status());

        // Friday: the last required answer and Send
        CLOCK.set(FRIDAY);
        assertEquals(303, form(me, "/app/answer/" + id + "/page/4", "shown", "pain.any", "item:pain.any", "false",
                "action", "next").status());
        Reply sent = form(me, "/app/answer/" + id + "/send");
        assertEquals(303, sent.status(), sent.body());
        QuestionnaireResponse completed = me.get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class);
        assertEquals("completed", completed.getStatus().toCode());
        assertEquals(FRIDAY, authoredOf(completed), "sent on Friday");
        observationsOf(me, id).forEach(o -> assertEquals(FRIDAY, o.getEffectiveDateTimeType().getValue().toInstant()));
    }

    /** A form post as a browser on our own origin sends it. */
    private static Reply form(FhirTestClient client, String path, String... fields) {
        StringBuilder body = new StringBuilder("lang=en");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.append('&').append(java.net.URLEncoder.encode(fields[i], java.nio.charset.StandardCharsets.UTF_8)).append('=')
                    .append(java.net.URLEncoder.encode(fields[i + 1], java.nio.charset.StandardCharsets.UTF_8));
        }
        return client.send(java.net.http.HttpRequest.newBuilder(client.uri(path))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .header("Accept-Language", "en").header("Sec-Fetch-Site", "same-origin"));
    }

    /** A clock the test moves; the server reads it through the {@link Clock} bean. */
    static final class SettableClock extends Clock {
        private volatile Instant now = Instant.now();

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(now, zone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
