package fi.vointi.feedback;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 cases 3 and 4, over HTTP against the real database. Anonymity by construction: an anonymous answer is
 * stored and audited the same with or without a token, on every path (FHIR with and without token, trailing slash,
 * the feedback form, a unit's FHIR link, a kiosk): no agent, no address, the hour only. Flooding: one rate limit that
 * no path variant, token or role escapes; {@code authored} is the time of receipt; the unit must collect feedback.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.rate-limit-submissions", value = "8")
@Property(name = "vointi.feedback.rate-limit-window", value = "1h")
class AnonymousAnsweringTest {
    private static final String UNIT_EXTENSION = "https://vointi.fi/fhir/StructureDefinition/service-unit";
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void anonymousAnswersAreTheSameWithOrWithoutATokenAndOneLimitHoldsOnEveryPath() {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        FhirTestClient patient = anonymous.as(tokens.patient("anon-test-patient"));
        FhirTestClient ehr = anonymous.as(tokens.system("anon-test-ehr", "system/QuestionnaireResponse.crus"));
        FhirTestClient manager = anonymous.as(tokens.unitManager("demo-county"));
        String unit = FeedbackUnitsFixture.unit(dataSource, true, true);
        String disabled = FeedbackUnitsFixture.unit(dataSource, true, false);
        Questionnaire adult = anonymous.get("/feedback/" + unit + "/Questionnaire?audience=adult").resource(Questionnaire.class);

        // the unit must collect feedback: not an unknown one, not the county node, not one with feedback off, not none
        for (String bad : List.of("Organization/no-such-unit", "Organization/demo-county", "Organization/" + disabled)) {
            assertTrue(anonymous.post("/fhir/QuestionnaireResponse", answer(adult, bad)).outcome(422).contains("service-unit"), bad);
        }
        anonymous.post("/fhir/QuestionnaireResponse", answer(adult, null)).outcome(422);
        assertEquals(0, stored(unit) + stored(disabled) + Db.count(dataSource,
                "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref IN ('Organization/no-such-unit', 'Organization/demo-county')"));

        // authored is the time of receipt, whatever the client says (2024, 2030) and whoever sends it
        Instant before = Instant.now().truncatedTo(ChronoUnit.HOURS);
        for (FhirTestClient client : List.of(anonymous, patient)) {
            for (String year : List.of("2024-03-01T10:00:00Z", "2030-01-01T10:00:00Z")) {
                QuestionnaireResponse dated = answer(adult, "Organization/" + unit);
                dated.setAuthoredElement(new DateTimeType(year));
                Reply reply = client.post("/fhir/QuestionnaireResponse", dated);
                assertEquals(201, reply.status(), reply.body());
                Instant authored = reply.resource(QuestionnaireResponse.class).getAuthored().toInstant();
                assertTrue(!authored.isBefore(before) && authored.isBefore(Instant.now()), authored + " for " + year);
            }
        }
        // 4 of 8 used. Every other path, with and without a token, counts against the same bucket of 127.0.0.1
        assertEquals(201, status(ehr.post("/fhir/QuestionnaireResponse/", answer(adult, "Organization/" + unit))), "trailing slash");
        assertEquals(201, status(patient.post("/feedback/" + unit + "/QuestionnaireResponse?channel=kiosk", answer(adult, null))));
        assertEquals(303, form(patient, unit, "Bearer " + tokens.patient("anon-test-patient")).status(), "form with a token");
        assertEquals(303, form(anonymous, unit, null).status(), "form without");
        // 8 of 8: nothing more gets through, on any path, with any token or role
        assertTrue(anonymous.post("/fhir/QuestionnaireResponse", answer(adult, "Organization/" + unit)).outcome(429).contains("Too many"));
        for (FhirTestClient client : List.of(patient, ehr, manager, anonymous.as(tokens.admin()))) {
            for (String path : List.of("/fhir/QuestionnaireResponse", "/fhir/QuestionnaireResponse/", "/feedback/" + unit + "/QuestionnaireResponse")) {
                Reply refused = client.post(path, answer(adult, path.startsWith("/fhir") ? "Organization/" + unit : null));
                assertTrue(refused.status() == 429 || refused.status() == 404 || refused.status() == 403, path + " " + refused.status());
                if (refused.status() == 429) {
                    assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
                }
            }
        }
        for (String variant : List.of("/fhir/questionnaireresponse", "/FHIR/QuestionnaireResponse", "/fhir/QuestionnaireResponse//",
                "/fhir/QuestionnaireResponse?x=1")) {
            Reply refused = ehr.post(variant, answer(adult, "Organization/" + unit));
            assertTrue(refused.status() >= 400 && refused.status() < 500, variant + " " + refused.status());
        }
        Reply page = form(anonymous, unit, null);
        assertEquals(429, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html") && page.header("Retry-After") != null);
        assertEquals(8, stored(unit), "exactly the limit was stored");

        // anonymity: the stored answers and their audit rows carry nothing of who sent them, token or not
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND ("
                + "subject_id IS NOT NULL OR resource_json LIKE '%anon-test%' OR resource_json LIKE '%127.0.0.1%')", "Organization/" + unit));
        List<String> answered = Db.strings(dataSource, "SELECT id FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unit);
        for (String id : answered) {
            assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE entities = ?", "QuestionnaireResponse/" + id), id);
        }
        List<String> rows = Db.strings(dataSource, "SELECT CONCAT(COALESCE(agent_id, '-'), '|', COALESCE(agent_client, '-'), '|',"
                + " COALESCE(agent_roles, '-'), '|', COALESCE(source_ip, '-')) FROM audit_event WHERE method = 'POST' AND http_status IN (201, 303, 422, 429)"
                + " AND (path LIKE '/fhir/QuestionnaireResponse%' OR path LIKE '/feedback/%')");
        // (requests that never reached an anonymous questionnaire, e.g. a 404 path variant, are audited as usual)
        assertTrue(rows.size() >= 8 + 5 + 12, "rows " + rows.size());
        assertEquals(List.of("-|-||-"), rows.stream().distinct().toList(), "every anonymous answer, refusals included, as without token");
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE method = 'POST' AND http_status IN (201, 303, 422, 429)"
                + " AND (path LIKE '/fhir/QuestionnaireResponse%' OR path LIKE '/feedback/%')"
                + " AND (EXTRACT(MINUTE FROM recorded) <> 0 OR EXTRACT(SECOND FROM recorded) <> 0)"), "the hour only");
        // what a manager reads is the same for both: the hour of receipt, no author, no source
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND"
                + " (resource_json LIKE '%\"author\"%' OR resource_json LIKE '%\"source\"%')", "Organization/" + unit));
    }

    private long stored(String unitId) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unitId);
    }

    private static int status(Reply reply) {
        return reply.status();
    }

    private static QuestionnaireResponse answer(Questionnaire survey, String unitRef) {
        QuestionnaireResponse response = ResponseBuilder.answering(survey).answerAllRequired()
                .answer("recommendation", new IntegerType(9)).build("completed", null);
        if (unitRef != null) {
            response.addExtension(UNIT_EXTENSION, new Reference(unitRef));
        }
        return response;
    }

    private static Reply form(FhirTestClient client, String unit, String authorization) {
        String body = Map.of("audience", "adult", "lang", "en", "item:recommendation", "9").entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri("/feedback/" + unit + "/answer"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/x-www-form-urlencoded");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request);
    }
}
