package fi.vointi.analytics;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
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
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feedback submitted over HTTP to real questionnaires carrying the feedback-survey contract, counted in
 * the rollups and reported by the analytics API, checked against hand-computed figures.
 */
@MicronautTest
@Property(name = "vointi.questionnaires.dir", value = "src/test/resources/analytics-questionnaires")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedbackAnalyticsApiTest {
    static final String MARCH = "from=2026-03-01&to=2026-03-31&granularity=month";

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
    Questionnaire adult;
    Questionnaire staff;
    String p;

    @BeforeAll
    void setUp() {
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
        admin = anonymous.as(tokens.admin());
        adult = anonymous.get("/fhir/Questionnaire/test-feedback-adult").resource(Questionnaire.class);
        staff = anonymous.get("/fhir/Questionnaire/test-feedback-staff").resource(Questionnaire.class);
        p = "t" + UUID.randomUUID().toString().substring(0, 8);
        new OrgFixture(dataSource)
                .unit(p + "-county", null, "county")
                .unit(p + "-area", p + "-county", "area")
                .unit(p + "-svc", p + "-area", "service")
                .unit(p + "-u1", p + "-svc", "unit")
                .unit(p + "-u2", p + "-svc", "unit")
                .unit(p + "-county2", null, "county")
                .unit(p + "-area2", p + "-county2", "area")
                .unit(p + "-svc2", p + "-area2", "service")
                .unit(p + "-b1", p + "-svc2", "unit")
                .unit(p + "-b2", p + "-svc2", "unit")
                .unit(p + "-busy", p + "-area2", "unit")
                .unit(p + "-county3", null, "county")
                .unit(p + "-svc3", p + "-county3", "service")
                .unit(p + "-c1", p + "-svc3", "unit")
                .unit(p + "-c2", p + "-svc3", "unit")
                .unit(p + "-talk", null, "unit")
                .unit(p + "-svc4", null, "service")
                .unit(p + "-i1", p + "-svc4", "unit")
                .unit(p + "-i2", p + "-svc4", "unit")
                .unit(p + "-mixed", null, "unit")
                .unit(p + "-cs", null, "unit")
                .unit(p + "-cs-only", null, "unit");
        // the contract table of the feedback package (V5), created here when this branch does not have it yet
        OrgFixture org = new OrgFixture(dataSource);
        org.execute("CREATE TABLE IF NOT EXISTS feedback_invitation_count (unit_id VARCHAR(64) NOT NULL, local_date DATE NOT NULL,"
                + " channel VARCHAR(16) NOT NULL, issued INTEGER NOT NULL)");
        org.execute("INSERT INTO feedback_invitation_count (unit_id, local_date, channel, issued) VALUES (?, ?, 'sms', 40)",
                p + "-u1", java.sql.Date.valueOf("2026-03-09"));
    }

    private String submit(Questionnaire questionnaire, String unit, int recommendation, int access, String openText, String authored) {
        return submit(questionnaire, unit, recommendation, access, openText, authored, "qr");
    }

    private String submit(Questionnaire questionnaire, String unit, int recommendation, int access, String openText, String authored,
                          String channel) {
        ResponseBuilder builder = ResponseBuilder.answering(questionnaire).answerAllRequired()
                .answer("recommendation", ResponseBuilder.answering(questionnaire).option("recommendation", Integer.toString(recommendation)))
                .answer("statement.access", ResponseBuilder.answering(questionnaire).option("statement.access", Integer.toString(access)));
        if (openText != null) {
            builder.answer("open", new StringType(openText));
        }
        QuestionnaireResponse response = builder.build("completed", null);
        response.setAuthoredElement(new DateTimeType(authored));
        if (unit != null) {
            response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + unit));
        }
        response.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType(channel));
        // sms answers with their original dates come from a backend integration (an SMS gateway relaying them);
        // an anonymous direct post may not claim the sms channel
        // answers with their original dates come from a backend integration (a gateway relaying them, create scope):
        // a live anonymous post is dated at receipt (issue 13 case 4), and may not claim the sms channel
        FhirTestClient sender = anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c"));
        Reply reply = sender.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    /** GET with Accept: application/json, as a reporting client sends it. */
    private static Reply get(FhirTestClient client, String path) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Accept", "application/json").GET());
    }

    private static Reply postCsv(FhirTestClient client, String csv) {
        return client.send(HttpRequest.newBuilder(client.uri("/analytics/visits")).header("Content-Type", "text/csv")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    private JsonNode getJson(FhirTestClient client, String path) {
        Reply reply = get(client, path);
        assertEquals(200, reply.status(), reply.body());
        try {
            return json.readValue(reply.body(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double number(JsonNode node, String... path) {
        JsonNode at = node;
        for (String name : path) {
            at = at.get(name);
        }
        return at.getNumberValue().doubleValue();
    }

    @Test
    void feedbackIsCountedForTheUnitAndItsParentsWithHandComputedFigures() throws IOException {
        int[] recommendations = {10, 10, 9, 9, 9, 8, 8, 7, 5, 0};
        int[] access = {5, 5, 4, 4, 4, 3, 3, 2, 1, 5};
        for (int i = 0; i < 10; i++) {
            submit(adult, p + "-u1", recommendations[i], access[i], i < 3 ? "comment " + i : null, "2026-03-10T12:00:00+02:00",
                    i < 6 ? "sms" : "qr");
        }
        for (int i = 0; i < 6; i++) {
            submit(adult, p + "-u2", 10, 5, null, "2026-03-20T09:00:00+02:00");
        }
        // 22:30 UTC on 31 March is 01:30 on 1 April in Helsinki: an April answer
        submit(adult, p + "-u1", 0, 1, null, "2026-03-31T22:30:00Z");
        // staff (eNPS) answers are never mixed into customer figures
        submit(staff, p + "-u1", 0, 1, null, "2026-03-10T12:00:00+02:00", "sms"); // staff answers come through staff links
        // an answer about no unit is not feedback at all: refused (issue 13 case 4), nothing stored or counted
        QuestionnaireResponse noUnit = ResponseBuilder.answering(adult).answerAllRequired().build("completed", null);
        long factsBefore = Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact");
        assertTrue(anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c"))
                .post("/fhir/QuestionnaireResponse", noUnit).outcome(422).contains("service-unit"));
        assertEquals(factsBefore, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact"));

        Reply imported = postCsv(admin, "unit,period,visits\n" + p + "-u1,2026-03,200\n" + p + "-u2,2026-03,100\n");
        assertEquals(200, imported.status(), imported.body());
        assertTrue(imported.body().contains("\"imported\":2"), imported.body());

        JsonNode u1 = getJson(admin, "/analytics/units/" + p + "-u1/feedback?" + MARCH);
        JsonNode total = u1.get("total");
        assertEquals(10, number(total, "responses"));
        // 5 promoters, 3 passives, 2 detractors: NPS 30; Wald: Var = (.7 - .09)/10, half-width 48.41
        assertEquals(10, number(total, "nps", "n"));
        assertEquals(5, number(total, "nps", "promoters"));
        assertEquals(3, number(total, "nps", "passives"));
        assertEquals(2, number(total, "nps", "detractors"));
        assertEquals(30.0, number(total, "nps", "score"), 0.005);
        assertEquals(-18.41, number(total, "nps", "ci95", "lower"), 0.005);
        assertEquals(78.41, number(total, "nps", "ci95", "upper"), 0.005);
        JsonNode statement = statement(total, "statement.access");
        assertEquals(10, number(statement, "n"));
        assertEquals(3.6, number(statement, "mean"), 0.005);
        assertEquals(60.0, number(statement, "agreePercent"), 0.005);
        assertEquals(List.of(1.0, 1.0, 2.0, 3.0, 3.0), List.of(number(statement, "distribution", "1"),
                number(statement, "distribution", "2"), number(statement, "distribution", "3"),
                number(statement, "distribution", "4"), number(statement, "distribution", "5")));
        assertEquals(200, number(total, "visits"));
        assertEquals(5.0, number(total, "responseRate"), 0.005);
        // 6 answers through SMS of 40 SMS invitations
        assertEquals(40, number(total, "invitations"));
        assertEquals(15.0, number(total, "invitationRate"), 0.005);
        assertEquals(1, u1.get("series").size());
        assertEquals("2026-03", u1.get("series").get(0).get("period").getStringValue());

        // the service, the area and the county all see the 16 answers: 11 promoters, 3 passives, 2 detractors
        for (String parent : List.of("-svc", "-area", "-county")) {
            JsonNode t = getJson(admin, "/analytics/units/" + p + parent + "/feedback?" + MARCH).get("total");
            assertEquals(16, number(t, "responses"), parent);
            assertEquals(56.25, number(t, "nps", "score"), 0.005);
            assertEquals(21.74, number(t, "nps", "ci95", "lower"), 0.005);
            assertEquals(90.76, number(t, "nps", "ci95", "upper"), 0.005);
        }
        JsonNode service = getJson(admin, "/analytics/units/" + p + "-svc/feedback?" + MARCH).get("total");
        assertEquals(300, number(service, "visits"));
        assertEquals(5.33, number(service, "responseRate"), 0.005);

        JsonNode april = getJson(admin, "/analytics/units/" + p + "-u1/feedback?from=2026-04-01&to=2026-04-30&granularity=day");
        assertEquals(30, april.get("series").size());
        assertTrue(april.get("series").get(0).get("suppressed").getBooleanValue(), "1 April: one answer, suppressed");
        assertEquals(Boolean.FALSE, april.get("series").get(1).get("suppressed").getBooleanValue());
        assertEquals(0, number(april.get("series").get(1), "responses"));

        JsonNode staffReport = getJson(admin, "/analytics/units/" + p + "-u1/feedback?" + MARCH + "&audience=staff");
        assertEquals("small-cell", staffReport.get("total").get("suppression").getStringValue());
        assertEquals(1, Db.count(dataSource, "SELECT SUM(responses) FROM feedback_daily WHERE unit_id = ? AND audience = 'staff'", p + "-u1"));

        // CSV: the service's units compared
        Reply csv = admin.send(HttpRequest.newBuilder(admin.uri("/analytics/units/" + p + "-svc/feedback/children?" + MARCH))
                .header("Accept", "text/csv").GET());
        assertEquals(200, csv.status(), csv.body());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"));
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.body())).getRecords();
        assertEquals(4, rows.size(), "two units x (March, total)");
        CSVRecord u1March = rows.stream().filter(r -> r.get("unit_id").equals(p + "-u1") && r.get("period").equals("2026-03"))
                .findFirst().orElseThrow();
        assertEquals("10", u1March.get("responses"));
        assertEquals("30.0", u1March.get("nps"));
        assertEquals("-18.41", u1March.get("nps_ci95_lower"));
        assertEquals("5", u1March.get("promoters"));
        assertEquals("3.6", u1March.get("statement.access:mean"));
        assertEquals("5.0", u1March.get("response_rate_pct"));
        assertEquals("40", u1March.get("invitations"));
        assertEquals("15.0", u1March.get("invitation_rate_pct"));
        assertEquals("", u1March.get("suppression"));
        assertEquals(csv.body(), get(admin, "/analytics/units/" + p + "-svc/feedback/children?" + MARCH + "&format=csv").body());

        JsonNode comments = getJson(admin, "/analytics/units/" + p + "-u1/feedback/open-text?from=2026-03-01&to=2026-03-31");
        assertTrue(comments.get("available").getBooleanValue());
        assertEquals(3, comments.get("comments").size());
        // reading comments is on the audit trail, with the unit but never the query string
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'analytics-open-text' AND entities LIKE ?",
                "%Organization/" + p + "-u1%") >= 1);
    }

    @Test
    void suppressionCannotBeUndoneBySubtractingAChildFromItsParent() throws IOException {
        // service 2 has 12 answers: unit b1 8, unit b2 4
        for (int i = 0; i < 8; i++) {
            submit(adult, p + "-b1", 9, 4, "b1 comment", "2026-03-05T10:00:00+02:00");
        }
        for (int i = 0; i < 4; i++) {
            submit(adult, p + "-b2", 0, 1, "b2 comment", "2026-03-06T10:00:00+02:00");
        }
        JsonNode parent = getJson(admin, "/analytics/units/" + p + "-svc2/feedback?" + MARCH).get("total");
        assertEquals(12, number(parent, "responses"), "the parent is published");
        assertEquals(33.33, number(parent, "nps", "score"), 0.005); // 8 promoters, 4 detractors

        JsonNode children = getJson(admin, "/analytics/units/" + p + "-svc2/feedback/children?" + MARCH).get("children");
        assertEquals(2, children.size());
        for (JsonNode child : children.values()) {
            JsonNode total = child.get("total");
            assertTrue(total.get("suppressed").getBooleanValue(), child.get("unit").get("id").getStringValue());
            assertNull(total.get("responses"), "no counts");
            assertNull(total.get("nps"), "no NPS");
            assertNull(child.get("series").get(0).get("responses"), "no counts in the monthly series either");
        }
        JsonNode b1 = getJson(admin, "/analytics/units/" + p + "-b1/feedback?" + MARCH).get("total");
        assertEquals("small-cell", b1.get("suppression").getStringValue(), "8 answers, hidden to protect b2; the same reason as b2");
        JsonNode b2 = getJson(admin, "/analytics/units/" + p + "-b2/feedback?" + MARCH).get("total");
        assertEquals("small-cell", b2.get("suppression").getStringValue(), "small and complementary told apart would give 1 + k exactly");
        // the attack: parent minus every published child; nothing of b1 or b2 is published, so only 12 >= 5 is revealed
        Reply csv = get(admin, "/analytics/units/" + p + "-svc2/feedback/children?" + MARCH + "&format=csv");
        for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.body()))) {
            assertEquals("", row.get("responses"));
            assertEquals("", row.get("nps"));
            assertFalse(row.get("suppression").isEmpty());
        }
        // open text: the 4-answer group gets none, the 12-answer parent does
        JsonNode b2Comments = getJson(admin, "/analytics/units/" + p + "-b2/feedback/open-text?from=2026-03-01&to=2026-03-31");
        assertFalse(b2Comments.get("available").getBooleanValue());
        assertNull(b2Comments.get("comments"));
        assertEquals(12, getJson(admin, "/analytics/units/" + p + "-svc2/feedback/open-text?from=2026-03-01&to=2026-03-31")
                .get("comments").size());
    }

    @Test
    void aSmallMonthCannotBeRecoveredAsTheTotalMinusThePublishedMonths() {
        // c1: March 2 (detractors), April 6, May 7; c2: 6 a month. Publishing c1's total 15 with April and May
        // would give March = 15 - 6 - 7 = 2 and, from the NPS counts, that both were detractors
        int[] c1 = {2, 6, 7};
        String[] months = {"2026-03-10", "2026-04-10", "2026-05-10"};
        for (int m = 0; m < 3; m++) {
            for (int i = 0; i < c1[m]; i++) {
                submit(adult, p + "-c1", m == 0 ? 0 : 10, 3, null, months[m] + "T10:00:00+03:00");
            }
            for (int i = 0; i < 6; i++) {
                submit(adult, p + "-c2", 8, 3, null, months[m] + "T11:00:00+03:00");
            }
        }
        String spring = "from=2026-03-01&to=2026-05-31&granularity=month";
        List<JsonNode> reports = new ArrayList<>();
        for (String unit : List.of("-c1", "-c2", "-svc3")) {
            reports.add(getJson(admin, "/analytics/units/" + p + unit + "/feedback?" + spring));
        }
        getJson(admin, "/analytics/units/" + p + "-svc3/feedback/children?" + spring).get("children").values().forEach(reports::add);
        for (JsonNode report : reports) {
            JsonNode total = report.get("total");
            if (total.get("suppressed").getBooleanValue()) {
                continue;
            }
            long hidden = (long) number(total, "responses");
            long hiddenPromoters = (long) number(total, "nps", "promoters");
            long hiddenDetractors = (long) number(total, "nps", "detractors");
            int suppressedMonths = 0;
            for (JsonNode month : report.get("series").values()) {
                if (month.get("suppressed").getBooleanValue()) {
                    suppressedMonths++;
                } else {
                    hidden -= (long) number(month, "responses");
                    hiddenPromoters -= (long) number(month, "nps", "promoters");
                    hiddenDetractors -= (long) number(month, "nps", "detractors");
                }
            }
            String unit = report.get("unit").get("id").getStringValue();
            assertTrue(hidden == 0 || hidden >= 5 && suppressedMonths >= 2, unit + ": total - published months = " + hidden);
            assertFalse(hidden > 0 && hiddenDetractors == hidden, unit + ": the hidden months' answers are not all known");
            assertTrue(hiddenPromoters >= 0);
        }
        JsonNode c1Report = reports.get(0);
        assertTrue(c1Report.get("series").get(0).get("suppressed").getBooleanValue(), "March: 2 answers");
        assertTrue(c1Report.get("series").get(1).get("suppressed").getBooleanValue(), "April goes with March");
        assertEquals(15, number(c1Report.get("total"), "responses"));
        assertEquals(7, number(c1Report.get("series").get(2), "responses"));
    }

    @Test
    void openTextOfASmallMonthCannotBeHadAsTwoMonthsMinusOne() {
        for (int i = 0; i < 6; i++) {
            submit(adult, p + "-talk", 9, 4, "march " + i, "2026-03-12T10:00:00+02:00");
        }
        submit(adult, p + "-talk", 2, 1, "april, the only one", "2026-04-12T10:00:00+03:00");
        JsonNode march = getJson(admin, "/analytics/units/" + p + "-talk/feedback/open-text?from=2026-03-01&to=2026-03-31");
        assertTrue(march.get("available").getBooleanValue());
        assertEquals(6, march.get("comments").size());
        // 7 answers in March-April, but April alone is 1: March-April minus March would be April's comment
        JsonNode both = getJson(admin, "/analytics/units/" + p + "-talk/feedback/open-text?from=2026-03-01&to=2026-04-30");
        assertFalse(both.get("available").getBooleanValue(), both.toString());
        assertNull(both.get("comments"));
    }

    @Test
    void theInvitedSubCountCannotBeHadAsParentMinusChild() {
        // i1: 6 answers by SMS of 20 invited; i2: 2 by SMS of 10 invited and 4 by QR code
        OrgFixture org = new OrgFixture(dataSource);
        org.execute("INSERT INTO feedback_invitation_count (unit_id, local_date, channel, issued) VALUES (?, ?, 'sms', 20)",
                p + "-i1", java.sql.Date.valueOf("2026-03-02"));
        org.execute("INSERT INTO feedback_invitation_count (unit_id, local_date, channel, issued) VALUES (?, ?, 'sms', 10)",
                p + "-i2", java.sql.Date.valueOf("2026-03-02"));
        for (int i = 0; i < 6; i++) {
            submit(adult, p + "-i1", 9, 4, null, "2026-03-05T10:00:00+02:00", "sms");
        }
        for (int i = 0; i < 6; i++) {
            submit(adult, p + "-i2", 9, 4, null, "2026-03-05T10:00:00+02:00", i < 2 ? "sms" : "qr");
        }
        JsonNode service = getJson(admin, "/analytics/units/" + p + "-svc4/feedback?" + MARCH).get("total");
        assertEquals(26.67, number(service, "invitationRate"), 0.005, "8 of 30");
        JsonNode children = getJson(admin, "/analytics/units/" + p + "-svc4/feedback/children?" + MARCH).get("children");
        for (JsonNode child : children.values()) {
            JsonNode total = child.get("total");
            assertEquals(6, number(total, "responses"));
            // i2's 2 would be 8 - 6 if i1's rate (6 of 20) were shown
            assertNull(total.get("invitationRate"), child.get("unit").get("id").getStringValue());
        }
    }

    @Test
    void aFeedbackResponseTheRollupsCannotHoldIsA422AndNothingIsStored() {
        QuestionnaireResponse response = ResponseBuilder.answering(adult).answerAllRequired().build("completed", null);
        response.setAuthoredElement(new DateTimeType("2026-03-05T10:00:00+02:00"));
        response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + p + "-u1"));
        response.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType("carrier-pigeon-express"));
        long before = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response");
        Reply reply = anonymous.post("/fhir/QuestionnaireResponse", response);
        assertEquals(422, reply.status(), reply.body());
        assertTrue(reply.body().contains("feedback-channel"), reply.body());
        assertEquals(before, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response"));
    }

    @Test
    void openTextOfASmallAudienceCannotBeHadAsCustomerMinusAdult() {
        Questionnaire relative = anonymous.get("/fhir/Questionnaire/test-feedback-relative").resource(Questionnaire.class);
        for (int i = 0; i < 6; i++) {
            submit(adult, p + "-mixed", 9, 4, "adult " + i, "2026-03-12T10:00:00+02:00");
        }
        submit(relative, p + "-mixed", 3, 2, "the only relative", "2026-03-13T10:00:00+02:00");
        String march = "/analytics/units/" + p + "-mixed/feedback/open-text?from=2026-03-01&to=2026-03-31";
        assertEquals(6, getJson(admin, march + "&audience=adult").get("comments").size());
        // 7 customers, but customer minus adult would be the one relative's comment
        JsonNode customers = getJson(admin, march);
        assertFalse(customers.get("available").getBooleanValue(), customers.toString());
        assertNull(customers.get("comments"));
    }

    @Test
    void concurrentWritersNeverLoseAnIncrement() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int recommendation = i % 11;
                futures.add(pool.submit(() -> submit(adult, p + "-busy", recommendation, 3, null, "2026-02-14T12:00:00+02:00")));
            }
            for (Future<String> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(24, Db.count(dataSource, "SELECT responses FROM feedback_daily WHERE unit_id = ? AND audience = 'adult'", p + "-busy"));
        assertEquals(24, Db.count(dataSource, "SELECT responses FROM feedback_monthly WHERE unit_id = ? AND audience = 'adult'", p + "-busy"));
        assertEquals(24, Db.count(dataSource, "SELECT promoters + passives + detractors FROM feedback_daily WHERE unit_id = ?", p + "-busy"));
        assertEquals(24, Db.count(dataSource, "SELECT n FROM feedback_statement_daily WHERE unit_id = ? AND statement_id = 'statement.access'", p + "-busy"));
        assertEquals(24, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE unit_id = ?", p + "-busy"));
    }

    @Test
    void accessIsRefusedClearly() {
        String path = "/analytics/units/" + p + "-u1/feedback?" + MARCH;
        assertEquals(401, get(anonymous, path).status());
        assertTrue(get(anonymous.as(tokens.patient("x")), path).outcome(403).contains("role does not allow"));
        assertTrue(get(anonymous.as(tokens.clinician(p + "-u1")), path).outcome(403).contains("role does not allow"));
        FhirTestClient managerOfU1 = anonymous.as(tokens.unitManager(p + "-u1"));
        assertEquals(200, get(managerOfU1, path).status());
        assertTrue(get(managerOfU1, "/analytics/units/" + p + "-svc/feedback?" + MARCH).outcome(403).contains("your own units"));
        assertTrue(get(managerOfU1, "/analytics/units/" + p + "-u2/feedback?" + MARCH).outcome(403).contains("your own units"));
        FhirTestClient managerOfService = anonymous.as(tokens.unitManager(p + "-svc"));
        assertEquals(200, get(managerOfService, path).status(), "a unit under one's own service");
        assertEquals(200, get(managerOfService, "/analytics/units/" + p + "-svc/feedback/children?" + MARCH).status());
        assertEquals(200, get(anonymous.as(tokens.system("warehouse", "system/MeasureReport.rs")), path).status());
        assertEquals(403, get(anonymous.as(tokens.system("ehr", "system/QuestionnaireResponse.rs")), path).status());
        assertTrue(postCsv(managerOfService, "unit,period,visits\n" + p + "-u1,2026-01,5\n")
                .outcome(403).contains("Only administrators"));
    }

    @Test
    void badInputIsAClear4xx() {
        String base = "/analytics/units/" + p + "-u1/feedback?";
        assertTrue(get(admin, "/analytics/units/no-such-unit/feedback?" + MARCH).outcome(404).contains("not a known unit"));
        assertTrue(get(admin, base + "from=2026-03-31&to=2026-03-01").outcome(400).contains("after"));
        assertTrue(get(admin, base + "from=2026-03-01&to=2026-03-31&granularity=fortnight").outcome(400).contains("granularity"));
        assertTrue(get(admin, base + "from=2000-01-01&to=2099-12-31&granularity=year").outcome(400).contains("at most"));
        assertTrue(get(admin, base + "from=2016-01-01&to=2026-01-01&granularity=day").outcome(400).contains("at most"));
        assertTrue(get(admin, base + "to=2026-03-01").outcome(400).contains("'from' is required"));
        assertTrue(get(admin, base + "from=March&to=2026-03-01").outcome(400).contains("'from' must be a date"));
        assertTrue(get(admin, base + MARCH + "&audience=everyone").outcome(400).contains("audience"));
        assertTrue(get(admin, base + MARCH + "&format=xml").outcome(400).contains("format"));
    }

    @Test
    void visitImportIsAllOrNothingWithLineNumbers() {
        String csv = "unit,period,visits\n"
                + p + "-u1,2025-01,10\n"
                + "no-such-unit,2025-01,10\n"
                + p + "-u2,2025-13,10\n"
                + p + "-u2,2025-02,-1\n"
                + p + "-u1,2025-01-05,3\n"
                + p + "-u1,2025-01,11\n";
        String errors = postCsv(admin, csv).outcome(422);
        assertTrue(errors.contains("line 3: unit 'no-such-unit' is not a known organisation unit"), errors);
        assertTrue(errors.contains("line 4: period '2025-13'"), errors);
        assertTrue(errors.contains("line 5: visits '-1'"), errors);
        assertTrue(errors.contains("line 6: unit '" + p + "-u1' has both daily and monthly visits for 2025-01 (line 2)"), errors);
        assertTrue(errors.contains("line 7: unit '" + p + "-u1' period 2025-01-01 is already on line 2"), errors);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_visit WHERE period_start < ?", java.sql.Date.valueOf("2025-12-31")),
                "nothing stored");
        assertTrue(postCsv(admin, "unit;period\nx;y\n").outcome(400).contains("header"));
        assertEquals(200, postCsv(admin, "unit,period,visits\n" + p + "-u1,2025-01-05,3\n").status());
        assertTrue(postCsv(admin, "unit,period,visits\n" + p + "-u1,2025-01,30\n")
                .outcome(422).contains("already has daily visits"));
    }

    /** An answer to the shipped adult survey (or its previous version): the recommendation and the given statements. */
    private String submitStatements(Questionnaire questionnaire, String unit, int recommendation, String... statementCodes) {
        ResponseBuilder builder = ResponseBuilder.answering(questionnaire).answerAllRequired()
                .answer("recommendation", new IntegerType(recommendation));
        for (int i = 0; i + 1 < statementCodes.length; i += 2) {
            builder.answer(statementCodes[i], ResponseBuilder.answering(questionnaire).option(statementCodes[i], statementCodes[i + 1]));
        }
        QuestionnaireResponse response = builder.build("completed", null);
        response.setAuthoredElement(new DateTimeType("2026-03-16T10:00:00+02:00"));
        response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + unit));
        // dated answers come from a relaying backend integration: a live anonymous post is dated at receipt
        Reply reply = anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c")).post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    /**
     * The THL model: statements are optional one by one and "can't say" is an answer, stored, but in no mean, no
     * distribution, no agreePercent and no n; it is counted apart (cantSay) and suppressed with its statement. Answers
     * of the previous version (1.1.0, every statement required, a copy of the shipped file in analytics-questionnaires)
     * count in the same statements: a survey is its url and a statement its linkId, whatever the version.
     */
    @Test
    void cantSayIsStoredAndCountedApartFromMeanDistributionAndN() throws IOException {
        Questionnaire current = anonymous.get("/fhir/Questionnaire/demo-customer-feedback").resource(Questionnaire.class);
        Questionnaire previous = anonymous.get("/fhir/Questionnaire/demo-customer-feedback-1-1-0").resource(Questionnaire.class);
        assertEquals("1.2.0", current.getVersion());
        assertEquals("1.1.0", previous.getVersion());
        assertEquals(current.getUrl(), previous.getUrl());
        String unit = p + "-cs";
        submitStatements(current, unit, 10, "statement.access", "5", "statement.heard", "2", "statement.usefulness", "cant-say");
        submitStatements(current, unit, 9, "statement.access", "4", "statement.usefulness", "cant-say");
        String cantSay = submitStatements(current, unit, 8, "statement.access", "cant-say", "statement.usefulness", "cant-say");
        submitStatements(current, unit, 7, "statement.access", "cant-say", "statement.usefulness", "cant-say");
        submitStatements(current, unit, 6, "statement.usefulness", "cant-say");
        String none = submitStatements(current, unit, 5); // no statement at all
        for (int i = 0; i < 3; i++) { // the previous version: every statement required (answered with its first option, 1)
            submitStatements(previous, unit, 10, "statement.access", "3");
        }
        // stored as answered, in the response and in the fact
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ? AND resource_json LIKE ?",
                cantSay, "%\"code\":\"cant-say\"%"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE response_id = ?"
                + " AND statement_answers = 'statement.access=cant-say;statement.usefulness=cant-say'", cantSay));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE response_id = ? AND statement_answers = ''", none));
        assertEquals(2, Db.count(dataSource, "SELECT cant_say FROM feedback_statement_monthly WHERE unit_id = ?"
                + " AND statement_id = 'statement.access'", unit));
        assertEquals(5, Db.count(dataSource, "SELECT n FROM feedback_statement_monthly WHERE unit_id = ?"
                + " AND statement_id = 'statement.access'", unit));

        JsonNode total = getJson(admin, "/analytics/units/" + unit + "/feedback?" + MARCH).get("total");
        assertEquals(9, number(total, "responses"));
        assertEquals(9, number(total, "nps", "n"));
        // access: 5, 4 and the previous version's 3, 3, 3; two "can't say" apart: mean 18 / 5, agreeing 2 of 5
        JsonNode access = statement(total, "statement.access");
        assertEquals(5, number(access, "n"));
        assertEquals(3.6, number(access, "mean"), 0.005);
        assertEquals(40.0, number(access, "agreePercent"), 0.005);
        assertEquals(List.of(0.0, 0.0, 3.0, 1.0, 1.0), List.of(number(access, "distribution", "1"),
                number(access, "distribution", "2"), number(access, "distribution", "3"),
                number(access, "distribution", "4"), number(access, "distribution", "5")));
        assertEquals(2, number(access, "cantSay"));
        // heard: 2 and 1, 1, 1: four answers, a small cell; nothing of it is published, cantSay neither
        JsonNode heard = statement(total, "statement.heard");
        assertTrue(heard.get("suppressed").getBooleanValue());
        assertNull(heard.get("n"));
        assertNull(heard.get("cantSay"));
        // usefulness: 1, 1, 1 and five "can't say": eight answers to the statement, published; the mean is of the three
        JsonNode usefulness = statement(total, "statement.usefulness");
        assertEquals(3, number(usefulness, "n"));
        assertEquals(1.0, number(usefulness, "mean"), 0.005);
        assertEquals(0.0, number(usefulness, "agreePercent"), 0.005);
        assertEquals(5, number(usefulness, "cantSay"));

        // CSV: the same, in its own column
        Reply csv = get(admin, "/analytics/units/" + unit + "/feedback?" + MARCH + "&format=csv");
        assertEquals(200, csv.status(), csv.body());
        CSVRecord row = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.body())).getRecords().get(1);
        assertEquals("total", row.get("period"));
        assertEquals("5", row.get("statement.access:n"));
        assertEquals("3.6", row.get("statement.access:mean"));
        assertEquals("2", row.get("statement.access:cant_say"));
        assertEquals("suppressed", row.get("statement.heard:n"));
        assertEquals("", row.get("statement.heard:cant_say"));

        // a statement answered "can't say" by everyone: n 0, no mean and no agreePercent, the count apart
        for (int i = 0; i < 5; i++) {
            submitStatements(current, p + "-cs-only", 9, "statement.safety", "cant-say");
        }
        JsonNode only = statement(getJson(admin, "/analytics/units/" + p + "-cs-only/feedback?" + MARCH).get("total"),
                "statement.safety");
        assertEquals(0, number(only, "n"));
        assertNull(only.get("mean"));
        assertNull(only.get("agreePercent"));
        assertEquals(5, number(only, "cantSay"));
        CSVRecord onlyRow = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(get(admin, "/analytics/units/" + p + "-cs-only/feedback?" + MARCH + "&format=csv").body()))
                .getRecords().get(1);
        assertEquals("0", onlyRow.get("statement.safety:n"));
        assertEquals("", onlyRow.get("statement.safety:mean"));
        assertEquals("5", onlyRow.get("statement.safety:cant_say"));
    }

    private static JsonNode statement(JsonNode cell, String id) {
        for (JsonNode s : cell.get("statements").values()) {
            if (s.get("id").getStringValue().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no statement " + id);
    }
}
