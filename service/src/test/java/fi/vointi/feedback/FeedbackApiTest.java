package fi.vointi.feedback;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.RawHttp;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public feedback link, its FHIR twin, SMS channel tokens and QR codes, over real HTTP against a real database. */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.public-base-url", value = "https://palaute.example.fi/")
@Property(name = "vointi.feedback.rate-limit-submissions", value = "100000") // every request here comes from 127.0.0.1
class FeedbackApiTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    ChannelTokens channelTokens;

    Tokens tokens;
    FhirTestClient anonymous;
    String unit;
    Questionnaire adult;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        unit = FeedbackUnitsFixture.unit(dataSource, true, true);
        Reply reply = anonymous.get("/feedback/" + unit + "/Questionnaire?audience=adult");
        assertEquals(200, reply.status(), reply.body());
        adult = reply.resource(Questionnaire.class);
    }

    long stored(String unitId) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unitId);
    }

    QuestionnaireResponse answer(int recommendation, String statement) {
        ResponseBuilder builder = ResponseBuilder.answering(adult).answerAllRequired()
                .answer("recommendation", new IntegerType(recommendation));
        if (statement != null) {
            builder.answer("statement.heard", builder.option("statement.heard", "5"));
        }
        QuestionnaireResponse response = builder.build("completed", null);
        return response;
    }

    Reply postForm(String path, Map<String, String> fields, String... headers) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(anonymous.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return anonymous.send(request);
    }

    Reply getHtml(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(anonymous.uri(path)).GET().header("Accept", "text/html");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return anonymous.send(request);
    }

    static Reply postJson(FhirTestClient client, String json) {
        return client.send(HttpRequest.newBuilder(client.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"));
    }

    static Map<String, String> adultForm(String recommendation, String statementCode) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("audience", "adult");
        form.put("lang", "fi");
        form.put("item:recommendation", recommendation);
        for (String s : List.of("statement.access", "statement.heard", "statement.safety", "statement.information", "statement.usefulness")) {
            form.put("item:" + s, statementCode);
        }
        form.put("item:open", "Hyvä <b>palvelu</b>");
        return form;
    }

    @Test
    void pageOffersAudiencesThenTheChosenQuestionnaireInTheChosenLanguage() {
        Reply choice = getHtml("/feedback/" + unit, "Accept-Language", "sv-FI,sv;q=0.9,en;q=0.5");
        assertEquals(200, choice.status(), choice.body());
        assertTrue(choice.header("Content-Type").startsWith("text/html"));
        assertTrue(choice.body().contains("lang=\"sv\""), choice.body());
        assertTrue(choice.body().contains("name=\"audience\"") && choice.body().contains("value=\"child\"")
                && choice.body().contains("value=\"relative\""));
        // the unit's name is escaped, never markup
        assertTrue(choice.body().contains("Terveysasema &lt;Testi&gt; &amp; Co"), choice.body());
        String csp = choice.header("Content-Security-Policy");
        assertTrue(csp.startsWith("default-src 'none'; style-src 'self'") && csp.contains("form-action 'self'"), csp);
        assertEquals(1, choice.raw().headers().allValues("Content-Security-Policy").size());

        Reply child = getHtml("/feedback/" + unit + "?audience=child&lang=en");
        assertEquals(200, child.status());
        assertTrue(child.body().contains("lang=\"en\""));
        assertTrue(child.body().contains("They listened to me."), child.body());
        assertTrue(child.body().contains("action=\"/feedback/" + unit + "/answer\""));
        assertTrue(child.body().contains("Vointi demo"), "demo label shown");

        Reply finnish = getHtml("/feedback/" + unit + "?audience=relative", "Accept-Language", "de");
        assertTrue(finnish.body().contains("lang=\"fi\"") && finnish.body().contains("Läheiseni sai"), finnish.body());
    }

    @Test
    void formAnswerIsStoredAnonymouslyWithUnitAndChannelAndNoAddressInTheAuditTrail() {
        Reply reply = postForm("/feedback/" + unit + "/answer", adultForm("9", "4"), "User-Agent", "TestPhone/1.0");
        assertEquals(303, reply.status(), reply.body());
        Reply thanks = getHtml(reply.header("Location"));
        assertEquals(200, thanks.status());
        assertTrue(thanks.body().contains("Kiitos palautteestasi"), thanks.body());
        assertEquals(1, stored(unit));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?"
                + " AND subject_id IS NULL AND status = 'completed'", "Organization/" + unit));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?"
                + " AND resource_json LIKE '%feedback-channel%' AND resource_json LIKE '%\"valueCode\":\"qr\"%'"
                + " AND resource_json NOT LIKE '%TestPhone%' AND resource_json NOT LIKE '%127.0.0.1%'", "Organization/" + unit));

        // the FHIR way, from a kiosk, and the plain FHIR endpoint: no address recorded either
        Reply kiosk = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?channel=kiosk", answer(10, "5"));
        assertEquals(201, kiosk.status(), kiosk.body());
        QuestionnaireResponse storedKiosk = kiosk.resource(QuestionnaireResponse.class);
        assertEquals("kiosk", ((CodeType) storedKiosk.getExtensionByUrl(FeedbackSurveys.CHANNEL_EXTENSION).getValue()).getValue());
        assertEquals("Organization/" + unit, ((Reference) storedKiosk.getExtensionByUrl(
                "https://vointi.fi/fhir/StructureDefinition/service-unit").getValue()).getReference());
        QuestionnaireResponse directAnswer = answer(3, null);
        directAnswer.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
        Reply direct = anonymous.post("/fhir/QuestionnaireResponse", directAnswer);
        assertEquals(201, direct.status(), direct.body());

        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE method = 'POST' AND agent_id IS NULL"
                + " AND source_ip IS NOT NULL"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path = ? AND operation = 'feedback-answer'"
                + " AND source_ip IS NULL AND agent_id IS NULL AND http_status = 303", "/feedback/" + unit + "/answer"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path = ? AND source_ip IS NULL"
                + " AND http_status = 201", "/feedback/" + unit + "/QuestionnaireResponse"));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event_patient p JOIN audit_event e ON e.id = p.event_id"
                + " WHERE e.path LIKE '/feedback/%'"));
    }

    @Test
    void badLinksAndAnswersAreRefusedAndNothingIsStored() {
        String disabled = FeedbackUnitsFixture.unit(dataSource, true, false);
        String inactive = FeedbackUnitsFixture.unit(dataSource, false, true);
        for (String id : List.of("no-such-unit", disabled, inactive)) {
            assertEquals(404, getHtml("/feedback/" + id).status());
            assertEquals(404, postForm("/feedback/" + id + "/answer", adultForm("9", "4")).status());
            anonymous.post("/feedback/" + id + "/QuestionnaireResponse", answer(9, "5")).outcome(404);
            assertEquals(404, anonymous.send(HttpRequest.newBuilder(anonymous.uri("/feedback/" + id + "/qr.png")).GET()).status());
            assertEquals(0, stored(id));
        }
        // out of range: recommendation 11, statement 6, a code that is not an option
        assertTrue(anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", answer(11, null)).outcome(422)
                .contains("from 0 to 10"));
        Reply html = postForm("/feedback/" + unit + "/answer", adultForm("11", "4"));
        assertEquals(422, html.status(), html.body());
        assertTrue(html.header("Content-Type").startsWith("text/html") && html.body().contains("role=\"alert\""));
        assertEquals(422, postForm("/feedback/" + unit + "/answer", adultForm("7", "6")).status());
        assertEquals(422, postForm("/feedback/" + unit + "/answer", adultForm("7", "x")).status());
        QuestionnaireResponse statementSix = answer(8, "5");
        statementSix.getItem().stream().filter(i -> i.getLinkId().equals("statements")).findFirst().orElseThrow()
                .getItem().get(0).getAnswerFirstRep().setValue(new org.hl7.fhir.r4.model.Coding(
                        "https://vointi.fi/fhir/CodeSystem/agreement-5", "6", null));
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", statementSix).outcome(422);
        // not completed, a subject, another unit, a channel of the client's choosing, a questionnaire that is not feedback
        QuestionnaireResponse inProgress = answer(8, null).setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", inProgress).outcome(422);
        QuestionnaireResponse withSubject = answer(8, null);
        withSubject.setSubject(new Reference("Patient/p1"));
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", withSubject).outcome(422);
        QuestionnaireResponse otherUnit = answer(8, null);
        otherUnit.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/elsewhere"));
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", otherUnit).outcome(422);
        QuestionnaireResponse ownChannel = answer(8, null);
        ownChannel.addExtension(FeedbackSurveys.CHANNEL_EXTENSION, new CodeType("sms"));
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", ownChannel).outcome(422);
        // nor may an anonymous post straight to the FHIR endpoint claim the token-checked sms channel
        QuestionnaireResponse forgedSms = ownChannel.copy();
        forgedSms.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new org.hl7.fhir.r4.model.Reference("Organization/" + unit));
        assertTrue(anonymous.post("/fhir/QuestionnaireResponse", forgedSms).outcome(422).contains("sms"));
        QuestionnaireResponse prom = new QuestionnaireResponse().setQuestionnaire("https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom")
                .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", prom).outcome(422);
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?channel=sms", answer(8, null)).outcome(400);
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", "{not json").outcome(400);
        assertEquals(0, stored(unit));
    }

    Questionnaire survey(String audience) {
        Reply reply = anonymous.get("/feedback/" + unit + "/Questionnaire?audience=" + audience);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Questionnaire.class);
    }

    /** The THL model: only the recommendation is required; each statement may be left out or answered "can't say". */
    @Test
    void statementsAreOptionalOneByOneAndCantSayIsAnAnswer() {
        // no statement at all, and one of five (the rest left out): both stored
        Reply none = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", answer(9, null));
        assertEquals(201, none.status(), none.body());
        assertFalse(none.body().contains("\"statements\""), none.body());
        Reply oneOfFive = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", answer(9, "5"));
        assertEquals(201, oneOfFive.status(), oneOfFive.body());
        // "can't say" on some statements, numbers on others: stored as answered
        ResponseBuilder some = ResponseBuilder.answering(adult).answerAllRequired().answer("recommendation", new IntegerType(7));
        some.answer("statement.access", some.option("statement.access", "cant-say"))
                .answer("statement.safety", some.option("statement.safety", "2"));
        Reply mixed = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", some.build("completed", null));
        assertEquals(201, mixed.status(), mixed.body());
        QuestionnaireResponse stored = mixed.resource(QuestionnaireResponse.class);
        var statements = stored.getItem().stream().filter(i -> i.getLinkId().equals("statements")).findFirst().orElseThrow().getItem();
        assertEquals(2, statements.size());
        assertEquals("cant-say", statements.get(0).getAnswerFirstRep().getValueCoding().getCode());
        assertEquals("https://vointi.fi/fhir/CodeSystem/agreement-5", statements.get(0).getAnswerFirstRep().getValueCoding().getSystem());
        // the children's "I don't know" too
        Questionnaire child = survey("child");
        ResponseBuilder childAnswer = ResponseBuilder.answering(child).answerAllRequired().answer("recommendation", new IntegerType(10));
        childAnswer.answer("statement.kind", childAnswer.option("statement.kind", "dont-know"));
        Reply childReply = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", childAnswer.build("completed", null));
        assertEquals(201, childReply.status(), childReply.body());
        // the HTML form alike: one statement "can't say", the others left empty
        Map<String, String> partialForm = adultForm("8", "");
        partialForm.put("item:statement.heard", "cant-say");
        Reply formReply = postForm("/feedback/" + unit + "/answer", partialForm);
        assertEquals(303, formReply.status(), formReply.body());
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?"
                + " AND resource_json LIKE '%\"code\":\"cant-say\"%'", "Organization/" + unit), "the FHIR answer's and the form's");
        // but the recommendation stays required, and "can't say" is no recommendation
        QuestionnaireResponse noRecommendation = ResponseBuilder.answering(adult)
                .answer("statement.heard", ResponseBuilder.answering(adult).option("statement.heard", "4")).build("completed", null);
        assertTrue(anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", noRecommendation).outcome(422)
                .contains("'recommendation' is missing"));
        assertEquals(5, stored(unit));
    }

    /** One open-text limit for every audience: 2,000 characters stored, 2,001 refused, on the link and on plain FHIR. */
    @Test
    void openTextIsAtMost2000CharactersForEveryAudience() {
        for (String audience : List.of("adult", "child", "relative")) {
            Questionnaire survey = survey(audience);
            QuestionnaireResponse longest = ResponseBuilder.answering(survey).answerAllRequired()
                    .answer("open", new org.hl7.fhir.r4.model.StringType("k".repeat(2000))).build("completed", null);
            Reply accepted = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", longest);
            assertEquals(201, accepted.status(), audience + ": " + accepted.body());
            QuestionnaireResponse tooLong = ResponseBuilder.answering(survey).answerAllRequired()
                    .answer("open", new org.hl7.fhir.r4.model.StringType("k".repeat(2001))).build("completed", null);
            String refused = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", tooLong.copy()).outcome(422);
            assertTrue(refused.contains("2001 characters long but maxLength is 2000"), audience + ": " + refused);
            tooLong.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
            assertTrue(anonymous.post("/fhir/QuestionnaireResponse", tooLong).outcome(422).contains("maxLength is 2000"), audience);
        }
        assertEquals(3, stored(unit), "only the three answers of 2,000 characters");
    }

    @Test
    void anonymousAnswersRefuseEveryPlaceToHideAnIdentityAndKeepOnlyTheHour() {
        List<QuestionnaireResponse> hiding = new ArrayList<>();
        QuestionnaireResponse narrative = answer(8, null);
        narrative.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>Maija Meikäläinen</div>");
        hiding.add(narrative);
        QuestionnaireResponse contained = answer(8, null);
        contained.addContained(new org.hl7.fhir.r4.model.Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Meikäläinen")).setId("p"));
        hiding.add(contained);
        hiding.add(answer(8, null).setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("urn:oid:1.2.246.21").setValue("010101-123N")));
        QuestionnaireResponse tagged = answer(8, null);
        tagged.getMeta().setSource("phone-of-maija").addTag("urn:x", "maija", null);
        hiding.add(tagged);
        QuestionnaireResponse ownExtension = answer(8, null);
        ownExtension.addExtension("urn:x:who", new org.hl7.fhir.r4.model.StringType("Maija"));
        hiding.add(ownExtension);
        for (QuestionnaireResponse response : hiding) {
            assertTrue(anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", response).outcome(422).contains("anonym"));
        }
        for (QuestionnaireResponse response : hiding.subList(0, 4)) {
            response.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
            assertTrue(anonymous.post("/fhir/QuestionnaireResponse", response).outcome(422).contains("anonym"));
        }
        assertEquals(0, stored(unit));

        // a profile is fine; the stored time is the hour of receipt, not the millisecond
        QuestionnaireResponse profiled = answer(8, null);
        profiled.getMeta().addProfile("http://hl7.org/fhir/StructureDefinition/QuestionnaireResponse");
        Reply reply = anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?channel=kiosk", profiled);
        assertEquals(201, reply.status(), reply.body());
        java.time.Instant authored = reply.resource(QuestionnaireResponse.class).getAuthored().toInstant();
        assertEquals(authored.truncatedTo(java.time.temporal.ChronoUnit.HOURS), authored);
        assertTrue(java.time.Duration.between(authored, java.time.Instant.now()).compareTo(Duration.ofHours(1)) < 0);
        java.time.Instant written = reply.resource(QuestionnaireResponse.class).getMeta().getLastUpdated().toInstant();
        assertEquals(written.truncatedTo(java.time.temporal.ChronoUnit.HOURS), written, "meta.lastUpdated to the hour too");

        // a direct anonymous post cannot choose its authored (issue 13 case 4): it is the hour of receipt
        QuestionnaireResponse exact = answer(9, null);
        exact.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new org.hl7.fhir.r4.model.Reference("Organization/" + unit));
        exact.setAuthoredElement(new org.hl7.fhir.r4.model.DateTimeType("2024-11-20T14:03:27.512+02:00"));
        Reply direct = anonymous.post("/fhir/QuestionnaireResponse", exact);
        assertEquals(201, direct.status(), direct.body());
        java.time.Instant directAuthored = direct.resource(QuestionnaireResponse.class).getAuthored().toInstant();
        assertTrue(directAuthored.isAfter(java.time.Instant.now().minus(Duration.ofHours(1))), direct.body());
        assertEquals(directAuthored.truncatedTo(java.time.temporal.ChronoUnit.HOURS), directAuthored, direct.body());
    }

    @Test
    void theStaffSurveyIsAnsweredOnlyThroughStaffLinks() throws Exception {
        Questionnaire staffSurvey = anonymous.get("/feedback/" + unit + "/Questionnaire?audience=staff").resource(Questionnaire.class);
        QuestionnaireResponse enps = ResponseBuilder.answering(staffSurvey).answerAllRequired()
                .answer("recommendation", new IntegerType(2)).build("completed", null);
        // not from the poster link, nor straight to the FHIR endpoint
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse", enps.copy()).outcome(403);
        QuestionnaireResponse direct = enps.copy();
        direct.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new org.hl7.fhir.r4.model.Reference("Organization/" + unit));
        assertTrue(anonymous.post("/fhir/QuestionnaireResponse", direct).outcome(403).contains("staff link"));
        // a customer SMS link does not open it either
        FhirTestClient admin = anonymous.as(tokens.admin());
        String customerLink = linksOf(postJson(admin, "{\"unit\":\"" + unit + "\"}").body()).get(0);
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + tokenOf(customerLink), enps.copy()).outcome(403);
        long invitations = Db.count(dataSource, "SELECT COALESCE(SUM(issued), 0) FROM feedback_invitation_count WHERE unit_id = ?", unit);
        // a staff link does, once; it is not a customer invitation, and it answers nothing else
        Reply issued = postJson(admin, "{\"unit\":\"" + unit + "\",\"audience\":\"staff\",\"count\":2}");
        assertEquals(201, issued.status(), issued.body());
        assertEquals(invitations, Db.count(dataSource, "SELECT COALESCE(SUM(issued), 0) FROM feedback_invitation_count WHERE unit_id = ?", unit));
        List<String> staffLinks = linksOf(issued.body());
        String staffToken = tokenOf(staffLinks.get(0));
        assertEquals(201, anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + staffToken, enps.copy()).status());
        String otherStaffToken = tokenOf(staffLinks.get(1));
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + otherStaffToken, answer(9, null)).outcome(403);
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND questionnaire_url = ?",
                "Organization/" + unit, staffSurvey.getUrl()));
        postJson(admin, "{\"unit\":\"" + unit + "\",\"audience\":\"adult\"}").outcome(400);
    }

    @Test
    void smsLinksAreIssuedCountedSingleUseAndExpire() throws Exception {
        FhirTestClient admin = anonymous.as(tokens.admin());
        Reply issued = postJson(admin, "{\"unit\":\"" + unit + "\",\"count\":3}");
        assertEquals(201, issued.status(), issued.body());
        assertTrue(issued.body().contains("\"service\":\"svc-" + unit + "\""), issued.body());
        assertEquals(3, Db.count(dataSource, "SELECT issued FROM feedback_invitation_count WHERE unit_id = ? AND channel = 'sms'", unit));
        List<String> links = linksOf(issued.body());
        assertEquals(3, links.size());
        String token = tokenOf(links.get(0));
        // short enough for an SMS: the short path and a 22-character token, no unit id, no signature
        assertEquals("https://palaute.example.fi/p/" + token, links.get(0));
        assertTrue(links.get(0).length() <= 60, links.get(0));
        assertEquals(22, token.length());

        // a manager of the unit may issue, a manager of another unit not, nobody anonymously
        assertEquals(201, postJson(anonymous.as(tokens.unitManager(unit)), "{\"unit\":\"" + unit + "\"}").status());
        postJson(anonymous.as(tokens.unitManager("other-unit")), "{\"unit\":\"" + unit + "\"}").outcome(403);
        postJson(anonymous, "{\"unit\":\"" + unit + "\"}").outcome(401);
        postJson(admin, "{\"unit\":\"" + unit + "\",\"count\":0}").outcome(400);
        assertEquals(4, Db.count(dataSource, "SELECT issued FROM feedback_invitation_count WHERE unit_id = ?", unit));

        // the SMS link opens the form and takes exactly one answer, stored as channel sms
        assertEquals(200, getHtml("/feedback/" + unit + "?token=" + token).status());
        Map<String, String> form = adultForm("10", "5");
        form.put("token", token);
        assertEquals(303, postForm("/feedback/" + unit + "/answer", form).status());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?"
                + " AND resource_json LIKE '%\"valueCode\":\"sms\"%'", "Organization/" + unit));
        assertEquals(409, postForm("/feedback/" + unit + "/answer", form).status());
        Reply usedPage = getHtml("/feedback/" + unit + "?token=" + token + "&lang=en");
        assertEquals(409, usedPage.status());
        assertTrue(usedPage.body().contains("already been used"), usedPage.body());
        String second = tokenOf(links.get(1));
        assertEquals(201, anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + second, answer(6, null)).status());
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + second, answer(6, null)).outcome(409);
        assertEquals(2, stored(unit));
        // the token is never in the audit trail
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE path LIKE ? OR detail LIKE ?",
                "%" + token + "%", "%" + token + "%"));

        // expired, never issued (forged or mistyped), for another unit
        String expired = channelTokens.issue(unit, null, "sms", Duration.ofSeconds(-1));
        assertEquals(410, getHtml("/feedback/" + unit + "?token=" + expired).status());
        assertTrue(anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + expired, answer(9, null))
                .outcome(410).contains("expired"));
        String forged = LinkTokens.newToken();
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + forged, answer(9, null)).outcome(403);
        assertEquals(403, getHtml("/feedback/" + unit + "?token=" + forged).status());
        String tampered = tokenOf(links.get(2));
        tampered = tampered.substring(0, tampered.length() - 3) + (tampered.endsWith("AAA") ? "BBB" : "AAA");
        anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + tampered, answer(9, null)).outcome(403);
        assertEquals(403, getHtml("/feedback/" + unit + "?token=garbage").status());
        String elsewhere = FeedbackUnitsFixture.unit(dataSource, true, true);
        anonymous.post("/feedback/" + elsewhere + "/QuestionnaireResponse?token=" + second, answer(9, null)).outcome(403);
        assertEquals(2, stored(unit));
        assertEquals(0, stored(elsewhere));
    }

    @Test
    void aShortLinkRedirectsToItsUnitsFormWhichTellsWhenItIsUsedOrExpired() {
        FhirTestClient admin = anonymous.as(tokens.admin());
        String token = tokenOf(linksOf(postJson(admin, "{\"unit\":\"" + unit + "\"}").body()).get(0));
        Reply redirect = getHtml("/p/" + token);
        assertEquals(303, redirect.status(), redirect.body());
        assertEquals("/feedback/" + unit + "?token=" + token, redirect.header("Location"));
        assertEquals(List.of("no-store"), redirect.raw().headers().allValues("Cache-Control"));
        assertEquals(List.of("same-origin"), redirect.raw().headers().allValues("Referrer-Policy"));
        assertEquals(200, getHtml(redirect.header("Location")).status());

        // once answered, the link still leads to the form, which says it has been used
        assertEquals(201, anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + token, answer(8, null)).status());
        Reply used = getHtml("/p/" + token);
        assertEquals(303, used.status());
        assertEquals(409, getHtml(used.header("Location")).status());
        String expired = channelTokens.issue(unit, null, "sms", Duration.ofSeconds(-1));
        Reply old = getHtml("/p/" + expired);
        assertEquals(303, old.status());
        assertEquals(410, getHtml(old.header("Location") + "&lang=en").status());

        // a token that was never issued names no unit: a small page of its own, not a redirect
        for (String unknown : List.of(LinkTokens.newToken(), "garbage", "x".repeat(300))) {
            Reply refused = getHtml("/p/" + unknown, "Accept-Language", "en");
            assertEquals(404, refused.status(), unknown);
            assertNull(refused.header("Location"));
            assertTrue(refused.header("Content-Type").startsWith("text/html") && refused.body().contains("This feedback link is not valid"),
                    refused.body());
            assertEquals("no-store", refused.header("Cache-Control"));
        }
        assertEquals(1, stored(unit));
    }

    @Test
    void theConfiguredBaseWinsOverAnyHostTheClientNames() throws Exception {
        RawHttp.Response png = RawHttp.send(server, "GET", "/feedback/" + unit + "/qr.png", PublicLinksTest.EVIL_HOST, null);
        assertEquals(200, png.status());
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals("https://palaute.example.fi/feedback/" + unit, new QRCodeReader().decode(new BinaryBitmap(
                new HybridBinarizer(new BufferedImageLuminanceSource(image)))).getText());
        Map<String, String> headers = new LinkedHashMap<>(PublicLinksTest.EVIL_HOST);
        headers.put("Authorization", "Bearer " + tokens.admin());
        headers.put("Content-Type", "application/json");
        RawHttp.Response issued = RawHttp.send(server, "POST", "/api/feedback/channel-tokens", headers, "{\"unit\":\"" + unit + "\"}");
        assertEquals(201, issued.status(), issued.text());
        assertFalse(issued.text().contains("evil"), issued.text());
        assertTrue(linksOf(issued.text()).get(0).startsWith("https://palaute.example.fi/p/"), issued.text());
    }

    @Test
    void oneSmsTokenSentManyTimesAtOnceTakesExactlyOneAnswer() throws Exception {
        String token = channelTokens.issue(unit, null, "sms", Duration.ofHours(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> anonymous.post("/feedback/" + unit + "/QuestionnaireResponse?token=" + token,
                        answer(7, null)).status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, stored(unit));
    }

    @Test
    void concurrentIssuesAreAllCounted() throws Exception {
        FhirTestClient admin = anonymous.as(tokens.admin());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> postJson(admin, "{\"unit\":\"" + unit + "\",\"count\":2}").status()));
            }
            for (Future<Integer> result : results) {
                assertEquals(201, result.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(32, Db.count(dataSource, "SELECT issued FROM feedback_invitation_count WHERE unit_id = ?", unit));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_invitation_count WHERE unit_id = ?", unit));
    }

    @Test
    void qrCodesEncodeTheUnitsPublicLink() throws Exception {
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(anonymous.uri("/feedback/" + unit + "/qr.png?size=300")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(300, image.getWidth());
        String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
                .getText();
        assertEquals("https://palaute.example.fi/feedback/" + unit, decoded);

        Reply kiosk = anonymous.send(HttpRequest.newBuilder(anonymous.uri("/feedback/" + unit + "/qr.svg?channel=kiosk")).GET());
        assertEquals(200, kiosk.status());
        assertTrue(kiosk.header("Content-Type").startsWith("image/svg+xml"));
        assertTrue(kiosk.body().contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && kiosk.body().contains("<path"));
        assertEquals(400, anonymous.send(HttpRequest.newBuilder(anonymous.uri("/feedback/" + unit + "/qr.png?size=5")).GET()).status());
        assertEquals(400, anonymous.send(HttpRequest.newBuilder(anonymous.uri("/feedback/" + unit + "/qr.svg?channel=nonsense")).GET()).status());
    }

    static String tokenOf(String link) {
        return link.substring(link.indexOf("/p/") + 3);
    }

    private static List<String> linksOf(String json) {
        List<String> links = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(https?://[^\"]+/p/[^\"]+)\"").matcher(json);
        while (m.find()) {
            links.add(m.group(1));
        }
        assertFalse(links.isEmpty(), json);
        assertNotNull(json);
        return links;
    }
}
