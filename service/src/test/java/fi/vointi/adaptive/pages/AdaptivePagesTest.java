package fi.vointi.adaptive.pages;

import fi.vointi.adaptive.AdaptiveBank;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adaptive-test pages over real HTTP with bearer tokens (a signed-in browser session resolves to the same Caller):
 * a whole run to the stopping rule with the score shown equal to the stored Observation, answers that cannot be
 * changed by sending an earlier form again, resuming in another session, and the refusals.
 */
@MicronautTest(transactional = false)
class AdaptivePagesTest {
    static final String BANK = "https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank";
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final Pattern QUESTION = Pattern.compile("name=\"question\" value=\"([^\"]+)\"");
    static final Pattern OPTION = Pattern.compile("type=\"radio\" id=\"[^\"]+\" name=\"item:([^\"]+)\" value=\"([^\"]+)\"");

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;

    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient clinician;
    String patientId;
    String patientToken;
    String unit;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        unit = "unit-" + UUID.randomUUID();
        clinician = anonymous.as(tokens.clinician(unit));
        patientId = "cat-" + UUID.randomUUID();
        patientToken = tokens.patient(patientId);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    String invite(String patient) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patient));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(BANK));
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        Reply reply = clinician.post("/fhir/Task", task);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(Task.class).getIdElement().getIdPart();
    }

    Reply page(String token, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(anonymous.uri(path)).GET().header("Accept", "text/html");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return (token == null ? anonymous : anonymous.as(token)).send(request);
    }

    Reply form(String token, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(anonymous.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return (token == null ? anonymous : anonymous.as(token)).send(request);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Starts the test from the invitation and returns the response id. */
    String start(String token, String taskId) {
        Reply started = form(token, "/app/adaptive/start", "task=" + enc(taskId) + "&lang=en");
        assertEquals(303, started.status(), started.body());
        String location = started.header("Location");
        assertTrue(location.startsWith("/app/adaptive/"), location);
        return location.substring("/app/adaptive/".length());
    }

    record Shown(String html, String linkId, List<String> options, int number) {
    }

    Shown current(String token, String responseId) {
        Reply reply = page(token, "/app/adaptive/" + responseId + "?lang=en");
        assertEquals(200, reply.status(), reply.body());
        return shown(reply.body());
    }

    static Shown shown(String html) {
        Matcher question = QUESTION.matcher(html);
        assertTrue(question.find(), "a question is shown: " + html);
        String linkId = question.group(1);
        List<String> options = new ArrayList<>();
        Matcher option = OPTION.matcher(html);
        while (option.find()) {
            assertEquals(linkId, option.group(1), "one question per page");
            options.add(option.group(2));
        }
        Matcher number = Pattern.compile("<h2 class=\"cat-progress\">Question (\\d+)</h2>").matcher(html);
        assertTrue(number.find(), "'Question n' is shown");
        return new Shown(html, linkId, options, Integer.parseInt(number.group(1)));
    }

    Reply answer(String token, String responseId, String linkId, String value) {
        return form(token, "/app/adaptive/" + responseId, "lang=en&question=" + enc(linkId) + "&" + enc("item:" + linkId)
                + "=" + enc(value));
    }

    QuestionnaireResponse stored(String responseId) {
        return stored(responseId, patientToken);
    }

    QuestionnaireResponse stored(String responseId, String token) {
        Reply reply = anonymous.as(token).get("/fhir/QuestionnaireResponse/" + responseId);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class);
    }

    static String codeOf(QuestionnaireResponse response, String linkId) {
        return response.getItem().stream().filter(i -> i.getLinkId().equals(linkId)).findFirst().orElseThrow()
                .getAnswerFirstRep().getValueCoding().getCode();
    }

    // ---- tests -------------------------------------------------------------------------------------

    @Test
    void aRunReachesTheStoppingRuleAndShowsTheStoredScore() {
        String taskId = invite(patientId);

        Reply invitation = page(patientToken, "/app/adaptive/start?task=" + taskId + "&lang=en");
        assertEquals(200, invitation.status(), invitation.body());
        assertTrue(invitation.body().contains("Everyday energy – adaptive questionnaire (Vointi demo)"), invitation.body());
        assertTrue(invitation.body().contains("You are answering for yourself."));
        assertTrue(invitation.body().contains("There are usually 4–12 questions."), "the design's length, not a total");
        String responseId = start(patientToken, taskId);
        assertEquals(responseId, start(patientToken, taskId), "starting again resumes the same response");
        QuestionnaireResponse started = stored(responseId);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS, started.getStatus());
        assertEquals(BANK + "|1.1.0", started.getQuestionnaire());
        assertEquals("Patient/" + patientId, started.getSubject().getReference());
        assertEquals("Patient/" + patientId, started.getAuthor().getReference(), "self-report");
        assertEquals(List.of(responseId), Db.strings(dataSource, "SELECT draft_response_id FROM invitation WHERE id = ?", taskId),
                "the draft is recorded with the invitation, as for a fixed questionnaire");

        Random random = new Random(3);
        List<String> asked = new ArrayList<>();
        String location = null;
        for (int n = 1; n <= 40 && location == null; n++) {
            Shown shown = current(patientToken, responseId);
            assertEquals(n, shown.number(), "Question n, counting the answers");
            assertFalse(shown.html().contains("Question " + n + " /") || shown.html().contains(" of 12"), "no total");
            assertFalse(shown.html().toLowerCase().contains(">back<"), "no Back button");
            assertEquals(5, shown.options().size());
            assertFalse(asked.contains(shown.linkId()), "never the same item twice");
            asked.add(shown.linkId());
            // mostly the upper middle of the scale, so that precision is reached before the length cap
            String value = shown.options().get(Math.min(4, 2 + random.nextInt(2)));
            Reply sent = answer(patientToken, responseId, shown.linkId(), value);
            assertEquals(303, sent.status(), sent.body());
            if (sent.header("Location").startsWith("/app/results/")) {
                location = sent.header("Location");
            } else {
                assertEquals("/app/adaptive/" + responseId, sent.header("Location"));
                QuestionnaireResponse saved = stored(responseId);
                assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS, saved.getStatus(), "saved in progress");
                assertEquals(asked, saved.getItem().stream().map(i -> i.getLinkId()).toList(), "every answer saved, in order");
                assertEquals(value, codeOf(saved, shown.linkId()));
            }
        }
        assertEquals("/app/results/" + responseId + "?sent=1", location, "hand-over to the results page");
        assertTrue(asked.size() >= 4 && asked.size() <= 12, "the design's stopping rule, was " + asked.size());

        QuestionnaireResponse completed = stored(responseId);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED, completed.getStatus());
        assertEquals(BANK + "|1.1.0", completed.getQuestionnaire(), "pointed at the bank, as for an API client");
        assertFalse(completed.hasContained(), "the working copy is not stored");
        assertEquals(asked, completed.getItem().stream().map(i -> i.getLinkId()).toList());
        Extension estimate = completed.getExtensionByUrl(AdaptiveBank.CAT_ESTIMATE);
        String stopReason = estimate.getExtensionByUrl("stopReason").getValue().primitiveValue();
        assertTrue(stopReason.equals("standard-error") || stopReason.equals("max-items"), stopReason);

        Bundle found = anonymous.as(patientToken).get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId)
                .resource(Bundle.class);
        Observation observation = (Observation) found.getEntry().stream().map(e -> e.getResource())
                .filter(r -> ((Observation) r).getCode().getCodingFirstRep().getCode().endsWith(".cat")).findFirst().orElseThrow();
        BigDecimal tScore = observation.getValueQuantity().getValue();
        BigDecimal se = ((Quantity) observation.getComponent().stream()
                .filter(c -> c.getCode().getCodingFirstRep().getCode().equals("standard-error")).findFirst().orElseThrow()
                .getValue()).getValue();
        assertEquals(0, tScore.compareTo(((DecimalType) estimate.getExtensionByUrl("score").getValue()).getValue()
                .setScale(tScore.scale(), java.math.RoundingMode.HALF_UP)), "the Observation carries the response's estimate");

        Reply finished = page(patientToken, "/app/adaptive/" + responseId + "?lang=en");
        assertEquals(200, finished.status());
        assertEquals(tScore.toPlainString(), between(finished.body(), "<strong id=\"cat-score\">", "</strong>"),
                "the T-score shown is the stored Observation's");
        assertEquals(se.toPlainString(), between(finished.body(), "<span id=\"cat-se\">", "</span>"));
        assertTrue(finished.body().contains("You answered " + asked.size() + " questions."));
        Reply finnish = page(patientToken, "/app/adaptive/" + responseId + "?lang=fi");
        assertEquals(tScore.toPlainString().replace('.', ','), between(finnish.body(), "<strong id=\"cat-score\">", "</strong>"),
                "decimal comma on a Finnish page");

        // a form of the finished test sent again changes nothing
        Reply again = answer(patientToken, responseId, asked.get(asked.size() - 1), "never");
        assertEquals(303, again.status());
        assertEquals("1", "" + anonymous.as(patientToken).get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId)
                .resource(Bundle.class).getEntry().size());
        assertEquals(completed.getMeta().getVersionId(), stored(responseId).getMeta().getVersionId());

        // the invitation is done: its Task completed with the response, the start page says so
        // read as the patient: Task.output names the response only to who may read it (not yet shared with the unit)
        Task task = anonymous.as(patientToken).get("/fhir/Task/" + taskId).resource(Task.class);
        assertEquals(Task.TaskStatus.COMPLETED, task.getStatus());
        assertEquals("QuestionnaireResponse/" + responseId, ((Reference) task.getOutputFirstRep().getValue()).getReference());
        Reply used = page(patientToken, "/app/adaptive/start?task=" + taskId + "&lang=en");
        assertEquals(200, used.status());
        assertTrue(used.body().contains("This invitation has already been answered."), used.body());
        assertTrue(used.body().contains("/app/results/" + responseId));
        Reply startAgain = form(patientToken, "/app/adaptive/start", "task=" + enc(taskId));
        assertEquals("/app/adaptive/start?task=" + taskId, startAgain.header("Location"), "no second response");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientId));
    }

    @Test
    void anEarlierAnswerSentAgainDoesNotChangeTheRecord() {
        String responseId = start(patientToken, invite(patientId));
        Shown first = current(patientToken, responseId);
        assertEquals(303, answer(patientToken, responseId, first.linkId(), first.options().get(1)).status());
        Shown second = current(patientToken, responseId);
        assertNotEquals(first.linkId(), second.linkId());
        assertEquals(2, second.number());
        assertEquals(303, answer(patientToken, responseId, second.linkId(), second.options().get(2)).status());
        QuestionnaireResponse before = stored(responseId);

        // Back to question 1 and send it with another answer, as a browser would re-post the old form
        Reply reposted = answer(patientToken, responseId, first.linkId(), first.options().get(4));
        assertEquals(303, reposted.status());
        assertEquals("/app/adaptive/" + responseId + "?answered=1", reposted.header("Location"));
        QuestionnaireResponse after = stored(responseId);
        assertEquals(before.getMeta().getVersionId(), after.getMeta().getVersionId(), "nothing written");
        assertEquals(first.options().get(1), codeOf(after, first.linkId()), "the recorded answer stands");
        Reply notice = page(patientToken, "/app/adaptive/" + responseId + "?answered=1&lang=en");
        assertTrue(notice.body().contains("That question had already been answered"), notice.body());
        assertEquals(3, shown(notice.body()).number(), "the current question is shown instead");

        // a form without an answer: the page says so in its language, and nothing is stored
        Reply empty = form(patientToken, "/app/adaptive/" + responseId, "lang=sv&question=" + enc(shown(notice.body()).linkId()));
        assertEquals(422, empty.status());
        assertTrue(empty.body().contains("Välj ett alternativ"), empty.body());
        assertTrue(empty.body().contains("class=\"error-summary\""));
        Reply foreign = answer(patientToken, responseId, shown(notice.body()).linkId(), "no-such-option");
        assertEquals(422, foreign.status());
        assertEquals(before.getMeta().getVersionId(), stored(responseId).getMeta().getVersionId());
    }

    @Test
    void anInterruptedTestResumesInAnotherSessionWhereItStopped() {
        String taskId = invite(patientId);
        String responseId = start(patientToken, taskId);
        for (int i = 0; i < 3; i++) {
            Shown shown = current(patientToken, responseId);
            assertEquals(303, answer(patientToken, responseId, shown.linkId(), shown.options().get(i)).status());
        }
        Shown beforeInterruption = current(patientToken, responseId);

        // another device: a new sign-in of the same person (a new token), from the invitation or the draft link
        String laterSession = tokens.issue("patient-" + patientId + "-phone", java.util.Map.of("roles", List.of("patient"),
                "patient", patientId));
        Reply invitation = page(laterSession, "/app/adaptive/start?task=" + taskId + "&lang=en");
        assertTrue(invitation.body().contains(">Continue the questionnaire</button>"), "the invitation offers to continue");
        assertEquals(responseId, start(laterSession, taskId), "the invitation leads to the draft");
        Shown resumed = current(laterSession, responseId);
        assertEquals(4, resumed.number());
        assertEquals(beforeInterruption.linkId(), resumed.linkId(), "the same question where it stopped");
        assertEquals(303, answer(laterSession, responseId, resumed.linkId(), resumed.options().get(0)).status());
        assertEquals(4, stored(responseId).getItem().size());
    }

    @Test
    void refusals() {
        String taskId = invite(patientId);
        String responseId = start(patientToken, taskId);

        // anonymous: to sign-in, and back here afterwards
        Reply anonymousStart = page(null, "/app/adaptive/start?task=" + taskId);
        assertEquals(303, anonymousStart.status());
        assertEquals("/signin?return=" + enc("/app/adaptive/start?task=" + taskId), anonymousStart.header("Location"));
        assertEquals("/app/adaptive/start?task=" + taskId,
                URLDecoder.decode(anonymousStart.header("Location").substring("/signin?return=".length()), StandardCharsets.UTF_8));
        Reply anonymousQuestion = page(null, "/app/adaptive/" + responseId);
        assertEquals(303, anonymousQuestion.status());
        assertEquals("/signin?return=" + enc("/app/adaptive/" + responseId), anonymousQuestion.header("Location"));
        Shown shown = current(patientToken, responseId);
        Reply anonymousAnswer = answer(null, responseId, shown.linkId(), shown.options().get(0));
        assertEquals(303, anonymousAnswer.status());
        assertTrue(anonymousAnswer.header("Location").startsWith("/signin?return="));

        // someone else's ids: the same 404 page as an unknown id
        String otherPatient = tokens.patient("cat-other-" + UUID.randomUUID());
        String unknownId = UUID.randomUUID().toString();
        Reply other = page(otherPatient, "/app/adaptive/" + responseId + "?lang=en");
        Reply unknown = page(otherPatient, "/app/adaptive/" + unknownId + "?lang=en");
        assertEquals(404, other.status());
        assertEquals(404, unknown.status());
        assertTrue(other.header("Content-Type").startsWith("text/html"));
        assertEquals(unknown.body().replace(unknownId, "ID"), other.body().replace(responseId, "ID"), "indistinguishable");
        assertEquals(404, page(otherPatient, "/app/adaptive/start?task=" + taskId).status());
        assertEquals(404, page(otherPatient, "/app/adaptive/start?task=" + UUID.randomUUID()).status());
        assertEquals(404, answer(otherPatient, responseId, shown.linkId(), shown.options().get(0)).status());
        assertEquals(404, form(otherPatient, "/app/adaptive/start", "task=" + enc(taskId)).status());
        assertEquals(404, page(tokens.clinician(unit), "/app/adaptive/" + responseId).status(),
                "a clinician sees only shared results, and not through the answering pages");
        // a fixed questionnaire's response is no adaptive test
        assertEquals(404, page(patientToken, "/app/adaptive/start").status(), "no invitation named");

        // a cross-site form post is refused before anything happens
        Reply forged = form(patientToken, "/app/adaptive/" + responseId, "lang=en&question=" + enc(shown.linkId()) + "&"
                + enc("item:" + shown.linkId()) + "=never", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example");
        assertEquals(403, forged.status());
        assertEquals(0, stored(responseId).getItem().size(), "nothing stored");

        // a guardian answering for a child always sees whose test it is
        String child = "cat-child-" + UUID.randomUUID();
        String guardian = tokens.guardian(child);
        String childTask = invite(child);
        Reply invitation = page(guardian, "/app/adaptive/start?task=" + childTask + "&lang=en");
        assertTrue(invitation.body().contains("You are answering for your child " + child + "."), invitation.body());
        String childResponse = start(guardian, childTask);
        Reply question = page(guardian, "/app/adaptive/" + childResponse + "?lang=en");
        assertTrue(question.body().contains("You are answering for your child " + child + "."));
        assertEquals(404, page(patientToken, "/app/adaptive/" + childResponse).status());
        assertEquals("#answerer", stored(childResponse, guardian).getAuthor().getReference(), "a proxy report");
    }

    static String between(String html, String before, String after) {
        int start = html.indexOf(before);
        assertTrue(start >= 0, "no " + before + " in " + html);
        int end = html.indexOf(after, start + before.length());
        return html.substring(start + before.length(), end);
    }
}
