package fi.vointi.responses;

import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
class QuestionnaireResponseApiTest {
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    fi.vointi.security.DevTokenIssuer issuer;

    FhirTestClient fhir;
    Questionnaire prom;
    String patient;

    @BeforeEach
    void setUp() {
        patient = "Patient/" + UUID.randomUUID();
        fhir = new FhirTestClient(server).as(new fi.vointi.support.Tokens(issuer).patient(patient.substring(8)));
        prom = fhir.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
    }

    private ResponseBuilder completeProm() {
        return ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false));
    }

    @Test
    void createReadSearchAndRetryWithoutDuplicate() {
        QuestionnaireResponse response = completeProm().build("completed", patient);
        response.setAuthoredElement(new DateTimeType("2026-11-03T09:15:00+02:00"));
        String identifier = UUID.randomUUID().toString();
        response.setIdentifier(new Identifier().setSystem("urn:vointi:test-client").setValue(identifier));
        String ifNoneExist = "identifier=urn:vointi:test-client|" + identifier;
        // an answer given on 3 November, brought by a history import: the one kind of client that dates answers and
        // names who gave them (a patient's own post is dated and authored by the server, ResponseWritePathTest)
        response.setAuthor(new org.hl7.fhir.r4.model.Reference(patient)).setSource(new org.hl7.fhir.r4.model.Reference(patient));
        FhirTestClient importer = new FhirTestClient(server).as(new fi.vointi.support.Tokens(issuer)
                .system("history-import", "system/QuestionnaireResponse.c"));

        Reply created = importer.post("/fhir/QuestionnaireResponse", response, "If-None-Exist", ifNoneExist);
        assertEquals(201, created.status(), created.body());
        assertEquals("W/\"1\"", created.header("ETag"));
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        String id = stored.getIdElement().getIdPart();
        assertTrue(created.header("Location").endsWith("/fhir/QuestionnaireResponse/" + id + "/_history/1"));
        assertEquals(PROM_URL + "|" + prom.getVersion(), stored.getQuestionnaire(), "pinned to the exact version");

        QuestionnaireResponse read = fhir.get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class);
        assertEquals(patient, read.getSubject().getReference());
        assertEquals("1", read.getMeta().getVersionId());
        QuestionnaireResponse readBack = read.copy();
        readBack.setMeta(null);
        readBack.setIdElement(null);
        assertEquals(patient, read.getAuthor().getReference());
        assertTrue(readBack.equalsDeep(response.copy().setQuestionnaire(stored.getQuestionnaire())
                .setAuthor(new org.hl7.fhir.r4.model.Reference(patient)).setSource(new org.hl7.fhir.r4.model.Reference(patient))),
                "answers read back unchanged");

        Bundle bySubject = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient).resource(Bundle.class);
        assertEquals(List.of(id), ids(bySubject));
        Bundle byPatientAndDate = fhir.get("/fhir/QuestionnaireResponse?patient=" + patient.substring(8)
                + "&authored=ge2026-11-03&authored=le2026-11-03").resource(Bundle.class);
        assertEquals(List.of(id), ids(byPatientAndDate));
        assertEquals(List.of(), ids(fhir.get("/fhir/QuestionnaireResponse?subject=" + patient + "&authored=lt2026-11-03")
                .resource(Bundle.class)));
        assertEquals(List.of(), ids(fhir.get("/fhir/QuestionnaireResponse?subject=" + patient + "&authored=gt2026-11-03")
                .resource(Bundle.class)));
        // 09:15 in Helsinki is 07:15Z: an explicit-zone instant range finds it
        assertEquals(List.of(id), ids(fhir.get("/fhir/QuestionnaireResponse?subject=" + patient
                + "&authored=ge2026-11-03T07:15:00Z&authored=lt2026-11-03T07:16:00Z").resource(Bundle.class)));

        Reply retry = fhir.post("/fhir/QuestionnaireResponse", response, "If-None-Exist", ifNoneExist);
        assertEquals(200, retry.status(), retry.body());
        assertEquals(id, retry.resource(QuestionnaireResponse.class).getIdElement().getIdPart());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE identifier_value = ?", identifier));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patient.substring(8)));

        // the condition matches, so the body is ignored whatever it now holds (FHIR conditional create): a retry that
        // would be refused as a new response is answered with the stored one, and nothing is stored
        QuestionnaireResponse refusedAsNew = response.copy().setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED);
        refusedAsNew.getItemFirstRep().getAnswerFirstRep().setValue(new org.hl7.fhir.r4.model.StringType("not an option"));
        Reply refusedRetry = fhir.post("/fhir/QuestionnaireResponse", refusedAsNew, "If-None-Exist", ifNoneExist);
        assertEquals(200, refusedRetry.status(), refusedRetry.body());
        assertEquals(id, refusedRetry.resource(QuestionnaireResponse.class).getIdElement().getIdPart());
        assertEquals("completed", refusedRetry.resource(QuestionnaireResponse.class).getStatus().toCode());
        // as a new response (another identifier) the same body is refused
        refusedAsNew.getIdentifier().setValue(UUID.randomUUID().toString());
        assertEquals(422, fhir.post("/fhir/QuestionnaireResponse", refusedAsNew, "If-None-Exist",
                "identifier=urn:vointi:test-client|" + refusedAsNew.getIdentifier().getValue()).status());
        // a condition on another identifier than the body's is looked up before anything is written
        QuestionnaireResponse other = response.copy();
        other.getIdentifier().setValue(UUID.randomUUID().toString());
        Reply byOtherIdentifier = fhir.post("/fhir/QuestionnaireResponse", other, "If-None-Exist", ifNoneExist);
        assertEquals(200, byOtherIdentifier.status(), byOtherIdentifier.body());
        assertEquals(id, byOtherIdentifier.resource(QuestionnaireResponse.class).getIdElement().getIdPart());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patient.substring(8)));

        Reply plainDuplicate = fhir.post("/fhir/QuestionnaireResponse", response);
        assertTrue(plainDuplicate.outcome(409).contains("If-None-Exist"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE identifier_value = ?", identifier));
    }

    @Test
    void concurrentRetriesStoreOnce() throws Exception {
        QuestionnaireResponse response = completeProm().build("completed", patient);
        String identifier = UUID.randomUUID().toString();
        response.setIdentifier(new Identifier().setSystem("urn:vointi:test-client").setValue(identifier));
        List<java.util.concurrent.Callable<Reply>> calls = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> (java.util.concurrent.Callable<Reply>) () -> fhir.post("/fhir/QuestionnaireResponse",
                        response, "If-None-Exist", "identifier=urn:vointi:test-client|" + identifier)).toList();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<Reply> replies = pool.invokeAll(calls).stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertEquals(1, replies.stream().filter(r -> r.status() == 201).count(), "exactly one create");
            assertEquals(7, replies.stream().filter(r -> r.status() == 200).count(), "the others see the stored one");
            assertEquals(1, replies.stream().map(r -> r.resource(QuestionnaireResponse.class).getIdElement().getIdPart()).distinct().count());
        } finally {
            pool.shutdown();
        }
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE identifier_value = ?", identifier));
    }

    @Test
    void versionlessQuestionnaireIsPinnedAndAuthoredDefaultsToNow() {
        QuestionnaireResponse response = completeProm().build("completed", patient);
        response.setQuestionnaire(PROM_URL);
        Reply created = fhir.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse stored = created.resource(QuestionnaireResponse.class);
        assertEquals(PROM_URL + "|" + prom.getVersion(), stored.getQuestionnaire());
        assertTrue(stored.hasAuthored());
        assertTrue(Math.abs(stored.getAuthored().getTime() - System.currentTimeMillis()) < 60_000);
    }

    @Test
    void preferHeaderChoosesWhatACreateOrUpdateReturns() {
        Reply minimal = fhir.post("/fhir/QuestionnaireResponse", completeProm().build("in-progress", patient),
                "Prefer", "return=minimal");
        assertEquals(201, minimal.status());
        assertEquals("", minimal.body());
        assertEquals("W/\"1\"", minimal.header("ETag"));
        String location = minimal.header("Location");
        String id = location.replaceAll(".*/QuestionnaireResponse/([^/]+)/_history/1$", "$1");
        QuestionnaireResponse stored = fhir.get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class);
        assertEquals(patient, stored.getSubject().getReference());

        stored.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        Reply outcome = fhir.put("/fhir/QuestionnaireResponse/" + id, stored, "Prefer", "return=OperationOutcome");
        assertEquals(200, outcome.status());
        assertEquals("W/\"2\"", outcome.header("ETag"));
        assertTrue(outcome.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics().contains("version 2"));

        Reply representation = fhir.get("/fhir/QuestionnaireResponse/" + id + "?_pretty=true");
        assertTrue(representation.body().contains("\n  \"status\": \"completed\""), representation.body());
    }

    @Test
    void inProgressAnswersAreSavedResumedCompletedAndAmended() {
        QuestionnaireResponse draft = ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(true))
                .build("in-progress", patient);
        Reply created = fhir.post("/fhir/QuestionnaireResponse", draft);
        assertEquals(201, created.status(), created.body());
        QuestionnaireResponse saved = created.resource(QuestionnaireResponse.class);
        String id = saved.getIdElement().getIdPart();

        // resume: more answers, still in progress
        QuestionnaireResponse more = ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(true))
                .answer("pain.interference", ResponseBuilder.answering(prom).option("pain.interference", "2"))
                .build("in-progress", patient);
        more.setId(id);
        Reply resumed = fhir.put("/fhir/QuestionnaireResponse/" + id, more, "If-Match", "W/\"1\"");
        assertEquals(200, resumed.status(), resumed.body());
        assertEquals("W/\"2\"", resumed.header("ETag"));

        // a stale If-Match is refused
        assertTrue(fhir.put("/fhir/QuestionnaireResponse/" + id, more, "If-Match", "W/\"1\"").outcome(412).contains("W/\"2\""));

        // complete it
        QuestionnaireResponse complete = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(true))
                .answer("pain.interference", ResponseBuilder.answering(prom).option("pain.interference", "2"))
                .build("completed", patient);
        complete.setId(id);
        Reply completed = fhir.put("/fhir/QuestionnaireResponse/" + id, complete);
        assertEquals(200, completed.status(), completed.body());

        // a completed response cannot be changed in place...
        QuestionnaireResponse changed = complete.copy();
        changed.getItem().get(0).getItem().get(0).getAnswerFirstRep()
                .setValue(ResponseBuilder.answering(prom).option(changed.getItem().get(0).getItem().get(0).getLinkId(), "3"));
        assertTrue(fhir.put("/fhir/QuestionnaireResponse/" + id, changed).outcome(409).contains("amended"));
        // ...nor reopened
        QuestionnaireResponse reopened = complete.copy().setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        fhir.put("/fhir/QuestionnaireResponse/" + id, reopened).outcome(409);
        // ...but it can be amended
        changed.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED);
        Reply amended = fhir.put("/fhir/QuestionnaireResponse/" + id, changed);
        assertEquals(200, amended.status(), amended.body());
        assertEquals("W/\"4\"", amended.header("ETag"));

        // every version stays readable
        QuestionnaireResponse v1 = fhir.get("/fhir/QuestionnaireResponse/" + id + "/_history/1").resource(QuestionnaireResponse.class);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS, v1.getStatus());
        assertEquals("1", v1.getMeta().getVersionId());
        QuestionnaireResponse current = fhir.get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED, current.getStatus());
        // history holds the superseded versions 1–3; version 4 is the current row
        assertEquals(3, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", id));
        fhir.get("/fhir/QuestionnaireResponse/" + id + "/_history/9").outcome(404);
    }

    @Test
    void updateRefusesChangedSubjectMismatchedIdAndUnknownIds() {
        Reply created = fhir.post("/fhir/QuestionnaireResponse", completeProm().build("in-progress", patient));
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();

        QuestionnaireResponse otherSubject = completeProm().build("in-progress", "Patient/" + UUID.randomUUID());
        otherSubject.setId(id);
        assertTrue(fhir.put("/fhir/QuestionnaireResponse/" + id, otherSubject).outcome(422).contains("subject"));

        QuestionnaireResponse noId = completeProm().build("in-progress", patient);
        fhir.put("/fhir/QuestionnaireResponse/" + id, noId).outcome(400);

        QuestionnaireResponse unknown = completeProm().build("in-progress", patient);
        unknown.setId("does-not-exist");
        fhir.put("/fhir/QuestionnaireResponse/does-not-exist", unknown).outcome(404); // like a hidden id (issue 13 case 8)
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = 'does-not-exist'"));
    }

    @Test
    void answersAreValidatedAgainstTheQuestionnaire() {
        long before = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response");
        // required items missing on completed
        String missing = fhir.post("/fhir/QuestionnaireResponse",
                ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(false)).build("completed", patient)).outcome(422);
        assertTrue(missing.contains("'mood'") && missing.contains("'sleep'"), missing);
        // an item disabled by enableWhen must not be answered
        QuestionnaireResponse disabledAnswered = completeProm()
                .answer("pain.interference", ResponseBuilder.answering(prom).option("pain.interference", "1"))
                .build("completed", patient);
        assertTrue(fhir.post("/fhir/QuestionnaireResponse", disabledAnswered).outcome(422).contains("pain.interference"));
        // enabled and required but missing
        QuestionnaireResponse enabledMissing = completeProm().answer("pain.any", new BooleanType(true)).build("completed", patient);
        assertTrue(fhir.post("/fhir/QuestionnaireResponse", enabledMissing).outcome(422).contains("pain.interference"));
        // wrong answer type
        QuestionnaireResponse wrongType = completeProm().answer("mood.3", new StringType("often")).build("completed", patient);
        assertTrue(fhir.post("/fhir/QuestionnaireResponse", wrongType).outcome(422).contains("mood.3"));
        // an answer outside answerOption
        QuestionnaireResponse outside = completeProm()
                .answer("mood.3", new org.hl7.fhir.r4.model.Coding("https://vointi.fi/fhir/CodeSystem/frequency-5", "9", null))
                .build("completed", patient);
        assertTrue(fhir.post("/fhir/QuestionnaireResponse", outside).outcome(422).contains("mood.3"));
        // two answers to a question that does not repeat
        QuestionnaireResponse repeated = completeProm()
                .answer("mood.3", ResponseBuilder.answering(prom).option("mood.3", "1"), ResponseBuilder.answering(prom).option("mood.3", "2"))
                .build("completed", patient);
        assertTrue(fhir.post("/fhir/QuestionnaireResponse", repeated).outcome(422).contains("mood.3"));
        // an unknown linkId
        QuestionnaireResponse unknownItem = completeProm().build("completed", patient);
        unknownItem.addItem().setLinkId("no.such.item").addAnswer().setValue(new StringType("x"));
        assertTrue(fhir.post("/fhir/QuestionnaireResponse", unknownItem).outcome(422).contains("no.such.item"));
        // amended or entered-in-error cannot be created
        fhir.post("/fhir/QuestionnaireResponse", completeProm().build("amended", patient)).outcome(422);

        assertEquals(before, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response"), "nothing stored");
        // the repeating multi-select takes several answers
        QuestionnaireResponse multi = completeProm().answer("activity.limits",
                ResponseBuilder.answering(prom).option("activity.limits", "housework"),
                ResponseBuilder.answering(prom).option("activity.limits", "exercise")).build("completed", patient);
        assertEquals(201, fhir.post("/fhir/QuestionnaireResponse", multi).status());
    }

    @Test
    void searchPagesSortsAndFilters() {
        String[] days = {"2026-10-01", "2026-10-05", "2026-10-09", "2026-10-13", "2026-10-17"};
        // answers given on those days, brought by a history import (only such a backend client dates answers itself)
        FhirTestClient importer = new FhirTestClient(server).as(new fi.vointi.support.Tokens(issuer)
                .system("history-import", "system/QuestionnaireResponse.c"));
        for (String day : days) {
            QuestionnaireResponse response = completeProm().build("completed", patient);
            response.setAuthoredElement(new DateTimeType(day + "T12:00:00+03:00"));
            assertEquals(201, importer.post("/fhir/QuestionnaireResponse", response).status());
        }
        QuestionnaireResponse draft = completeProm().build("in-progress", patient);
        draft.setAuthoredElement(new DateTimeType("2026-10-20T12:00:00+03:00"));
        assertEquals(201, importer.post("/fhir/QuestionnaireResponse", draft).status());

        Bundle page1 = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient
                + "&status=completed&_sort=-authored&_count=2&_total=accurate").resource(Bundle.class);
        assertEquals(5, page1.getTotal());
        assertEquals(List.of("2026-10-17", "2026-10-13"), authoredDays(page1));
        String next = page1.getLink("next").getUrl();
        assertNull(page1.getLink("previous"));
        Bundle page2 = fhir.get(next.substring(next.indexOf("/fhir/"))).resource(Bundle.class);
        assertEquals(List.of("2026-10-09", "2026-10-05"), authoredDays(page2));
        assertNotNull(page2.getLink("previous"));
        String next2 = page2.getLink("next").getUrl();
        Bundle page3 = fhir.get(next2.substring(next2.indexOf("/fhir/"))).resource(Bundle.class);
        assertEquals(List.of("2026-10-01"), authoredDays(page3));
        assertNull(page3.getLink("next"));

        Bundle ascending = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient + "&_sort=authored").resource(Bundle.class);
        assertEquals(List.of("2026-10-01", "2026-10-05", "2026-10-09", "2026-10-13", "2026-10-17", "2026-10-20"), authoredDays(ascending));

        Bundle either = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient + "&status=in-progress,stopped").resource(Bundle.class);
        assertEquals(List.of("2026-10-20"), authoredDays(either));

        Bundle october = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient + "&authored=2026-10&questionnaire="
                + PROM_URL + "%7C" + prom.getVersion()).resource(Bundle.class);
        assertEquals(6, october.getEntry().size());
        Bundle window = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient + "&authored=gt2026-10-05&authored=lt2026-10-17")
                .resource(Bundle.class);
        assertEquals(List.of("2026-10-13", "2026-10-09"), authoredDays(window));
        Bundle otherQuestionnaire = fhir.get("/fhir/QuestionnaireResponse?subject=" + patient
                + "&questionnaire=https://vointi.fi/fhir/Questionnaire/demo-customer-feedback").resource(Bundle.class);
        assertFalse(otherQuestionnaire.hasEntry());
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    private static List<String> authoredDays(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(e -> ((QuestionnaireResponse) e.getResource()).getAuthoredElement().getValueAsString().substring(0, 10))
                .toList();
    }
}
