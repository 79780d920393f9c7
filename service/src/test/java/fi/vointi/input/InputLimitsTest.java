package fi.vointi.input;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.RawHttp;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, items 1, 2 (input side), 7 and 13 over real HTTP: the input limits before parsing, strict JSON, control
 * characters and column sizes. Each case gets its 4xx OperationOutcome on H2 and on PostgreSQL, where a NUL byte
 * reaching the database would have been a 500.
 */
@MicronautTest(transactional = false)
class InputLimitsTest {
    static final String QR = "/fhir/QuestionnaireResponse";
    static final String NEXT = "/fhir/Questionnaire/$next-question";
    static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String UNIT = "demo-unit-health-centre";
    /** Generous: the point is that the answer comes at all (it took 43 s, or never, before the limits). */
    static final Duration SANITY = Duration.ofSeconds(5);

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    Tokens tokens;
    FhirTestClient anonymous;
    FhirTestClient patient;
    String patientId;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        patientId = "limits-" + UUID.randomUUID();
        patient = anonymous.as(tokens.patient(patientId));
    }

    static String hostileQr(String number) {
        return "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"item\":[{\"linkId\":\"x\","
                + "\"answer\":[{\"valueDecimal\":" + number + "}]}]}";
    }

    String response(String extra) {
        return "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM + "\","
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"}" + extra + "}";
    }

    Reply timed(Supplier<Reply> request) {
        return assertTimeout(SANITY, request::get);
    }

    long rows(String sql, Object... parameters) {
        return Db.count(dataSource, sql, parameters);
    }

    // 1. numbers, strings, arrays and depth are bounded before any parser sees the body

    @ParameterizedTest
    @ValueSource(strings = {"1e1000000", "1e3000000", "1e999999999", "-1E+00000000000000000000000101", "1e-101",
            "12345678901234567890123456789012345678901", "0.00000000000000000000000000000000000000001"})
    void hostileNumbersAreRefusedQuicklyWithoutLogin(String number) {
        String message = timed(() -> anonymous.post(NEXT, hostileQr(number))).outcome(400);
        assertTrue(message.contains("number") && message.contains("line 1"), message);
    }

    @Test
    void numbersAtTheLimitsPassTheScan() {
        for (String number : List.of("1e100", "-1E-100", "1234567890123456789012345678901234567890", "0.5", "-0")) {
            Reply reply = timed(() -> anonymous.post(NEXT, hostileQr(number)));
            // the adaptive test refuses the response for its own reasons (no questionnaire), not for the number
            assertEquals(422, reply.status(), number + ": " + reply.body());
        }
    }

    @Test
    void everyJsonEndpointGetsTheSameLimitsFhirOrPlain() {
        String fhir = hostileQr("1e1000000");
        String admin = tokens.admin();
        String clinician = tokens.clinician("demo-unit-child-psychiatry");
        Map<String, FhirTestClient> endpoints = new LinkedHashMap<>();
        endpoints.put(QR, patient);
        endpoints.put(QR + "/some-id", patient);
        endpoints.put("/fhir/Task", anonymous.as(clinician));
        endpoints.put("/feedback/" + UNIT + "/QuestionnaireResponse", anonymous);
        endpoints.put("/invitation/not-a-token/QuestionnaireResponse", anonymous);
        endpoints.put("/api/feedback/import", anonymous.as(admin));
        endpoints.put("/fhir/Organization", anonymous.as(admin));
        endpoints.put("/fhir/Patient/" + patientId + "/$everything", patient);
        endpoints.put("/fhir/Patient/" + patientId + "/$erase", anonymous.as(admin));
        endpoints.forEach((path, client) -> {
            Reply reply = timed(() -> path.endsWith("/some-id")
                    ? client.send(HttpRequest.newBuilder(client.uri(path)).PUT(HttpRequest.BodyPublishers.ofString(fhir))
                    .header("Content-Type", FhirTestClient.FHIR_JSON))
                    : client.post(path, fhir));
            assertTrue(reply.outcome(400).contains("exponent"), path + ": " + reply.body());
        });
        // plain JSON (not FHIR) under application/json: the same scan
        Reply plain = timed(() -> anonymous.as(admin).send(HttpRequest.newBuilder(anonymous.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + UNIT + "\",\"count\":1e999999999}"))
                .header("Content-Type", "application/json")));
        assertTrue(plain.outcome(400).contains("exponent"), plain.body());
    }

    @Test
    void stringsArraysDepthAndKeysAreBounded() {
        String longString = "x".repeat(InputLimits.MAX_STRING_LENGTH + 1);
        assertTrue(timed(() -> anonymous.post(NEXT, "{\"resourceType\":\"QuestionnaireResponse\",\"text\":{\"div\":\""
                + longString + "\"}}")).outcome(400).contains("string length"));
        String manyEntries = "{\"resourceType\":\"QuestionnaireResponse\",\"item\":["
                + "{},".repeat(InputLimits.MAX_ENTRIES) + "{}]}";
        assertTrue(timed(() -> anonymous.post(NEXT, manyEntries)).outcome(400).contains("more than 10000 entries"));
        String deep = "{\"a\":".repeat(InputLimits.MAX_DEPTH + 1) + "1" + "}".repeat(InputLimits.MAX_DEPTH + 1);
        assertTrue(timed(() -> anonymous.post(NEXT, deep)).outcome(400).contains("nesting depth"));
        String deepArrays = "[".repeat(100_000) + "]".repeat(100_000);
        timed(() -> anonymous.post(NEXT, deepArrays)).outcome(400);
        String longKey = "{\"" + "k".repeat(InputLimits.MAX_NAME_LENGTH + 1) + "\":1}";
        assertTrue(timed(() -> anonymous.post(NEXT, longKey)).outcome(400).contains("key length"));
        // at the limits: the scan passes, HAPI decides
        String atLimit = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"item\":["
                + "{\"linkId\":\"x\"},".repeat(InputLimits.MAX_ENTRIES - 1) + "{\"linkId\":\"x\"}]}";
        assertEquals(422, timed(() -> anonymous.post(NEXT, atLimit)).status());
    }

    // 13. strict parsing: duplicate keys and bodies without a media type

    @Test
    void duplicateKeysAreRefusedAtAnyDepth() {
        String top = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"status\":\"completed\","
                + "\"questionnaire\":\"" + PROM + "\"}";
        assertTrue(patient.post(QR, top).outcome(400).contains("status"));
        String nested = response(",\"identifier\":{\"system\":\"urn:a\",\"value\":\"1\",\"value\":\"2\"}");
        assertTrue(patient.post(QR, nested).outcome(400).contains("value"));
        Reply plain = anonymous.as(tokens.admin()).send(HttpRequest.newBuilder(anonymous.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + UNIT + "\",\"unit\":\"other\"}"))
                .header("Content-Type", "application/json"));
        assertTrue(plain.outcome(400).contains("unit"), plain.body());
        // the same key in sibling objects is fine
        Reply siblings = patient.post(QR, response(",\"identifier\":{\"system\":\"urn:limits\",\"value\":\"" + UUID.randomUUID()
                + "\"},\"meta\":{\"tag\":[{\"system\":\"urn:t\",\"code\":\"a\"},{\"system\":\"urn:t\",\"code\":\"b\"}]}"));
        assertEquals(201, siblings.status(), siblings.body());
    }

    @Test
    void aBodyWithoutContentTypeIs415() {
        String body = response("");
        Reply post = patient.send(HttpRequest.newBuilder(patient.uri(QR)).POST(HttpRequest.BodyPublishers.ofString(body)));
        assertTrue(post.outcome(415).contains("Content-Type"));
        Reply put = patient.send(HttpRequest.newBuilder(patient.uri(QR + "/x")).PUT(HttpRequest.BodyPublishers.ofString(body)));
        put.outcome(415);
        Reply next = anonymous.send(HttpRequest.newBuilder(anonymous.uri(NEXT)).POST(HttpRequest.BodyPublishers.ofString(hostileQr("1"))));
        next.outcome(415);
        Reply plain = anonymous.as(tokens.admin()).send(HttpRequest.newBuilder(anonymous.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + UNIT + "\"}")));
        plain.outcome(415);
        // no body, no media type: nothing to refuse (an operation without parameters)
        Reply empty = patient.send(HttpRequest.newBuilder(patient.uri(QR + "/no-such-id/$share")).POST(HttpRequest.BodyPublishers.noBody()));
        assertNotEquals(415, empty.status(), empty.body());
    }

    @Test
    void theFeedbackFormStillPostsAndItsTextIsChecked() {
        Reply ok = postForm("/feedback/" + UNIT + "/answer", adultForm("Hyvä palvelu,\r\nkiitos\tvielä"));
        assertEquals(303, ok.status(), ok.body());
        Reply nul = postForm("/feedback/" + UNIT + "/answer", adultForm("a\u0000b"));
        assertEquals(400, nul.status(), nul.body());
        Reply bell = postForm("/feedback/" + UNIT + "/answer", adultForm("a\u0007b"));
        assertEquals(400, bell.status(), bell.body());
    }

    // 2. control characters in paths, search values, identifiers and text never reach the database or the audit trail

    @ParameterizedTest
    @ValueSource(strings = {"/fhir/QuestionnaireResponse/x%00y", "/fhir/QuestionnaireResponse/x%00y/_history/1",
            "/api/patients/a%00b/scores?code=demo-wellbeing-prom.total", "/fhir/Task/a%00b",
            "/analytics/units/a%00b/feedback", "/fhir/Observation/a%01b", "/fhir/Patient/a%1Fb/$everything",
            "/fhir/QuestionnaireResponse?_id=a%00b", "/fhir/QuestionnaireResponse?identifier=urn:x%7Ca%00b",
            "/fhir/QuestionnaireResponse?patient=a%09b", "/fhir/Questionnaire/a%7Fb", "/feedback/a%C2%85b",
            "/fhir/AuditEvent?agent=a%0Ab", "/fhir/QuestionnaireResponse?a%00b=1", "/p/abc%00", "/invitation/a%00b"})
    void controlCharactersInPathsAndQueriesAre400BeforeAnyDatabaseOrAuditWrite(String path) {
        long audited = rows("SELECT COUNT(*) FROM audit_event");
        for (FhirTestClient client : List.of(anonymous, patient, anonymous.as(tokens.admin()))) {
            assertTrue(client.get(path).outcome(400).contains("control character"), path);
        }
        assertEquals(audited, rows("SELECT COUNT(*) FROM audit_event"), "a refused request line leaves no audit row");
    }

    @Test
    void pathsHaveALengthAndRequestsAStandardMethod() {
        patient.get(QR + "/" + "a".repeat(InputLimits.MAX_PATH_LENGTH)).outcome(414);
        assertEquals(404, patient.get(QR + "/" + "a".repeat(500)).status());
        patient.send(HttpRequest.newBuilder(patient.uri(QR)).method("PROPFINDX", HttpRequest.BodyPublishers.noBody())).outcome(405);
        // the JDK client will not send a broken percent-encoding
        RawHttp.Response broken = RawHttp.send(server, "GET", "/fhir/QuestionnaireResponse/%zz", Map.of(), null);
        assertEquals(400, broken.status(), broken.text());
        RawHttp.Response brokenQuery = RawHttp.send(server, "GET", "/fhir/QuestionnaireResponse?_id=%zz", Map.of(), null);
        assertEquals(400, brokenQuery.status(), brokenQuery.text());
    }

    @Test
    void controlCharactersInBodiesAndHeaders() {
        long before = rows("SELECT COUNT(*) FROM questionnaire_response");
        String comment = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"questionnaire\":\""
                + "https://vointi.fi/fhir/Questionnaire/demo-customer-feedback\",\"item\":[{\"linkId\":\"open\",\"answer\":"
                + "[{\"valueString\":\"bad\\u0000text\"}]}]}";
        assertTrue(anonymous.post("/feedback/" + UNIT + "/QuestionnaireResponse", comment).outcome(400).contains("U+0000"));
        assertTrue(anonymous.post(QR, comment).outcome(400).contains("U+0000"));
        assertTrue(patient.post(QR, response(",\"identifier\":{\"system\":\"urn:x\",\"value\":\"a\\u001bb\"}")).outcome(400)
                .contains("U+001B"));
        // tab, CR and LF are free text, but never part of an identifier
        assertTrue(patient.post(QR, response(",\"identifier\":{\"system\":\"urn:x\",\"value\":\"a\\tb\"}")).outcome(422)
                .contains("identifier"));
        assertTrue(patient.post(QR, response(""), "If-None-Exist", "identifier=urn:x%7Ca%00b").outcome(400).contains("U+0000"));
        patient.post(QR, response(""), "If-None-Exist", "identifier=urn:x%7C%zz").outcome(400);
        assertTrue(patient.post(QR, "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"id\":\"\\ud800\"}")
                .outcome(400).contains("surrogate"));
        // the bytes are not UTF-8
        Reply latin1 = patient.send(HttpRequest.newBuilder(patient.uri(QR)).header("Content-Type", FhirTestClient.FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(response(",\"language\":\"fi\u00e4\"").getBytes(StandardCharsets.ISO_8859_1))));
        latin1.outcome(400);
        assertEquals(before, rows("SELECT COUNT(*) FROM questionnaire_response"));
    }

    @Test
    void anAddressThatIsNoAddressIs400EvenForABrowser() {
        // the browser error pages build language links from the address: these must be refused before them
        for (String target : List.of("/feedback/{id}", "/feedback/" + UNIT + "?lang=%FF", "/?lang=%C0%80",
                "/feedback/" + UNIT + "?lang=%zz", "/feedback/%zz", "/feedback/a%ED%A0%80")) {
            RawHttp.Response html = RawHttp.send(server, "GET", target, Map.of("Accept", "text/html"), null);
            assertEquals(400, html.status(), target + ": " + html.text());
            assertTrue(html.headers().get("content-type").startsWith(FhirTestClient.FHIR_JSON), target);
        }
        // a well-formed address with a control character gets the page in the browser's language
        RawHttp.Response page = RawHttp.send(server, "GET", "/feedback/a%00b", Map.of("Accept", "text/html"), null);
        assertEquals(400, page.status(), page.text());
        assertTrue(page.headers().get("content-type").startsWith("text/html"), page.text());
    }

    @Test
    void pathsHoldOnlyIdCharactersElseNothingIsThere() {
        long audited = rows("SELECT COUNT(*) FROM audit_event");
        FhirTestClient admin = anonymous.as(tokens.admin());
        for (String path : List.of(QR + "/a%20b", "/fhir/Task/%23x", "/analytics/units/a%2Cb/feedback", "/fhir/Patient/%C3%A4/$everything",
                "/api/patients/a%3Bb/scores?code=x", "/fhir/Observation/%3Cscript%3E")) {
            assertTrue(admin.get(path).outcome(404).contains("Nothing is known at this address"), path);
        }
        assertEquals(audited, rows("SELECT COUNT(*) FROM audit_event"));
        // ids of every kind we make or accept pass: FHIR ids, UUIDs, base64url tokens, operations
        assertEquals(404, admin.get(QR + "/Ab-9.x_~").status());
        assertEquals(200, anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").status());
    }

    @Test
    void charsetsOtherThanUtf8AreRefusedForJsonAndUnknownOnesEverywhere() {
        for (String type : List.of("application/fhir+json; charset=nope", "application/fhir+json; charset=utf-16",
                "application/json; charset=iso-8859-1")) {
            Reply reply = patient.send(HttpRequest.newBuilder(patient.uri(QR)).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(response(""))));
            reply.outcome(415);
        }
        Reply utf8 = patient.send(HttpRequest.newBuilder(patient.uri(QR)).header("Content-Type", "application/fhir+json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(response(""))));
        assertEquals(201, utf8.status(), utf8.body());
        Reply csv = anonymous.as(tokens.admin()).send(HttpRequest.newBuilder(anonymous.uri("/analytics/visits"))
                .header("Content-Type", "text/csv; charset=nope").POST(HttpRequest.BodyPublishers.ofString("unit,period,visits\n")));
        csv.outcome(415);
        Reply empty = patient.send(HttpRequest.newBuilder(patient.uri(QR)).header("Content-Type", "application/fhir+json; charset=nope")
                .POST(HttpRequest.BodyPublishers.noBody()));
        empty.outcome(415);
    }

    @Test
    void inputRefusalsCarryTheHardeningHeadersAndLeaveNoAuditRow() {
        long audited = rows("SELECT COUNT(*) FROM audit_event");
        List<Reply> refusals = List.of(patient.post(QR, hostileQr("1e1000000")), patient.get(QR + "/x%00y"),
                patient.send(HttpRequest.newBuilder(patient.uri(QR)).POST(HttpRequest.BodyPublishers.ofString("{}"))),
                patient.get(QR + "/a%20b"));
        for (Reply refusal : refusals) {
            assertTrue(refusal.status() >= 400 && refusal.status() < 500, refusal.body());
            assertEquals("nosniff", refusal.header("X-Content-Type-Options"));
            assertEquals("no-store", refusal.header("Cache-Control"));
            assertEquals("DENY", refusal.header("X-Frame-Options"));
        }
        RawHttp.Response noUri = RawHttp.send(server, "GET", "/fhir/{x}", Map.of(), null);
        assertEquals("nosniff", noUri.headers().get("x-content-type-options"));
        // refused for their form before anything was read: the audit trail records what touched data
        assertEquals(audited, rows("SELECT COUNT(*) FROM audit_event"));
    }

    // 7. every value for a column of limited size is checked: a clear 4xx, never a 500

    @Test
    void identifierSubjectAndUnitMustFitTheirColumns() {
        String id255 = UUID.randomUUID() + "v".repeat(255 - 36);
        Reply fits = patient.post(QR, response(",\"identifier\":{\"system\":\"urn:" + "s".repeat(251) + "\",\"value\":\""
                + id255 + "\"}"));
        assertEquals(201, fits.status(), "255 characters fit: " + fits.body());
        assertTrue(patient.post(QR, response(",\"identifier\":{\"system\":\"urn:x\",\"value\":\"" + "v".repeat(256) + "\"}"))
                .outcome(422).contains("256 characters long (at most 255)"));
        assertTrue(patient.post(QR, response(",\"identifier\":{\"system\":\"urn:" + "s".repeat(252) + "\",\"value\":\"1\"}"))
                .outcome(422).contains("system"));
        String unit = ",\"extension\":[{\"url\":\"https://vointi.fi/fhir/StructureDefinition/service-unit\","
                + "\"valueReference\":{\"reference\":\"Organization/" + "u".repeat(120) + "\"}}]";
        assertTrue(patient.post(QR, response(unit)).outcome(422).contains("service-unit"));
        FhirTestClient ehr = anonymous.as(tokens.system("limits-ehr", "system/QuestionnaireResponse.crus"));
        String longSubject = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM
                + "\",\"subject\":{\"reference\":\"Patient/" + "p".repeat(129) + "\"}}";
        assertTrue(ehr.post(QR, longSubject).outcome(422).contains("129 characters long (at most 128)"));
        String longType = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM
                + "\",\"subject\":{\"reference\":\"" + "T".repeat(65) + "/1\"}}";
        assertTrue(ehr.post(QR, longType).outcome(422).contains("resource type"));
        String subject128 = "{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"in-progress\",\"questionnaire\":\"" + PROM
                + "\",\"subject\":{\"reference\":\"Patient/" + "p".repeat(128) + "\"}}";
        assertEquals(201, ehr.post(QR, subject128).status());
    }

    @Test
    void tokenClaimsMustFitTheAuditColumns() {
        String longSub = tokens.issue("s".repeat(256), Map.of("roles", List.of("patient"), "patient", patientId));
        anonymous.as(longSub).get(QR + "?patient=" + patientId).outcome(401);
        String longAzp = tokens.issue("client", Map.of("roles", List.of("system"), "azp", "a".repeat(256),
                "scope", "system/QuestionnaireResponse.rs"));
        anonymous.as(longAzp).get(QR).outcome(401);
        String longPatient = tokens.issue("someone", Map.of("roles", List.of("patient"), "patient", "p".repeat(129)));
        anonymous.as(longPatient).get(QR).outcome(401);
        String fits = tokens.issue("s".repeat(255), Map.of("roles", List.of("patient"), "patient", patientId));
        assertEquals(200, anonymous.as(fits).get(QR + "?patient=" + patientId).status());
    }

    @Test
    void aVisitsCsvWithAnUnterminatedQuoteIs400() {
        FhirTestClient admin = anonymous.as(tokens.admin());
        Reply reply = admin.send(HttpRequest.newBuilder(admin.uri("/analytics/visits")).header("Content-Type", "text/csv")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("unit,period,visits\n\"" + UNIT + ",2026-01,5\n")));
        assertTrue(reply.outcome(400).contains("CSV"), reply.body());
        Reply nul = admin.send(HttpRequest.newBuilder(admin.uri("/analytics/visits")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("unit,period,visits\n" + UNIT + "\u0000,2026-01,5\n")));
        assertTrue(nul.outcome(400).contains("U+0000"), nul.body());
    }

    // 14. someone else's score series is a hidden resource, and the refused call names nobody in the audit trail

    @Test
    void someoneElsesScoresAre404LikeAnUnknownPatientAndNotAudited() {
        String other = "limits-other-" + UUID.randomUUID();
        String path = "/api/patients/" + other + "/scores?code=demo-wellbeing-prom.total";
        Reply hidden = patient.getJson(path);
        Reply unknown = patient.getJson("/api/patients/nobody-" + UUID.randomUUID() + "/scores?code=demo-wellbeing-prom.total");
        assertEquals(404, hidden.status(), hidden.body());
        assertEquals(404, unknown.status());
        assertEquals(hidden.body().replace(other, "X"), unknown.body().replaceAll("nobody-[0-9a-f-]+", "X"));
        assertEquals(0, rows("SELECT COUNT(*) FROM audit_event_patient WHERE patient_id = ?", other),
                "a refused call does not name the patient in the audit trail");
        // a guardian for another child, and a unit manager (anonymous feedback only), are refused the same way
        assertEquals(404, anonymous.as(tokens.guardian("limits-child")).getJson(path).status());
        assertEquals(404, anonymous.as(tokens.unitManager(UNIT)).getJson(path).status());
        assertEquals(0, rows("SELECT COUNT(*) FROM audit_event_patient WHERE patient_id = ?", other));
        // the patient's own (empty) series, and a clinician's (who may see shared ones), are answered and audited
        assertEquals(200, anonymous.as(tokens.patient(other)).getJson(path).status());
        assertEquals(200, anonymous.as(tokens.clinician(UNIT)).getJson(path).status());
        assertEquals(2, rows("SELECT COUNT(*) FROM audit_event_patient WHERE patient_id = ?", other));
        assertEquals(401, anonymous.getJson(path).status());
    }

    Reply postForm(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return anonymous.send(HttpRequest.newBuilder(anonymous.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded"));
    }

    static Map<String, String> adultForm(String open) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("audience", "adult");
        form.put("lang", "fi");
        form.put("item:recommendation", "9");
        for (String s : List.of("statement.access", "statement.heard", "statement.safety", "statement.information", "statement.usefulness")) {
            form.put("item:" + s, "4");
        }
        form.put("item:open", open);
        return form;
    }

    @Test
    void refusalsNameTheProblemWithoutEchoingTheInput() {
        String message = anonymous.post(NEXT, hostileQr("1e999999999")).outcome(400);
        assertFalse(message.contains("999999999999"), message);
    }
}
