package fi.vointi.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The results pages over HTTP with bearer tokens (the same Caller as a signed-in session): scores equal to the stored
 * Observations, change and reliable-change marks, chart and table, self and proxy apart, sharing and withdrawing
 * changing what a clinician reads over FHIR, the anonymous usability check, and other people's ids as 404 pages.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.scoring.minimal-important-difference.demo-wellbeing-prom.total", value = "5")
public class ResultsPagesTest {
    static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom|1.2.0";
    public static final String UNIT = "demo-unit-pain-clinic";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;

    public static QuestionnaireResponse prom(String patient, String authored, Map<String, Integer> answers) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setQuestionnaire(PROM);
        r.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        r.setSubject(new Reference("Patient/" + patient));
        r.setAuthoredElement(new DateTimeType(authored));
        for (String group : List.of("sleep", "mood", "activity")) {
            QuestionnaireResponseItemComponent g = new QuestionnaireResponseItemComponent().setLinkId(group);
            answers.forEach((linkId, value) -> {
                if (linkId.startsWith(group + ".")) {
                    g.addItem().setLinkId(linkId).addAnswer()
                            .setValue(new Coding("https://vointi.fi/fhir/CodeSystem/frequency-5", Integer.toString(value), null));
                }
            });
            if (g.hasItem()) {
                r.addItem(g);
            }
        }
        r.addItem().setLinkId("pain").addItem().setLinkId("pain.any").addAnswer()
                .setValue(new org.hl7.fhir.r4.model.BooleanType(false));
        r.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + UNIT));
        return r;
    }

    public static Map<String, Integer> all(int value) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (String id : List.of("sleep.1", "sleep.2", "sleep.3", "mood.1", "mood.2", "mood.3", "mood.4", "activity.1",
                "activity.2", "activity.3")) {
            map.put(id, value);
        }
        return map;
    }

    String store(FhirTestClient client, QuestionnaireResponse response) {
        Reply reply = client.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    Reply page(FhirTestClient client, String path) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).GET().header("Accept", "text/html"));
    }

    Reply form(FhirTestClient client, String path, String body) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .header("Origin", "http://localhost:" + server.getPort()).header("Sec-Fetch-Site", "same-origin"));
    }

    static Observation total(FhirTestClient client, String responseId) {
        Reply reply = client.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId
                + "&code=demo-wellbeing-prom.total");
        assertEquals(200, reply.status(), reply.body());
        return (Observation) reply.resource(Bundle.class).getEntryFirstRep().getResource();
    }

    @Test
    void resultsSharingAndUsability() throws Exception {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        String patient = "results-" + UUID.randomUUID();
        FhirTestClient asPatient = anonymous.as(tokens.patient(patient));
        // self-reports: 21 (moderate) → 12 (mild) → 28 (moderate); MID 5
        Map<String, Integer> first = all(2);
        first.put("mood.3", 1); // 2*9 + (4 - 1) = 21
        // answers given on those dates, brought by a history import (only such a backend client dates answers itself)
        FhirTestClient importer = anonymous.as(tokens.system("history-import", "system/QuestionnaireResponse.c"));
        String r1 = store(importer, prom(patient, "2026-01-15T10:00:00+02:00", first));
        String r2 = store(importer, prom(patient, "2026-02-15T10:00:00+02:00", all(1))); // 9 + 3 = 12
        String r3 = store(importer, prom(patient, "2026-03-15T10:00:00+02:00", all(3))); // 27 + 1 = 28
        // a proxy report by a guardian (the server records a contained RelatedPerson as author): its own series
        QuestionnaireResponse proxy = prom(patient, "2026-03-20T10:00:00+02:00", all(4)); // 36 + 0 = 36
        String r4 = store(anonymous.as(tokens.guardian(patient)), proxy);

        // the score series API keeps them apart too
        JsonNode self = JSON.readTree(asPatient.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total").body());
        assertEquals("self", self.get("reporter").asText());
        assertEquals(3, self.get("points").size());
        JsonNode byProxy = JSON.readTree(asPatient.getJson("/api/patients/" + patient
                + "/scores?code=demo-wellbeing-prom.total&reporter=proxy").body());
        assertEquals(1, byProxy.get("points").size());
        assertEquals("QuestionnaireResponse/" + r4 + "/_history/1", byProxy.get("points").get(0).get("derivedFrom").asText());
        assertEquals(400, asPatient.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total&reporter=both").status());
        Reference performer = total(asPatient, r4).getPerformerFirstRep();
        assertEquals("RelatedPerson", performer.getType());
        assertEquals("guardian-" + patient, performer.getIdentifier().getValue(), "the guardian's token subject");

        // My results, in English
        Reply results = page(asPatient, "/app/results?lang=en");
        assertEquals(200, results.status(), results.body());
        assertTrue(results.header("Content-Type").startsWith("text/html"));
        String html = results.body();
        assertEquals(28, total(asPatient, r3).getValueQuantity().getValue().intValue());
        assertTrue(html.contains("<strong class=\"score-value\">28</strong>"), "latest total equals the stored Observation");
        assertTrue(html.contains("+7 (a clear change)"), "28 − 21 from the first, at least the MID 5");
        assertTrue(html.contains("+16 (a clear change)"), "28 − 12 from the previous");
        assertTrue(html.contains("−9 (a clear change)") || html.contains("-9 (a clear change)"), "12 − 21 in the table");
        assertTrue(html.contains("(cannot be judged)"), "domains have no MID nor SE: not judged");
        assertTrue(html.contains("Moderate difficulty (demo)"), "band of 28, in the page language (demo PROM 1.2.0)");
        assertTrue(html.contains("on a scale from 0 to 40"), "explanation from the rule's range");
        assertTrue(html.contains("<svg class=\"chart\"") && html.contains("role=\"img\"") && html.contains("<title id="), "chart");
        assertTrue(html.contains("<table class=\"score-table\">"), "the same figures as a table");
        assertFalse(html.contains("style="), "no inline style: the CSP allows none");
        assertTrue(html.contains("Answered by you") && html.contains("Answered by your guardian"), "self and proxy apart");
        int proxySection = html.indexOf("Answered by your guardian");
        assertTrue(html.indexOf("<strong class=\"score-value\">36</strong>") > proxySection, "36 only in the proxy section");
        assertFalse(html.substring(0, proxySection).contains(">36<"), "36 never in the self-report series");

        // one answer, right after sending: the explicit sharing question
        Reply sent = page(asPatient, "/app/results/" + r3 + "?sent=1&lang=en");
        assertEquals(200, sent.status(), sent.body());
        assertTrue(sent.body().contains("Send these results to the care team at"), sent.body());
        assertTrue(sent.body().contains("Answered by you"));
        FhirTestClient clinician = anonymous.as(tokens.clinician(UNIT));
        assertEquals(404, clinician.get("/fhir/QuestionnaireResponse/" + r3).status(), "not shared yet");

        Reply shared = form(asPatient, "/app/results/" + r3 + "/sharing", "lang=en&sent=1&decision=share");
        assertEquals(303, shared.status(), shared.body());
        String next = shared.header("Location");
        assertTrue(next.startsWith("/app/results/" + r3) && next.contains("decided=share") && next.contains("sent=1"), next);
        assertEquals(200, clinician.get("/fhir/QuestionnaireResponse/" + r3).status(), "shared: the clinician reads it");
        Reply after = page(asPatient, next);
        assertTrue(after.body().contains("Sent to the care team at"), after.body());
        assertTrue(after.body().contains("Shared with"), "when and with whom");
        assertTrue(after.body().contains("action=\"/app/usability\""), "then the optional usability check");
        assertTrue(after.body().contains("Vointi was easy to use."));
        assertFalse(after.body().contains("Send these results to the care team at"), "asked once");

        // usability: anonymous, with the unit and the hour only; skipping stores nothing
        long before = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE questionnaire_url = ?",
                "https://vointi.fi/fhir/Questionnaire/demo-usability-check");
        String submission = after.body().replaceAll("(?s).*name=\"submission\" value=\"([^\"]+)\".*", "$1");
        Reply skipped = form(asPatient, "/app/usability", "lang=en&return=%2Fapp%2Fresults%2F" + r3 + "&skip=1&submission=x");
        assertEquals(303, skipped.status());
        Reply answered = form(asPatient, "/app/usability", "lang=en&return=%2Fapp%2Fresults%2F" + r3 + "&unit=" + UNIT
                + "&submission=" + URLEncoder.encode(submission, StandardCharsets.UTF_8)
                + "&item%3Ausability.easy=6&item%3Ausability.clear=7");
        assertEquals(303, answered.status(), answered.body());
        assertTrue(answered.header("Location").startsWith("/app/results/" + r3 + "?"), answered.header("Location"));
        assertEquals(303, form(asPatient, "/app/usability", "lang=en&return=%2Fapp%2Fresults%2F" + r3 + "&unit=" + UNIT
                + "&submission=" + URLEncoder.encode(submission, StandardCharsets.UTF_8) + "&item%3Ausability.easy=6").status());
        assertEquals(before + 1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE questionnaire_url = ?",
                "https://vointi.fi/fhir/Questionnaire/demo-usability-check"), "one stored: skip stores none, a resent form none");
        assertEquals(before + 1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE questionnaire_url = ?"
                + " AND subject_id IS NULL AND unit_ref = ?", "https://vointi.fi/fhir/Questionnaire/demo-usability-check",
                "Organization/" + UNIT));
        assertEquals(422, form(asPatient, "/app/usability", "lang=en&item%3Ausability.easy=9").status());
        // the unit's manager can read it (anonymous feedback of their unit): what the metrics report
        Reply managed = anonymous.as(tokens.unitManager(UNIT)).get("/fhir/QuestionnaireResponse?questionnaire="
                + "https://vointi.fi/fhir/Questionnaire/demo-usability-check&_count=200");
        assertEquals(200, managed.status(), managed.body());
        assertFalse(managed.body().contains(patient), "nothing of the person in the stored answer");
        assertFalse(managed.body().contains("\"subject\""));
        long deadline = System.currentTimeMillis() + 10_000;
        while (Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path = '/app/usability'") < 3
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path = '/app/usability'") >= 3);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path = '/app/usability'"
                + " AND (agent_id IS NOT NULL OR source_ip IS NOT NULL)"), "no agent, no address");

        // withdraw from the answer's page later: the clinician can no longer read it
        Reply withdrawn = form(asPatient, "/app/results/" + r3 + "/sharing", "lang=en&decision=withdraw");
        assertEquals(303, withdrawn.status());
        assertEquals(404, clinician.get("/fhir/QuestionnaireResponse/" + r3).status(), "withdrawn: no longer readable");
        Reply state = page(asPatient, "/app/results/" + r3 + "?lang=en");
        assertTrue(state.body().contains("withdrawn on"), state.body());
        assertTrue(state.body().contains("value=\"share\""), "can share again");
        assertTrue(page(asPatient, "/app/results?lang=en").body().contains("withdrawn on"), "My results shows it too");

        // someone else's ids and unknown ids: the same 404 page; a guardian sees only their child
        FhirTestClient stranger = anonymous.as(tokens.patient("results-other-" + UUID.randomUUID()));
        Reply foreign = page(stranger, "/app/results/" + r1 + "?lang=en");
        Reply unknown = page(stranger, "/app/results/no-such-response?lang=en");
        assertEquals(404, foreign.status());
        assertEquals(404, unknown.status());
        assertEquals(unknown.body().replace("no-such-response", "ID"), foreign.body().replace(r1, "ID"),
                "indistinguishable from an unknown id (the language links name the address asked)");
        assertEquals(404, page(stranger, "/app/results?patient=" + patient + "&lang=en").status());
        assertEquals(404, form(stranger, "/app/results/" + r1 + "/sharing", "lang=en&decision=share").status());
        assertEquals(404, page(clinician, "/app/results/" + r1 + "?lang=en").status(), "staff do not use the patient pages");

        FhirTestClient guardian = anonymous.as(tokens.guardian(patient));
        Reply child = page(guardian, "/app/results?patient=" + patient + "&lang=en");
        assertEquals(200, child.status());
        assertTrue(child.body().contains("Answered by the child") && child.body().contains("Answered by the guardian"));
        assertEquals(200, page(guardian, "/app/results?lang=en").status(), "one child: that child's results");
        assertEquals(404, page(guardian, "/app/results?patient=results-not-mine&lang=en").status());
        assertEquals(200, page(guardian, "/app/results/" + r2 + "?lang=en").status());

        // anonymous: sign in first, then back here
        Reply signIn = page(anonymous, "/app/results/" + r2 + "?lang=en");
        assertEquals(303, signIn.status());
        assertEquals("/signin?return=" + URLEncoder.encode("/app/results/" + r2 + "?lang=en", StandardCharsets.UTF_8),
                signIn.header("Location"));
        // a cross-site post is refused before anything changes
        Reply forged = asPatient.send(HttpRequest.newBuilder(asPatient.uri("/app/results/" + r3 + "/sharing"))
                .POST(HttpRequest.BodyPublishers.ofString("decision=share")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").header("Sec-Fetch-Site", "cross-site").header("Origin", "https://evil.example"));
        assertEquals(403, forged.status());
        assertEquals(404, clinician.get("/fhir/QuestionnaireResponse/" + r3).status());
    }
}
