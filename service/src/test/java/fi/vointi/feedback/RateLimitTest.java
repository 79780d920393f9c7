package fi.vointi.feedback;

import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flood from one address gets 429 with Retry-After, as an OperationOutcome or a friendly page, and stores nothing. */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.rate-limit-submissions", value = "3")
@Property(name = "vointi.feedback.rate-limit-window", value = "1h")
class RateLimitTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;

    @Test
    void aFloodFromOneAddressIsRefused() {
        FhirTestClient client = new FhirTestClient(server);
        String unit = FeedbackUnitsFixture.unit(dataSource, true, true);
        Questionnaire adult = client.get("/feedback/" + unit + "/Questionnaire").resource(Questionnaire.class);
        QuestionnaireResponse answer = ResponseBuilder.answering(adult).answerAllRequired()
                .answer("recommendation", new IntegerType(9)).build("completed", null);
        for (int i = 0; i < 3; i++) {
            assertEquals(201, client.post("/feedback/" + unit + "/QuestionnaireResponse", answer.copy()).status());
        }
        Reply refused = client.post("/feedback/" + unit + "/QuestionnaireResponse", answer.copy());
        assertTrue(refused.outcome(429).contains("Too many"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        // 3 per hour: the next token comes in about 20 minutes
        assertTrue(retryAfter > 1000 && retryAfter <= 1200, "Retry-After " + retryAfter);

        String form = Map.of("audience", "adult", "lang", "en", "item:recommendation", "9").entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        Reply page = client.send(HttpRequest.newBuilder(client.uri("/feedback/" + unit + "/answer"))
                .POST(HttpRequest.BodyPublishers.ofString(form)).header("Content-Type", "application/x-www-form-urlencoded"));
        assertEquals(429, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.body().contains(fi.vointi.web.Messages.get("en", "error.429.text")), page.body());
        assertTrue(page.header("Retry-After") != null);
        // reading the form is not limited
        assertEquals(200, client.send(HttpRequest.newBuilder(client.uri("/feedback/" + unit)).GET()).status());
        assertEquals(3, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unit));

        // skipping the link for the plain FHIR endpoint does not help: the same address, the same limit
        QuestionnaireResponse direct = answer.copy();
        direct.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit",
                new org.hl7.fhir.r4.model.Reference("Organization/" + unit));
        Reply bypass = client.post("/fhir/QuestionnaireResponse", direct);
        assertTrue(bypass.outcome(429).contains("Too many"), bypass.body());
        assertTrue(bypass.header("Retry-After") != null);

        // nor does claiming another address in a header the client writes itself (no proxy is configured here)
        for (String[] spoof : List.of(new String[]{"X-Forwarded-For", "203.0.113.7"}, new String[]{"Forwarded", "for=198.51.100.9"},
                new String[]{"X-Real-IP", "192.0.2.1"})) {
            Reply spoofed = client.post("/feedback/" + unit + "/QuestionnaireResponse", answer.copy(), spoof[0], spoof[1]);
            assertTrue(spoofed.outcome(429).contains("Too many"), spoof[0] + ": " + spoofed.body());
        }
        assertEquals(3, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unit));
    }
}
