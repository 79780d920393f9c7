package fi.vointi.observations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static fi.vointi.observations.ObservationExtractionTest.answers;
import static fi.vointi.observations.ObservationExtractionTest.firstAnswers;
import static fi.vointi.observations.ObservationExtractionTest.prom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/patients/{id}/scores over five completed demo PROMs, with a configured MID of 5 for the total. */
@MicronautTest
@Property(name = "vointi.scoring.minimal-important-difference.demo-wellbeing-prom.total", value = "5")
class ScoreSeriesApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    String store(FhirTestClient client, String patient, String authored, Map<String, Integer> answers, String unit) {
        QuestionnaireResponse r = prom(patient, "completed", authored, answers);
        if (unit != null) {
            r.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
        }
        Reply reply = client.post("/fhir/QuestionnaireResponse", r);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    static JsonNode json(Reply reply) throws Exception {
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
        return JSON.readTree(reply.body());
    }

    static void assertDecimal(String expected, JsonNode node) {
        assertEquals(0, new BigDecimal(expected).compareTo(node.decimalValue()), "expected " + expected + ", was " + node);
    }

    @Test
    void seriesWithChangeFromBaselineAndPreviousJudgedByTheMid() throws Exception {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        String patient = "series-" + UUID.randomUUID();
        FhirTestClient asPatient = anonymous.as(tokens.patient(patient));
        // answers given on the dates below, brought by a history import (only such a backend client dates answers)
        FhirTestClient importer = anonymous.as(tokens.system("history-import", "system/QuestionnaireResponse.c"));
        String unit = "demo-unit-pain-clinic";
        List<String> ids = new ArrayList<>();
        // 1: total 21.43 (7 of 10 answered, 15 × 10 / 7), moderate
        ids.add(store(importer, patient, "2026-01-15T10:00:00+02:00", firstAnswers(), unit));
        // 2: all answered, 6 + (1 + 1 + 0 + 1) + 6 = 15, mild
        ids.add(store(importer, patient, "2026-02-15T10:00:00+02:00", answers("sleep.1", 2, "sleep.2", 2, "sleep.3", 2,
                "mood.1", 1, "mood.2", 1, "mood.3", 4, "mood.4", 1, "activity.1", 2, "activity.2", 2, "activity.3", 2), unit));
        // 3: one item per domain: 3 of 10 < 5, no total
        ids.add(store(importer, patient, "2026-03-15T10:00:00+02:00", answers("sleep.1", 4, "mood.1", 4, "activity.1", 4), unit));
        // 4: all 1s: 3 + (1 + 1 + 3 + 1) + 3 = 12
        ids.add(store(importer, patient, "2026-04-15T10:00:00+03:00", answers("sleep.1", 1, "sleep.2", 1, "sleep.3", 1,
                "mood.1", 1, "mood.2", 1, "mood.3", 1, "mood.4", 1, "activity.1", 1, "activity.2", 1, "activity.3", 1), unit));
        // 5: all 3s: 9 + (3 + 3 + 1 + 3) + 9 = 28
        ids.add(store(importer, patient, "2026-05-15T10:00:00+03:00", answers("sleep.1", 3, "sleep.2", 3, "sleep.3", 3,
                "mood.1", 3, "mood.2", 3, "mood.3", 3, "mood.4", 3, "activity.1", 3, "activity.2", 3, "activity.3", 3), unit));
        // 6: withdrawn as entered in error: not part of the series
        String withdrawn = store(importer, patient, "2026-06-15T10:00:00+03:00", firstAnswers(), unit);
        QuestionnaireResponse w = asPatient.get("/fhir/QuestionnaireResponse/" + withdrawn).resource(QuestionnaireResponse.class);
        w.setStatus(QuestionnaireResponseStatus.ENTEREDINERROR);
        assertEquals(200, asPatient.put("/fhir/QuestionnaireResponse/" + withdrawn, w).status());

        JsonNode series = json(asPatient.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total"));
        assertEquals(patient, series.get("patient").asText());
        assertEquals("demo-wellbeing-prom.total", series.get("code").asText());
        assertEquals(ScoreCodes.SCORE_SYSTEM, series.get("system").asText());
        assertDecimal("5", series.get("minimalImportantDifference"));
        JsonNode points = series.get("points");
        assertEquals(5, points.size());
        assertDecimal("21.43", points.get(0).get("value"));
        assertEquals("moderate", points.get(0).get("interpretation").asText());
        assertTrue(points.get(0).path("changeFromBaseline").isMissingNode() || points.get(0).get("changeFromBaseline").isNull());
        // 15 − 21.43 = −6.43: |−6.43| ≥ 5
        assertDecimal("-6.43", points.get(1).get("changeFromBaseline").get("difference"));
        assertTrue(points.get(1).get("changeFromBaseline").get("reliable").asBoolean());
        assertEquals("minimal-important-difference", points.get(1).get("changeFromBaseline").get("method").asText());
        // the unscored point
        assertTrue(points.get(2).path("value").isMissingNode() || points.get(2).get("value").isNull());
        assertEquals("not-performed", points.get(2).get("dataAbsentReason").asText());
        // 12: −9.43 from baseline (reliable), −3 from the previous scored point, 15 (not)
        assertDecimal("-9.43", points.get(3).get("changeFromBaseline").get("difference"));
        assertTrue(points.get(3).get("changeFromBaseline").get("reliable").asBoolean());
        assertDecimal("-3", points.get(3).get("changeFromPrevious").get("difference"));
        assertEquals(false, points.get(3).get("changeFromPrevious").get("reliable").asBoolean());
        // 28: +6.57 from baseline, +16 from previous
        assertDecimal("6.57", points.get(4).get("changeFromBaseline").get("difference"));
        assertDecimal("16", points.get(4).get("changeFromPrevious").get("difference"));
        assertTrue(points.get(4).get("changeFromPrevious").get("reliable").asBoolean());
        assertEquals("moderate", points.get(4).get("interpretation").asText()); // 20.01–30
        assertEquals("QuestionnaireResponse/" + ids.get(4) + "/_history/1", points.get(4).get("derivedFrom").asText());

        // a domain without configured MID nor SE: changes are not judged
        JsonNode sleep = json(asPatient.getJson("/api/patients/" + patient + "/scores?code="
                + ScoreCodes.SCORE_SYSTEM + "%7Cdemo-wellbeing-prom.sleep"));
        assertEquals(5, sleep.get("points").size());
        assertEquals("none", sleep.get("points").get(1).get("changeFromBaseline").get("method").asText());
        assertTrue(sleep.get("points").get(1).get("changeFromBaseline").get("reliable").isNull());

        // the clinician sees only what the patient shared: responses 2 and 5, the baseline being 2
        FhirTestClient clinician = anonymous.as(tokens.clinician(unit));
        assertEquals(0, json(clinician.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total")).get("points").size());
        assertEquals(200, asPatient.post("/fhir/QuestionnaireResponse/" + ids.get(1) + "/$share", "").status());
        assertEquals(200, asPatient.post("/fhir/QuestionnaireResponse/" + ids.get(4) + "/$share", "").status());
        JsonNode shared = json(clinician.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total"));
        assertEquals(2, shared.get("points").size());
        assertDecimal("13", shared.get("points").get(1).get("changeFromBaseline").get("difference"));

        // to others the series is hidden, exactly like an unknown patient's (404); bad input is a clear 4xx
        FhirTestClient stranger = anonymous.as(tokens.patient("series-other-" + UUID.randomUUID()));
        assertEquals(404, stranger.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total").status());
        assertEquals(401, anonymous.getJson("/api/patients/" + patient + "/scores?code=demo-wellbeing-prom.total").status());
        Reply noCode = asPatient.getJson("/api/patients/" + patient + "/scores");
        assertEquals(400, noCode.status());
        assertTrue(noCode.body().contains("code"), noCode.body());
    }
}
