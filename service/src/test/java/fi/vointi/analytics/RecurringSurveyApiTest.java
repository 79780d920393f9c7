package fi.vointi.analytics;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recurring surveys over HTTP (H2 and PostgreSQL): staff eNPS answers stored through the FHIR API, reported per round
 * by {@code GET /analytics/units/{id}/rounds?survey=}; every round's figures equal the monthly report of the months its
 * window touches (so rounds add no new report a small cell could be subtracted from), small cells are withheld as
 * everywhere, rounds are compared, and bad requests get a 4xx OperationOutcome.
 */
@MicronautTest
@Property(name = "vointi.questionnaires.dir", value = "src/test/resources/analytics-questionnaires")
@Property(name = "vointi.analytics.cycles.test-enps.audience", value = "staff")
@Property(name = "vointi.analytics.cycles.test-enps.cycle", value = "P1Y")
@Property(name = "vointi.analytics.cycles.test-enps.window", value = "P4W")
@Property(name = "vointi.analytics.cycles.test-enps.first-start", value = "2025-03-03")
@Property(name = "vointi.analytics.cycles.test-elsewhere.audience", value = "customer")
@Property(name = "vointi.analytics.cycles.test-elsewhere.units", value = "no-such-county")
@Property(name = "vointi.analytics.cycles.test-elsewhere.cycle", value = "P2Y")
@Property(name = "vointi.analytics.cycles.test-elsewhere.window", value = "P1M")
@Property(name = "vointi.analytics.cycles.test-elsewhere.first-start", value = "2025-09-01")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecurringSurveyApiTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    JsonMapper json;

    FhirTestClient anonymous;
    FhirTestClient admin;
    Tokens tokens;
    Questionnaire staff;
    Questionnaire adult;
    String p;

    @BeforeAll
    void setUp() {
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
        admin = anonymous.as(tokens.admin());
        staff = anonymous.get("/fhir/Questionnaire/test-feedback-staff").resource(Questionnaire.class);
        adult = anonymous.get("/fhir/Questionnaire/test-feedback-adult").resource(Questionnaire.class);
        p = "r" + UUID.randomUUID().toString().substring(0, 8);
        new OrgFixture(dataSource).unit(p + "-svc", null, "service").unit(p + "-t1", p + "-svc", "unit")
                .unit(p + "-t2", p + "-svc", "unit").unit(p + "-other", null, "unit");
    }

    void submit(Questionnaire q, String unit, int recommendation, int access, String authored) {
        QuestionnaireResponse response = ResponseBuilder.answering(q).answerAllRequired()
                .answer("recommendation", ResponseBuilder.answering(q).option("recommendation", Integer.toString(recommendation)))
                .answer("statement.access", ResponseBuilder.answering(q).option("statement.access", Integer.toString(access)))
                .build("completed", null);
        response.setAuthoredElement(new DateTimeType(authored));
        response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + unit));
        response.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType("sms"));
        // answers with their original dates come from a backend integration (create scope), as in the analytics tests
        Reply reply = anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c")).post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
    }

    Reply get(FhirTestClient client, String path) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Accept", "application/json").GET());
    }

    JsonNode getJson(FhirTestClient client, String path) {
        Reply reply = get(client, path);
        assertEquals(200, reply.status(), reply.body());
        try {
            return json.readValue(reply.body(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode round(JsonNode body, int number) {
        for (int i = 0; i < body.get("rounds").size(); i++) {
            if (body.get("rounds").get(i).get("round").getIntValue() == number) {
                return body.get("rounds").get(i);
            }
        }
        throw new AssertionError("no round " + number + " in " + body);
    }

    /** The report cell without its label: the rounds' and the monthly report's must agree on everything else. */
    String figures(JsonNode cell) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("from", "to", "suppressed", "withheld", "suppression", "responses", "nps", "statements")) {
            out.append(name).append('=').append(cell.get(name) == null ? "-" : json.writeValueAsString(cell.get(name))).append(';');
        }
        return out.toString();
    }

    @Test
    void roundsAreReportedByTheMonthsOfTheirWindowWithTheMonthlyReportsFigures() throws IOException {
        // round 1 (3–30 March 2025): team 1 five promoters who agree, five detractors who disagree; team 2 two answers
        for (int i = 0; i < 5; i++) {
            submit(staff, p + "-t1", 10, 5, "2025-03-1" + i + "T10:00:00+02:00");
            submit(staff, p + "-t1", 2, 1, "2025-03-2" + i + "T10:00:00+02:00");
        }
        submit(staff, p + "-t2", 9, 5, "2025-03-12T10:00:00+02:00");
        submit(staff, p + "-t2", 0, 1, "2025-03-13T10:00:00+02:00");
        // between rounds: in no round
        for (int i = 0; i < 5; i++) {
            submit(staff, p + "-t1", 0, 1, "2025-09-1" + i + "T10:00:00+03:00");
        }
        // round 2 (3–30 March 2026): six promoters who agree; customers' answers of the same month stay out of eNPS
        for (int i = 0; i < 6; i++) {
            submit(staff, p + "-t1", 9, 4, "2026-03-1" + i + "T10:00:00+02:00");
            submit(adult, p + "-t1", 0, 1, "2026-03-1" + i + "T10:00:00+02:00");
        }

        JsonNode body = getJson(admin, "/analytics/units/" + p + "-svc/rounds?survey=test-enps");
        assertEquals("staff", body.get("audience").getStringValue());
        assertEquals("P1Y", body.get("cycle").getStringValue());
        assertEquals("P28D", body.get("window").getStringValue());
        JsonNode first = round(body, 1);
        assertEquals("closed", first.get("state").getStringValue());
        assertEquals("2025-03-03", first.get("windowStart").getStringValue());
        assertEquals("2025-03-30", first.get("windowEnd").getStringValue());
        assertEquals("2025-03-01", first.get("from").getStringValue());
        assertEquals("2025-03-31", first.get("to").getStringValue());
        assertTrue(first.get("widened").getBooleanValue());
        // team 1's ten answers are published, team 2's two are withheld (flagged, never counted)
        assertEquals(10, first.get("responses").getIntValue());
        assertTrue(first.get("withheld").getBooleanValue());
        assertEquals(0.0, first.get("nps").get("score").getNumberValue().doubleValue());
        assertEquals(5, first.get("nps").get("promoters").getIntValue());
        // the same figures as the monthly report of the round's months, cell for cell
        JsonNode march2025 = getJson(admin, "/analytics/units/" + p + "-svc/feedback?from=2025-03-01&to=2025-03-31&audience=staff");
        assertEquals(figures(march2025.get("total")), figures(first));
        JsonNode second = round(body, 2);
        assertEquals(6, second.get("responses").getIntValue());
        assertFalse(second.get("withheld").getBooleanValue());
        assertEquals(100.0, second.get("nps").get("score").getNumberValue().doubleValue());
        assertEquals(100.0, second.get("npsChange").getNumberValue().doubleValue(), "NPS 100 against 0 in round 1");
        assertNull(first.get("npsChange"));
        JsonNode march2026 = getJson(admin, "/analytics/units/" + p + "-svc/feedback?from=2026-03-01&to=2026-03-31&audience=staff");
        assertEquals(figures(march2026.get("total")), figures(second));
        // team 2 alone: its round 1 is suppressed as its month is
        JsonNode team2 = getJson(admin, "/analytics/units/" + p + "-t2/rounds?survey=test-enps");
        assertTrue(round(team2, 1).get("suppressed").getBooleanValue());
        assertNull(round(team2, 1).get("responses"));
        assertNull(round(team2, 1).get("npsChange"));

        // the CSV: one row per round with the same figures
        Reply csv = admin.send(HttpRequest.newBuilder(admin.uri("/analytics/units/" + p + "-svc/rounds?survey=test-enps&format=csv")).GET());
        assertEquals(200, csv.status(), csv.body());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"));
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.body())).getRecords();
        assertEquals(body.get("rounds").size(), rows.size());
        assertEquals("1", rows.get(0).get("round"));
        assertEquals("some-withheld", rows.get(0).get("suppression"));
        assertEquals("10", rows.get(0).get("responses"));
        assertEquals("100.0", rows.get(1).get("nps_change"));
        assertEquals("6", rows.get(1).get("statement.access:n"));
    }

    @Test
    void badRequestsAndCallersAreRefused() {
        String path = "/analytics/units/" + p + "-svc/rounds";
        assertTrue(get(admin, path).outcome(400).contains("'survey' is required"));
        assertTrue(get(admin, path + "?survey=nope").outcome(400).contains("test-enps"));
        assertTrue(get(admin, path + "?survey=test-elsewhere").outcome(400).contains("not run"));
        assertTrue(get(admin, path + "?survey=test-enps&from=2025-01-01").outcome(400).contains("from"));
        assertTrue(get(admin, path + "?survey=test-enps&format=xml").outcome(400).contains("format"));
        assertEquals(404, get(admin, "/analytics/units/no-such-unit/rounds?survey=test-enps").status());
        assertEquals(401, get(anonymous, path + "?survey=test-enps").status());
        assertEquals(403, get(anonymous.as(tokens.clinician(p + "-svc")), path + "?survey=test-enps").status());
        assertEquals(403, get(anonymous.as(tokens.unitManager(p + "-other")), path + "?survey=test-enps").status());
        assertEquals(200, get(anonymous.as(tokens.unitManager(p + "-svc")), "/analytics/units/" + p + "-t1/rounds?survey=test-enps").status());
    }
}
