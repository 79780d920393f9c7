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

        // unit A: six answers through the poster link (channel qr) ...
        int[] viaLink = {10, 9, 9, 8, 6, 3};
        int[] access = {5, 4, 4, 3, 2, 1};
        for (int i = 0; i < viaLink.length; i++) {
            Reply answered = postForm("/feedback/" + unitA + "/answer", form(viaLink[i], access[i]));
            assertEquals(303, answered.status(), answered.body()); // post/redirect/get: stored, then the thank-you page
        }
        // ... and one through an SMS link issued by the area's manager (two issued)
        FhirTestClient manager = anonymous.as(tokens.unitManager(area));
        Reply issued = manager.send(HttpRequest.newBuilder(anonymous.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + unitA + "\",\"count\":2}"))
                .header("Content-Type", "application/json"));
        assertEquals(201, issued.status(), issued.body());
        String link = JSON.readTree(issued.body()).findValues("links").get(0).get(0).asText();
        String token = link.substring(link.indexOf("/p/") + 3);
        Map<String, String> sms = form(10, 5);
        sms.put("token", token);
        assertEquals(303, postForm("/feedback/" + unitA + "/answer", sms).status());

        // unit B: five answers from a kiosk app through the FHIR twin of the link
        Questionnaire adult = anonymous.get("/feedback/" + unitB + "/Questionnaire?audience=adult").resource(Questionnaire.class);
        for (int recommendation : new int[]{10, 10, 7, 0, 5}) {
            var response = ResponseBuilder.answering(adult).answerAllRequired()
                    .answer("recommendation", new IntegerType(recommendation)).build("completed", null);
            Reply stored = anonymous.post("/feedback/" + unitB + "/QuestionnaireResponse?channel=kiosk", response);
            assertEquals(201, stored.status(), stored.body());
        }

        String month = LocalDate.now(ZoneId.of("Europe/Helsinki")).toString().substring(0, 7);
        // A: 7 answers, promoters 10, 9, 9, 10 = 4, passive 8 = 1, detractors 6, 3 = 2: NPS = (4 − 2) / 7 = 28.57
        JsonNode a = report(manager, unitA, month);
        assertNps(a.get("total"), 7, 4, 1, 2, 28.57);
        assertEquals(7, a.get("total").get("responses").asInt());
        // statement.access 5, 4, 4, 3, 2, 1, 5: mean 24 / 7 = 3.43, agreeing (4–5) 4 of 7 = 57.14 %
        JsonNode accessResult = null;
        for (JsonNode s : a.get("total").get("statements")) {
            if (s.get("id").asText().equals("statement.access")) {
                accessResult = s;
            }
        }
        assertEquals(7, accessResult.get("n").asInt());
        assertEquals(3.43, accessResult.get("mean").asDouble(), 0.005);
        assertEquals(57.14, accessResult.get("agreePercent").asDouble(), 0.005);
        // invitations: 2 SMS links issued; the rate (1 of 2) is left out, its numerator being a cell of 1 < 5
        assertEquals(2, a.get("total").get("invitations").asInt());
        assertTrue(a.get("total").path("invitationRate").isMissingNode() || a.get("total").get("invitationRate").isNull(),
                a.get("total").toString());
        // B: 10, 10 promoters, 7 passive, 0 and 5 detractors: NPS 0
        assertNps(report(manager, unitB, month).get("total"), 5, 2, 1, 2, 0.0);
        // the service and the area: all 12, promoters 6, passives 2, detractors 4: NPS = 2 / 12 = 16.67
        assertNps(report(manager, service, month).get("total"), 12, 6, 2, 4, 16.67);
        assertNps(report(manager, area, month).get("total"), 12, 6, 2, 4, 16.67);
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
