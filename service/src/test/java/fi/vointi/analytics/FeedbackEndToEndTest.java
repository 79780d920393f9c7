package fi.vointi.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path of issue 6 through the real parts: an admin builds a service with two units over the FHIR
 * Organization API, customers answer through a unit's public link (HTML form, QR channel), through an SMS
 * link token and through the FHIR twin of the link, and a unit manager of the area reads the month's figures
 * for the units and their parents.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.rate-limit-submissions", value = "100000") // every request comes from 127.0.0.1
class FeedbackEndToEndTest {
    static final String LEVEL = "https://vointi.fi/fhir/CodeSystem/organization-level";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    FhirTestClient anonymous;
    Tokens tokens;

    String organization(FhirTestClient admin, String level, String name, String parent, boolean feedback) {
        Organization o = new Organization();
        o.setActive(true).setName(name).addType(new CodeableConcept(new Coding(LEVEL, level, null)));
        if (parent != null) {
            o.setPartOf(new Reference("Organization/" + parent));
        }
        if (feedback) {
            o.addExtension("https://vointi.fi/fhir/StructureDefinition/feedback-enabled", new BooleanType(true));
        }
        Reply created = admin.post("/fhir/Organization", o);
        assertEquals(201, created.status(), created.body());
        return created.resource(Organization.class).getIdElement().getIdPart();
    }

    Reply postForm(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return anonymous.send(HttpRequest.newBuilder(anonymous.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded"));
    }

    static Map<String, String> form(int recommendation, int access) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("audience", "adult");
        form.put("lang", "fi");
        form.put("item:recommendation", Integer.toString(recommendation));
        form.put("item:statement.access", Integer.toString(access));
        for (String s : List.of("statement.heard", "statement.safety", "statement.information", "statement.usefulness")) {
            form.put("item:" + s, "4");
        }
        return form;
    }

    JsonNode report(FhirTestClient client, String unit, String month) throws Exception {
        Reply reply = client.getJson("/analytics/units/" + unit + "/feedback?from=" + month + "-01&to=" + month + "-01&granularity=month");
        assertEquals(200, reply.status(), reply.body());
        return JSON.readTree(reply.body());
    }

    static void assertNps(JsonNode cell, int n, int promoters, int passives, int detractors, double score) {
        assertTrue(!cell.get("suppressed").asBoolean(), cell.toString());
        JsonNode nps = cell.get("nps");
        assertEquals(n, nps.get("n").asInt(), cell.toString());
        assertEquals(promoters, nps.get("promoters").asInt());
        assertEquals(passives, nps.get("passives").asInt());
        assertEquals(detractors, nps.get("detractors").asInt());
        assertEquals(score, nps.get("score").asDouble(), 0.005);
    }

    @Test
    void answersThroughTheLinkAndAnSmsTokenAreCountedForTheUnitAndItsParents() throws Exception {
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
        FhirTestClient admin = anonymous.as(tokens.admin());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String area = organization(admin, "area", "E2E-alue " + suffix, "demo-county", false);
        String service = organization(admin, "service", "E2E-palvelu " + suffix, area, false);
        String unitA = organization(admin, "unit", "E2E-yksikkö A " + suffix, service, true);
        String unitB = organization(admin, "unit", "E2E-yksikkö B " + suffix, service, true);

        // every category of each unit's month is 0 or at least 5, so both atomic cells are published (docs/analytics.md)
        // unit A: five promoters through the poster link (channel qr) ...
        for (int i = 0; i < 5; i++) {
            Reply answered = postForm("/feedback/" + unitA + "/answer", form(10, 5));
            assertEquals(303, answered.status(), answered.body()); // post/redirect/get: stored, then the thank-you page
        }
        // ... and five detractors through SMS links issued by the area's manager (five issued)
        FhirTestClient manager = anonymous.as(tokens.unitManager(area));
        Reply issued = manager.send(HttpRequest.newBuilder(anonymous.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + unitA + "\",\"count\":5}"))
                .header("Content-Type", "application/json"));
        assertEquals(201, issued.status(), issued.body());
        for (JsonNode link : JSON.readTree(issued.body()).findValues("links").get(0)) {
            String token = link.asText().substring(link.asText().indexOf("/p/") + 3);
            Map<String, String> sms = form(0, 1);
            sms.put("token", token);
            assertEquals(303, postForm("/feedback/" + unitA + "/answer", sms).status());
        }

        // unit B: five promoters from a kiosk app through the FHIR twin of the link
        Questionnaire adult = anonymous.get("/feedback/" + unitB + "/Questionnaire?audience=adult").resource(Questionnaire.class);
        for (int i = 0; i < 5; i++) {
            var response = ResponseBuilder.answering(adult).answerAllRequired()
                    .answer("recommendation", new IntegerType(10)).build("completed", null);
            Reply stored = anonymous.post("/feedback/" + unitB + "/QuestionnaireResponse?channel=kiosk", response);
            assertEquals(201, stored.status(), stored.body());
        }

        String month = LocalDate.now(ZoneId.of("Europe/Helsinki")).toString().substring(0, 7);
        // A: 10 answers, 5 promoters, 5 detractors: NPS 0
        JsonNode a = report(manager, unitA, month);
        assertNps(a.get("total"), 10, 5, 0, 5, 0.0);
        assertEquals(10, a.get("total").get("responses").asInt());
        // statement.access 5 × 5 and 5 × 1: mean 3, agreeing (4–5) 5 of 10 = 50 %
        JsonNode accessResult = null;
        for (JsonNode s : a.get("total").get("statements")) {
            if (s.get("id").asText().equals("statement.access")) {
                accessResult = s;
            }
        }
        assertEquals(10, accessResult.get("n").asInt());
        assertEquals(3.0, accessResult.get("mean").asDouble(), 0.005);
        assertEquals(50.0, accessResult.get("agreePercent").asDouble(), 0.005);
        // invitations: 5 SMS links issued, all 5 answered
        assertEquals(5, a.get("total").get("invitations").asInt());
        assertEquals(100.0, a.get("total").get("invitationRate").asDouble(), 0.005, a.get("total").toString());
        // B: 5 promoters: NPS 100
        assertNps(report(manager, unitB, month).get("total"), 5, 5, 0, 0, 100.0);
        // the service and the area: all 15, promoters 10, detractors 5: NPS = 5 / 15 = 33.33
        assertNps(report(manager, service, month).get("total"), 15, 10, 0, 5, 33.33);
        assertNps(report(manager, area, month).get("total"), 15, 10, 0, 5, 33.33);
        // and the comparison of the service's units
        Reply children = manager.getJson("/analytics/units/" + service + "/feedback/children?from=" + month + "-01&to=" + month
                + "-01&granularity=month");
        assertEquals(200, children.status(), children.body());
        assertEquals(2, JSON.readTree(children.body()).get("children").size());

        // a manager of another area sees none of it
        Reply other = anonymous.as(tokens.unitManager("demo-area-family")).getJson("/analytics/units/" + unitA
                + "/feedback?from=" + month + "-01&to=" + month + "-01");
        assertEquals(403, other.status(), other.body());
    }
}
