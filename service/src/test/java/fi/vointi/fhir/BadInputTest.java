package fi.vointi.fhir;

import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets a 4xx OperationOutcome naming the problem, never a 5xx or a stack trace, and stores nothing. */
@MicronautTest
class BadInputTest {
    static final String QR = "/fhir/QuestionnaireResponse";
    static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    fi.vointi.security.DevTokenIssuer issuer;
    FhirTestClient fhir;
    long storedBefore;

    @BeforeEach
    void setUp() {
        fhir = new FhirTestClient(server).as(new fi.vointi.support.Tokens(issuer).patient("bad-input-patient"));
        storedBefore = stored();
    }

    @AfterEach
    void nothingStored() {
        assertEquals(storedBefore, stored(), "nothing may be stored by a refused request");
    }

    private long stored() {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response")
                + Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history");
    }

    @Test
    void malformedJson() {
        // refused by the JSON pre-scan before HAPI sees it (fi.vointi.input.JsonScan)
        assertTrue(fhir.post(QR, "{\"resourceType\": \"QuestionnaireResponse\", ").outcome(400).contains("not valid JSON"));
        fhir.post(QR, "not json at all").outcome(400);
        fhir.post(QR, "").outcome(400);
        fhir.post(QR, "[1,2,3]").outcome(400);
    }

    @Test
    void wrongResourceType() {
        String message = fhir.post(QR, "{\"resourceType\":\"Patient\",\"active\":true}").outcome(400);
        assertTrue(message.contains("Patient") && message.contains("QuestionnaireResponse"), message);
        assertTrue(fhir.post(QR, "{\"resourceType\":\"NoSuchType\"}").outcome(400).contains("NoSuchType"));
    }

    @Test
    void unknownElementAndBadPrimitive() {
        assertTrue(fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"colour\":\"red\"}")
                .outcome(400).contains("colour"));
        fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"questionnaire\":\"" + PROM
                + "\",\"authored\":\"2026-13-45\"}").outcome(400);
        fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"finished\",\"questionnaire\":\"" + PROM + "\"}")
                .outcome(400);
    }

    @Test
    void unknownOrMissingQuestionnaire() {
        String unknown = fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\","
                + "\"questionnaire\":\"https://example.org/Questionnaire/nope|1\"}").outcome(422);
        assertTrue(unknown.contains("https://example.org/Questionnaire/nope|1"), unknown);
        fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\""
                + PROM + "|999\"}").outcome(422);
        assertTrue(fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\"}")
                .outcome(422).contains("questionnaire"));
        assertTrue(fhir.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"questionnaire\":\"" + PROM
                        + "\",\"subject\":{\"reference\":\"Patient/bad-input-patient\"}}")
                .outcome(422).contains("status"));
    }

    @Test
    void oversizedBodies() {
        String padding = "x".repeat(1_200_000);
        String body = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM
                + "\",\"item\":[{\"linkId\":\"comment\",\"answer\":[{\"valueString\":\"" + padding + "\"}]}]}";
        fhir.post(QR, body).outcome(413);
        // the same without a Content-Length header (chunked transfer)
        byte[] bytes = body.getBytes();
        FhirTestClient.Reply chunked = fhir.send(HttpRequest.newBuilder(fhir.uri(QR))
                .header("Content-Type", FhirTestClient.FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
        chunked.outcome(413);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?foo=bar", "?subject:missing=true", "?_include=QuestionnaireResponse:subject",
            "?authored=2026-13", "?authored=ne2026-01-01", "?authored=yesterday", "?_count=many", "?_count=-1",
            "?_sort=subject", "?_format=pdf", "?_count=1&_count=2", "?_total=maybe"})
    void unsupportedOrInvalidSearches(String query) {
        int status = fhir.get(QR + query).status();
        assertTrue(status == 400 || status == 406, query + " gave " + status);
        fhir.get(QR + query).outcome(status);
    }

    @Test
    void unsupportedQuestionnaireSearch() {
        assertTrue(fhir.get("/fhir/Questionnaire?publisher=Vointi").outcome(400).contains("publisher"));
    }

    @Test
    void unknownResourcesAndRoutes() {
        fhir.get(QR + "/no-such-id").outcome(404);
        fhir.get(QR + "/no-such-id/_history/1").outcome(404);
        fhir.get("/fhir/Questionnaire/no-such-id").outcome(404);
        fhir.get("/fhir/Patient/1").outcome(404);
        fhir.send(HttpRequest.newBuilder(fhir.uri(QR + "/x")).DELETE()).outcome(405);
    }

    @Test
    void wrongMediaType() {
        // FHIR JSON and XML are read (XmlBodyTest); anything else is 415
        fhir.send(HttpRequest.newBuilder(fhir.uri(QR)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("<QuestionnaireResponse/>"))).outcome(415);
        fhir.send(HttpRequest.newBuilder(fhir.uri(QR)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("status=completed"))).outcome(415);
    }

    @Test
    void unsupportedConditionalCreate() {
        String body = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM + "\"}";
        assertTrue(fhir.post(QR, body, "If-None-Exist", "subject=Patient/1").outcome(400).contains("identifier"));
        fhir.post(QR, body, "If-None-Exist", "identifier=").outcome(400);
    }
}
