package fi.vointi.web.answer;

import fi.vointi.invitations.InvitationService;
import fi.vointi.responses.ResponseAuthors;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import fi.vointi.web.Messages;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The patient app's home and answering pages and the invitation link as pages, over HTTP with real tokens (the same
 * Caller a signed-in browser session gets): page flow, save and resume, enableWhen, validation, review and send, who
 * answered, and the refusals (someone else's ids, cross-site posts, used and expired links).
 */
@MicronautTest(transactional = false)
class AnsweringPagesTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String CHILD = "https://vointi.fi/fhir/Questionnaire/demo-child-wellbeing";
    static final Pattern DRAFT = Pattern.compile("/app/answer/([0-9a-f-]{36})/page/(\\d+)");

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient clinician;
    String unit;
    String patient;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        unit = "unit-" + UUID.randomUUID().toString().substring(0, 8);
        clinician = anonymous.as(tokens.clinician(unit));
        patient = "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    Task invite(String patientId, String questionnaire) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setFor(new Reference("Patient/" + patientId));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(questionnaire));
        task.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
        Reply reply = clinician.post("/fhir/Task", task);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(Task.class);
    }

    static String token(Task task) {
        String link = task.getExtensionByUrl(InvitationService.LINK_EXTENSION).getValue().primitiveValue();
        return link.substring(link.lastIndexOf('/') + 1);
    }

    Reply page(FhirTestClient client, String path) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).GET()
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").header("Accept-Language", "en"));
    }

    /** A form post as a browser on our own origin sends it ({@code Sec-Fetch-Site: same-origin}). */
    Reply post(FhirTestClient client, String path, String... fields) {
        return postFrom("same-origin", client, path, fields);
    }

    Reply postFrom(String fetchSite, FhirTestClient client, String path, String... fields) {
        StringBuilder body = new StringBuilder("lang=en");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.append('&').append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return client.send(HttpRequest.newBuilder(client.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .header("Accept-Language", "en").header("Sec-Fetch-Site", fetchSite));
    }

    static String location(Reply reply) {
        assertEquals(303, reply.status(), reply.body());
        return reply.header("Location");
    }

    QuestionnaireResponse stored(String id) {
        return FhirTestClient.parse(QuestionnaireResponse.class,
                Db.strings(dataSource, "SELECT resource_json FROM questionnaire_response WHERE id = ?", id).get(0));
    }

    String invitationColumn(String column, String taskId) {
        return Db.strings(dataSource, "SELECT " + column + " FROM invitation WHERE id = ?", taskId).get(0);
    }

    static boolean has(QuestionnaireResponse response, String linkId) {
        return response.getItem().stream().anyMatch(i -> i.getLinkId().equals(linkId)
                || i.getItem().stream().anyMatch(c -> c.getLinkId().equals(linkId)));
    }

    // ---- tests -------------------------------------------------------------------------------------------

    @Test
    void anonymousCallersAreSentToTheSignIn() {
        assertEquals("/signin?return=%2Fapp", location(page(anonymous, "/app")));
        assertEquals("/signin?return=%2Fapp%2Fanswer%2Fstart%3Ftask%3Dx", location(page(anonymous, "/app/answer/start?task=x")));
    }

    @Test
    void patientAnswersPageByPageResumesReviewsAndSends() {
        FhirTestClient me = anonymous.as(tokens.patient(patient));
        Task task = invite(patient, PROM);
        String taskId = task.getIdElement().getIdPart();

        Reply home = page(me, "/app");
        assertEquals(200, home.status());
        assertTrue(home.body().contains("/app/answer/start?task=" + taskId), home.body());
        assertTrue(home.body().contains("href=\"/app/results\""));

        Reply first = page(me, "/app/answer/start?task=" + taskId);
        assertEquals(200, first.status());
        assertTrue(first.body().contains("Page 1 of 5"), "progress");
        assertTrue(first.body().contains("You are answering for yourself"));
        assertFalse(first.body().contains("value=\"back\""), "no Back on the first page");

        // page 1 is saved as the draft, recorded with the invitation
        String next = location(post(me, "/app/answer/start?task=" + taskId, "shown", "sleep.1,sleep.2,sleep.3",
                "item:sleep.1", "2", "item:sleep.2", "1", "action", "next"));
        Matcher m = DRAFT.matcher(next);
        assertTrue(m.matches(), next);
        String id = m.group(1);
        assertEquals("2", m.group(2));
        assertEquals(id, invitationColumn("draft_response_id", taskId));
        QuestionnaireResponse draft = stored(id);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS, draft.getStatus());
        assertEquals("Patient/" + patient, draft.getAuthor().getReference(), "self-report");
        assertEquals("Patient/" + patient, draft.getSource().getReference());

        // the home page lists it as in progress; resuming (another device: just the id) goes to the first unanswered page
        assertTrue(page(me, "/app").body().contains("/app/answer/" + id));
        assertEquals("/app/answer/" + id + "/page/2", location(page(me, "/app/answer/" + id)));
        assertEquals("/app/answer/" + id, location(page(me, "/app/answer/start?task=" + taskId)), "the invitation resumes its draft");

        // Back keeps the answers of the page it leaves and of the page it goes to
        assertEquals("/app/answer/" + id + "/page/1", location(post(me, "/app/answer/" + id + "/page/2",
                "shown", "mood.1,mood.2,mood.3,mood.4", "item:mood.1", "3", "action", "back")));
        Reply back = page(me, "/app/answer/" + id + "/page/1");
        assertTrue(back.body().contains("value=\"2\" checked"), "page 1 answers shown again");
        assertEquals("/app/answer/" + id + "/page/2", location(post(me, "/app/answer/" + id + "/page/1",
                "shown", "sleep.1,sleep.2,sleep.3", "item:sleep.1", "2", "item:sleep.2", "1", "action", "next")));
        assertTrue(page(me, "/app/answer/" + id + "/page/2").body().contains("value=\"back\""));
        assertEquals("/app/answer/" + id + "/page/3", location(post(me, "/app/answer/" + id + "/page/2",
                "shown", "mood.1,mood.2,mood.3,mood.4", "item:mood.1", "3", "item:mood.3", "1", "action", "next")));
        // check boxes: several answers to a repeating choice
        assertEquals("/app/answer/" + id + "/page/4", location(post(me, "/app/answer/" + id + "/page/3",
                "shown", "activity.1,activity.2,activity.3,activity.limits", "item:activity.1", "1",
                "item:activity.limits", "housework", "item:activity.limits", "social", "action", "next")));
        assertEquals(2, stored(id).getItem().stream().filter(i -> i.getLinkId().equals("activity")).findFirst().orElseThrow()
                .getItem().stream().filter(i -> i.getLinkId().equals("activity.limits")).findFirst().orElseThrow().getAnswer().size());

        // enableWhen: "yes" opens the follow-up question on the same page, evaluated on the server
        // (rendered hidden with its condition for enable-when.js; not in "shown", so without JavaScript the server path
        // below is the one a person takes)
        Reply painPage = page(me, "/app/answer/" + id + "/page/4");
        assertTrue(painPage.body().contains("<div class=\"enable-when\" hidden data-enable-when=\"[{&#34;question&#34;:&#34;pain.any&#34;,"
                + "&#34;operator&#34;:&#34;=&#34;,&#34;type&#34;:&#34;boolean&#34;,&#34;answer&#34;:&#34;true&#34;}]\" data-enable-behavior=\"all\">"),
                painPage.body());
        assertTrue(painPage.body().contains("<script src=\"/assets/enable-when.js\" defer></script>"));
        assertTrue(painPage.body().contains("aria-live=\"polite\" data-opened=\"" + Messages.get("en", "app.answer.added") + "\""));
        assertTrue(painPage.body().contains("name=\"shown\" value=\"pain.any\""), "only the enabled question is shown");
        assertFalse(page(me, "/app/answer/" + id + "/page/3").body().contains("enable-when"), "the script only where it has work");
        assertEquals("/app/answer/" + id + "/page/4?added=1", location(post(me, "/app/answer/" + id + "/page/4",
                "shown", "pain.any", "item:pain.any", "true", "item:pain.interference", "3", "action", "next")));
        assertFalse(has(stored(id), "pain.interference"), "an answer to a question that was not shown is not taken");
        Reply opened = page(me, "/app/answer/" + id + "/page/4?added=1");
        assertTrue(opened.body().contains("<div class=\"enable-when\" data-enable-when="), "now enabled: not hidden");
        assertTrue(opened.body().contains("name=\"shown\" value=\"pain.any,pain.interference\""));
        assertTrue(opened.body().contains(Messages.get("en", "app.answer.added")));

        // server-side validation: the required follow-up left empty → 422, error summary, answers kept
        Reply invalid = post(me, "/app/answer/" + id + "/page/4", "shown", "pain.any,pain.interference", "item:pain.any", "true",
                "action", "next");
        assertEquals(422, invalid.status());
        assertTrue(invalid.body().contains("class=\"error-summary\""));
        assertTrue(invalid.body().contains("href=\"#q-pain_interference-0\""));
        assertTrue(invalid.body().contains("<title>Error: "));
        assertTrue(invalid.body().contains("value=\"true\" checked"), "the answer given is kept");
        assertFalse(has(stored(id), "pain.interference"));

        assertEquals("/app/answer/" + id + "/page/5", location(post(me, "/app/answer/" + id + "/page/4",
                "shown", "pain.any,pain.interference", "item:pain.any", "true", "item:pain.interference", "3", "action", "next")));
        assertTrue(has(stored(id), "pain.interference"));
        // going back and answering "no" drops the hidden question's answer
        assertEquals("/app/answer/" + id + "/page/5", location(post(me, "/app/answer/" + id + "/page/4",
                "shown", "pain.any,pain.interference", "item:pain.any", "false", "item:pain.interference", "3", "action", "next")));
        assertFalse(has(stored(id), "pain.interference"), "answers of disabled questions are dropped");
        assertEquals("/app/answer/" + id + "/review", location(post(me, "/app/answer/" + id + "/page/5",
                "shown", "comment", "item:comment", "Demo comment", "action", "next")));

        Reply review = page(me, "/app/answer/" + id + "/review");
        assertEquals(200, review.status());
        assertTrue(review.body().contains("Demo comment"));
        assertTrue(review.body().contains("href=\"/app/answer/" + id + "/page/4?review=1#q-pain_any\""), "change links");
        assertTrue(review.body().contains("Housework") && review.body().contains(">No<"));

        // someone else's response id or task id: the same 404 page as an unknown id; nothing changes
        FhirTestClient other = anonymous.as(tokens.patient("someone-" + UUID.randomUUID()));
        Reply unknown = page(other, "/app/answer/" + UUID.randomUUID());
        assertEquals(404, unknown.status());
        for (String path : new String[] {"/app/answer/" + id, "/app/answer/" + id + "/page/2", "/app/answer/" + id + "/review",
                "/app/answer/start?task=" + taskId}) {
            Reply refused = page(other, path);
            assertEquals(404, refused.status(), path);
            assertTrue(refused.header("Content-Type").startsWith("text/html"));
            assertEquals(title(unknown.body()), title(refused.body()), "the same page as an unknown id: " + path);
        }
        assertEquals(404, post(other, "/app/answer/" + id + "/page/5", "shown", "comment", "item:comment", "x").status());
        assertEquals(404, post(other, "/app/answer/" + id + "/send").status());
        assertEquals(404, post(other, "/app/answer/start?task=" + taskId, "shown", "sleep.1", "item:sleep.1", "1").status());
        // a cross-site post is refused before anything is stored
        assertEquals(403, postFrom("cross-site", me, "/app/answer/" + id + "/send").status());
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS, stored(id).getStatus());

        // send: completed, the invitation completed, and on to the results (the results part's page)
        assertEquals("/app/results/" + id + "?sent=1", location(post(me, "/app/answer/" + id + "/send")));
        QuestionnaireResponse completed = stored(id);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED, completed.getStatus());
        assertEquals("Demo comment", completed.getItem().stream().filter(i -> i.getLinkId().equals("comment")).findFirst()
                .orElseThrow().getAnswerFirstRep().getValueStringType().getValue());
        assertEquals("completed", invitationColumn("status", taskId));
        assertEquals(id, invitationColumn("response_id", taskId));
        assertEquals("/app/results/" + id, location(page(me, "/app/answer/" + id + "/page/1")), "a sent answer is not reopened");
        assertEquals(409, page(me, "/app/answer/start?task=" + taskId).status());
        assertFalse(page(me, "/app").body().contains(taskId), "no longer waiting");
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path LIKE ? AND http_status = 303",
                "/app/answer/" + id + "%") >= 5, "the pages are in the audit trail");
    }

    @Test
    void invalidAnswersAndUnansweredRequiredQuestionsAreSaidOnThePage() {
        FhirTestClient me = anonymous.as(tokens.patient(patient));
        String taskId = invite(patient, PROM).getIdElement().getIdPart();
        Reply invalid = post(me, "/app/answer/start?task=" + taskId, "shown", "sleep.1,sleep.2,sleep.3", "item:sleep.1", "9",
                "action", "next");
        assertEquals(422, invalid.status(), "an answer that is not one of the options");
        assertTrue(invalid.body().contains(Messages.get("en", "feedback.error.invalidOption.inline")));
        assertNull(Db.strings(dataSource, "SELECT draft_response_id FROM invitation WHERE id = ?", taskId).get(0), "nothing stored");

        String id = DRAFT.matcher(location(post(me, "/app/answer/start?task=" + taskId, "shown", "sleep.1,sleep.2,sleep.3",
                "item:sleep.1", "1", "action", "next"))).results().findFirst().orElseThrow().group(1);
        // straight to sending: the required pain question is missing → the review with the error, 422, nothing sent
        Reply review = post(me, "/app/answer/" + id + "/send");
        assertEquals(422, review.status());
        assertTrue(review.body().contains("href=\"#review-q-pain_any\""), review.body());
        assertTrue(review.body().contains(Messages.get("en", "app.answer.review.unanswered")));
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS, stored(id).getStatus());
        assertEquals("ready", invitationColumn("status", taskId));
        assertEquals(404, page(me, "/app/answer/" + id + "/page/9").status(), "no such page");
    }

    @Test
    void guardianAnswersForTheChildAsRelatedPerson() {
        String child = "child-" + UUID.randomUUID().toString().substring(0, 8);
        FhirTestClient guardian = anonymous.as(tokens.guardian(child));
        String taskId = invite(child, CHILD).getIdElement().getIdPart();
        Reply home = page(guardian, "/app");
        assertTrue(home.body().contains("Answering for " + child), "the only child is chosen; whose questionnaires is shown");
        assertTrue(home.body().contains("/app/results?patient=" + child));

        Reply first = page(guardian, "/app/answer/start?task=" + taskId);
        assertEquals(200, first.status());
        assertTrue(first.body().contains("Answering for " + child));
        assertTrue(first.body().contains("Page 1 of 4"), "young children: one question per page");
        assertTrue(first.body().contains("class=\"child\""));
        String id = DRAFT.matcher("").reset(location(post(guardian, "/app/answer/start?task=" + taskId, "shown", "week.school",
                "item:week.school", "3", "action", "next"))).results().findFirst().orElseThrow().group(1);
        QuestionnaireResponse draft = stored(id);
        assertTrue(ResponseAuthors.isProxy(draft), "proxy report");
        assertEquals("#answerer", draft.getSource().getReference());
        RelatedPerson answerer = (RelatedPerson) draft.getContained().get(0);
        assertEquals("guardian-" + child, answerer.getIdentifierFirstRep().getValue(), "the guardian's token subject");
        assertEquals(ResponseAuthors.SUBJECT_SYSTEM, answerer.getIdentifierFirstRep().getSystem());
        assertEquals("Patient/" + child, answerer.getPatient().getReference());
        assertTrue(page(guardian, "/app/answer/" + id + "/page/2").body().contains("Answering for " + child));

        // a guardian of another child cannot see this one
        FhirTestClient otherGuardian = anonymous.as(tokens.guardian("other-" + UUID.randomUUID()));
        assertEquals(404, page(otherGuardian, "/app/answer/" + id).status());
        assertEquals(404, page(otherGuardian, "/app?patient=" + child).status());
    }

    @Test
    void theFhirApiRecordsWhoAnsweredFromTheCaller() {
        FhirTestClient me = anonymous.as(tokens.patient(patient));
        org.hl7.fhir.r4.model.Questionnaire prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom")
                .resource(org.hl7.fhir.r4.model.Questionnaire.class);
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(false))
                .build("in-progress", "Patient/" + patient);
        Reply created = me.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, created.status(), created.body());
        assertEquals("Patient/" + patient, created.resource(QuestionnaireResponse.class).getAuthor().getReference());

        response.setAuthor(new Reference("Patient/someone-else"));
        assertTrue(me.post("/fhir/QuestionnaireResponse", response).outcome(422).contains("author"));
        response.setAuthor(null).setSource(new Reference("Practitioner/x"));
        assertTrue(me.post("/fhir/QuestionnaireResponse", response).outcome(422).contains("source"));

        String child = "child-" + UUID.randomUUID().toString().substring(0, 8);
        QuestionnaireResponse proxy = ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(false))
                .build("in-progress", "Patient/" + child);
        Reply byGuardian = anonymous.as(tokens.guardian(child)).post("/fhir/QuestionnaireResponse", proxy);
        assertEquals(201, byGuardian.status(), byGuardian.body());
        QuestionnaireResponse stored = byGuardian.resource(QuestionnaireResponse.class);
        assertEquals("#answerer", stored.getAuthor().getReference());
        assertEquals("guardian-" + child, ((RelatedPerson) stored.getContained().get(0)).getIdentifierFirstRep().getValue());

        // an EHR integration records who answered itself
        QuestionnaireResponse fromEhr = ResponseBuilder.answering(prom).answer("pain.any", new BooleanType(false))
                .build("in-progress", "Patient/" + patient);
        fromEhr.setAuthor(new Reference("Practitioner/nurse-1"));
        Reply ehr = anonymous.as(tokens.system("ehr", "system/QuestionnaireResponse.crus")).post("/fhir/QuestionnaireResponse", fromEhr);
        assertEquals(201, ehr.status(), ehr.body());
        assertEquals("Practitioner/nurse-1", ehr.resource(QuestionnaireResponse.class).getAuthor().getReference());
    }

    @Test
    void invitationLinkInABrowserSavesResumesSendsOnceAndSaysItWasUsed() {
        Task task = invite(patient, PROM);
        String taskId = task.getIdElement().getIdPart();
        String link = "/invitation/" + token(task);

        // FHIR clients keep the JSON
        Reply json = anonymous.send(HttpRequest.newBuilder(anonymous.uri(link)).GET().header("Accept", "application/fhir+json"));
        assertEquals(200, json.status());
        assertTrue(json.header("Content-Type").startsWith("application/fhir+json"));
        assertTrue(json.body().contains("\"resourceType\":\"Questionnaire\""));

        Reply first = page(anonymous, link);
        assertEquals(200, first.status());
        assertTrue(first.header("Content-Type").startsWith("text/html"));
        assertTrue(first.body().contains("action=\"" + link + "/page/1\""));
        assertEquals(link + "/page/2", location(post(anonymous, link + "/page/1", "shown", "sleep.1,sleep.2,sleep.3",
                "item:sleep.1", "2", "action", "next")));
        String draftId = invitationColumn("draft_response_id", taskId);
        assertNotNull(draftId);
        assertEquals("Patient/" + patient, stored(draftId).getAuthor().getReference());
        // resumed through the same link (a new browser: nothing but the link)
        assertEquals(link + "/page/2", location(page(anonymous, link)));
        assertEquals(link + "/page/3", location(post(anonymous, link + "/page/2", "shown", "mood.1,mood.2,mood.3,mood.4",
                "item:mood.1", "1")));
        assertEquals(link + "/page/4", location(post(anonymous, link + "/page/3",
                "shown", "activity.1,activity.2,activity.3,activity.limits", "item:activity.1", "1")));
        assertEquals(link + "/page/5", location(post(anonymous, link + "/page/4", "shown", "pain.any", "item:pain.any", "false")));
        assertEquals(link + "/review", location(post(anonymous, link + "/page/5", "shown", "comment")));
        assertEquals(200, page(anonymous, link + "/review").status());
        assertEquals(403, postFrom("cross-site", anonymous, link + "/send").status());
        assertNull(Db.strings(dataSource, "SELECT used_at FROM invitation WHERE id = ?", taskId).get(0));

        assertEquals(link + "/sent", location(post(anonymous, link + "/send")));
        assertEquals(200, page(anonymous, link + "/sent").status());
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED, stored(draftId).getStatus());
        assertEquals(draftId, invitationColumn("response_id", taskId));
        assertEquals("completed", invitationColumn("status", taskId));

        // used: a page in the person's language, and the FHIR answer as before
        Reply used = page(anonymous, link);
        assertEquals(403, used.status());
        assertTrue(used.body().contains(Messages.get("en", "app.answer.link.used.title")));
        assertEquals(403, post(anonymous, link + "/page/1", "shown", "sleep.1", "item:sleep.1", "1").status());
        anonymous.get(link).outcome(403);

        // expired
        Task late = invite(patient, PROM);
        Db.update(dataSource, "UPDATE invitation SET expires_at = ? WHERE id = ?",
                java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(60)), late.getIdElement().getIdPart());
        Reply expired = page(anonymous, "/invitation/" + token(late));
        assertEquals(403, expired.status());
        assertTrue(expired.body().contains(Messages.get("en", "app.answer.link.expired.title")));
        assertEquals(404, page(anonymous, "/invitation/" + "A".repeat(43)).status());
    }

    static String title(String html) {
        return html.substring(html.indexOf("<title>"), html.indexOf("</title>"));
    }
}
