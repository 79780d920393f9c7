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
                .unit(p + "-cs-only", null, "unit")
                .unit(p + "-cs-none", null, "unit")
                .unit(p + "-probe", null, "unit");
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
        // every category of u1's March is 0 or at least 5, so the atomic cell (u1, March, adult) is published:
        // 10 promoters answering access 5 through SMS, 5 detractors answering access 1 through a QR code
        for (int i = 0; i < 15; i++) {
            boolean promoter = i < 10;
            submit(adult, p + "-u1", promoter ? 10 : 0, promoter ? 5 : 1, i < 3 ? "comment " + i : null,
                    "2026-03-10T12:00:00+02:00", promoter ? "sms" : "qr");
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
        assertEquals(15, number(total, "responses"));
        assertFalse(total.get("withheld").getBooleanValue());
        // 10 promoters, 5 detractors: NPS 33.33; Wald: p = 2/3, d = 1/3, Var = (1 - 1/9)/15, half-width 47.71
        assertEquals(15, number(total, "nps", "n"));
        assertEquals(10, number(total, "nps", "promoters"));
        assertEquals(0, number(total, "nps", "passives"));
        assertEquals(5, number(total, "nps", "detractors"));
        assertEquals(33.33, number(total, "nps", "score"), 0.005);
        assertEquals(-14.38, number(total, "nps", "ci95", "lower"), 0.005);
        assertEquals(81.05, number(total, "nps", "ci95", "upper"), 0.005);
        JsonNode statement = statement(total, "statement.access");
        assertEquals(15, number(statement, "n"));
        assertEquals(3.67, number(statement, "mean"), 0.005); // (5 + 50) / 15
        assertEquals(66.67, number(statement, "agreePercent"), 0.005);
        assertEquals(List.of(5.0, 0.0, 0.0, 0.0, 10.0), List.of(number(statement, "distribution", "1"),
                number(statement, "distribution", "2"), number(statement, "distribution", "3"),
                number(statement, "distribution", "4"), number(statement, "distribution", "5")));
        assertEquals(200, number(total, "visits"));
        assertEquals(7.5, number(total, "responseRate"), 0.005);
        // 10 answers through SMS of 40 SMS invitations
        assertEquals(40, number(total, "invitations"));
        assertEquals(25.0, number(total, "invitationRate"), 0.005);
        assertEquals(1, u1.get("series").size());
        assertEquals("2026-03", u1.get("series").get(0).get("period").getStringValue());

        // the service, the area and the county all see the 21 answers: 16 promoters, 5 detractors
        for (String parent : List.of("-svc", "-area", "-county")) {
            JsonNode t = getJson(admin, "/analytics/units/" + p + parent + "/feedback?" + MARCH).get("total");
            assertEquals(21, number(t, "responses"), parent);
            assertEquals(52.38, number(t, "nps", "score"), 0.005);
            assertEquals(15.95, number(t, "nps", "ci95", "lower"), 0.005);
            assertEquals(88.81, number(t, "nps", "ci95", "upper"), 0.005);
        }
        JsonNode service = getJson(admin, "/analytics/units/" + p + "-svc/feedback?" + MARCH).get("total");
        assertEquals(300, number(service, "visits"));
        assertEquals(7.0, number(service, "responseRate"), 0.005);

        // April holds u1's one answer: withheld, the month suppressed; March-April publishes March alone and says
        // that some answers were withheld, never how many
        JsonNode april = getJson(admin, "/analytics/units/" + p + "-u1/feedback?from=2026-04-01&to=2026-04-30").get("total");
        assertTrue(april.get("suppressed").getBooleanValue(), april.toString());
        assertNull(april.get("responses"));
        JsonNode spring = getJson(admin, "/analytics/units/" + p + "-u1/feedback?from=2026-03-01&to=2026-04-30").get("total");
        assertEquals(15, number(spring, "responses"));
        assertTrue(spring.get("withheld").getBooleanValue());
        assertNull(spring.get("responseRate"), "a rate of the published answers over every visit would understate it");
        // a period inside months is widened to whole months, and says so
        JsonNode widened = getJson(admin, "/analytics/units/" + p + "-u1/feedback?from=2026-03-15&to=2026-03-20");
        assertTrue(widened.get("widened").getBooleanValue());
        assertEquals("2026-03-01", widened.get("from").getStringValue());
        assertEquals("2026-03-31", widened.get("to").getStringValue());
        assertFalse(u1.get("widened").getBooleanValue());

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
        assertEquals("15", u1March.get("responses"));
        assertEquals("33.33", u1March.get("nps"));
        assertEquals("-14.38", u1March.get("nps_ci95_lower"));
        assertEquals("10", u1March.get("promoters"));
        assertEquals("3.67", u1March.get("statement.access:mean"));
        assertEquals("7.5", u1March.get("response_rate_pct"));
        assertEquals("40", u1March.get("invitations"));
        assertEquals("25.0", u1March.get("invitation_rate_pct"));
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
        // service 2 has 12 answers: unit b1 8 (published), unit b2 4 (withheld, in no figure anywhere)
        for (int i = 0; i < 8; i++) {
            submit(adult, p + "-b1", 9, 4, "b1 comment", "2026-03-05T10:00:00+02:00");
        }
        for (int i = 0; i < 4; i++) {
            submit(adult, p + "-b2", 0, 1, "b2 comment", "2026-03-06T10:00:00+02:00");
        }
        JsonNode parent = getJson(admin, "/analytics/units/" + p + "-svc2/feedback?" + MARCH).get("total");
        assertEquals(8, number(parent, "responses"), "the parent is the sum of its published atomic cells: b1 only");
        assertTrue(parent.get("withheld").getBooleanValue(), "some answers withheld, not how many");
        assertEquals(100.0, number(parent, "nps", "score"), 0.005);

        JsonNode children = getJson(admin, "/analytics/units/" + p + "-svc2/feedback/children?" + MARCH).get("children");
        assertEquals(2, children.size());
        JsonNode b1 = children.get(0).get("total");
        JsonNode b2 = children.get(1).get("total");
        assertEquals(p + "-b1", children.get(0).get("unit").get("id").getStringValue());
        assertEquals(8, number(b1, "responses"));
        assertFalse(b1.get("withheld").getBooleanValue());
        assertEquals("small-cell", b2.get("suppression").getStringValue());
        assertNull(b2.get("responses"), "no counts");
        assertNull(b2.get("nps"), "no NPS");
        assertNull(children.get(1).get("series").get(0).get("responses"), "no counts in the monthly series either");
        // the attack: parent minus every published child gives 0 in every figure
        assertEquals(number(parent, "nps", "detractors"), number(b1, "nps", "detractors"));
        assertEquals(statement(parent, "statement.access").toString(), statement(b1, "statement.access").toString());
        Reply csv = get(admin, "/analytics/units/" + p + "-svc2/feedback/children?" + MARCH + "&format=csv");
        for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.body()))) {
            boolean isB2 = row.get("unit_id").equals(p + "-b2");
            assertEquals(isB2 ? "" : "8", row.get("responses"));
            assertEquals(isB2 ? "small-cell" : "", row.get("suppression"));
        }
        assertEquals("some-withheld", CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(get(admin, "/analytics/units/" + p + "-svc2/feedback?" + MARCH + "&format=csv").body()))
                .getRecords().get(1).get("suppression"));
        // open text: b1's 8 comments are given; neither b2's group nor the parent's (parent minus b1 would be b2's)
        assertEquals(8, getJson(admin, "/analytics/units/" + p + "-b1/feedback/open-text?from=2026-03-01&to=2026-03-31")
                .get("comments").size());
        JsonNode b2Comments = getJson(admin, "/analytics/units/" + p + "-b2/feedback/open-text?from=2026-03-01&to=2026-03-31");
        assertFalse(b2Comments.get("available").getBooleanValue());
        assertNull(b2Comments.get("comments"));
        assertFalse(getJson(admin, "/analytics/units/" + p + "-svc2/feedback/open-text?from=2026-03-01&to=2026-03-31")
                .get("available").getBooleanValue());
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
        // every total is exactly the sum of its published months: total minus months reveals nothing
        for (JsonNode report : reports) {
            JsonNode total = report.get("total");
            long hidden = (long) number(total, "responses");
            long hiddenDetractors = (long) number(total, "nps", "detractors");
            for (JsonNode month : report.get("series").values()) {
                if (!month.get("suppressed").getBooleanValue()) {
                    hidden -= (long) number(month, "responses");
                    hiddenDetractors -= (long) number(month, "nps", "detractors");
                }
            }
            String unit = report.get("unit").get("id").getStringValue();
            assertEquals(0, hidden, unit + ": total - published months");
            assertEquals(0, hiddenDetractors, unit);
        }
        JsonNode c1Report = reports.get(0);
        assertTrue(c1Report.get("series").get(0).get("suppressed").getBooleanValue(), "March: 2 answers");
        assertEquals(6, number(c1Report.get("series").get(1), "responses"), "April stands on its own");
        assertEquals(13, number(c1Report.get("total"), "responses"));
        assertTrue(c1Report.get("total").get("withheld").getBooleanValue());
        assertEquals(0, number(c1Report.get("total"), "nps", "detractors"));
        assertEquals(7, number(c1Report.get("series").get(2), "responses"));
        // a quarter is the same sum: Q2 of c1 = April + May, Q1 = March withheld
        JsonNode quarters = getJson(admin, "/analytics/units/" + p + "-c1/feedback?from=2026-01-01&to=2026-06-30&granularity=quarter");
        assertTrue(quarters.get("series").get(0).get("suppressed").getBooleanValue());
        assertEquals(13, number(quarters.get("series").get(1), "responses"));
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
        // i1: 6 answers by SMS of 20 invited (published); i2: 2 by SMS of 10 invited and 4 by QR code (withheld:
        // its SMS and QR categories are small)
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
        assertEquals(6, number(service, "responses"));
        assertEquals(30, number(service, "invitations"));
        assertNull(service.get("invitationRate"), "some answers withheld: a rate of the published ones would mislead");
        JsonNode children = getJson(admin, "/analytics/units/" + p + "-svc4/feedback/children?" + MARCH).get("children");
        assertEquals(30.0, number(children.get(0).get("total"), "invitationRate"), 0.005, "i1: 6 of 20");
        assertTrue(children.get(1).get("total").get("suppressed").getBooleanValue(), "i2");
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
        // figures exist only for whole calendar months: days and weeks are refused
        assertTrue(get(admin, base + "from=2026-03-01&to=2026-03-31&granularity=day").outcome(400).contains("whole calendar months"));
        assertTrue(get(admin, base + "from=2026-03-01&to=2026-03-31&granularity=week").outcome(400).contains("whole calendar months"));
        assertTrue(get(admin, base + "to=2026-03-01").outcome(400).contains("'from' is required"));
        assertTrue(get(admin, base + "from=March&to=2026-03-01").outcome(400).contains("'from' must be a date"));
        assertTrue(get(admin, base + MARCH + "&audience=everyone").outcome(400).contains("audience"));
        assertTrue(get(admin, base + MARCH + "&format=xml").outcome(400).contains("format"));
        // a misspelt or unknown parameter is refused, never ignored (it would quietly give another report)
        String misspelt = get(admin, base + "from=2026-03-01&to=2026-03-31&granularty=quarter").outcome(400);
        assertTrue(misspelt.contains("'granularty'") && misspelt.contains("granularity"), misspelt);
        assertTrue(get(admin, "/analytics/units/" + p + "-u1/feedback/children?" + MARCH + "&unit=x").outcome(400).contains("'unit'"));
        assertTrue(get(admin, "/analytics/units/" + p + "-u1/feedback/open-text?from=2026-03-01&to=2026-03-31&granularity=month")
                .outcome(400).contains("'granularity'"));
        assertTrue(get(admin, base + MARCH + "&audience=adult&audience=staff").outcome(400).contains("only once"));
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
        // every category of the atomic cell is 0 or at least 5 (statements left unanswered are a category too)
        String cantSay = null;
        for (int i = 0; i < 5; i++) {
            submitStatements(current, unit, 10, "statement.access", "5", "statement.usefulness", "cant-say");
            cantSay = submitStatements(current, unit, 10, "statement.access", "cant-say", "statement.usefulness", "cant-say");
        }
        for (int i = 0; i < 5; i++) { // the previous version: every statement required (answered with its first option, 1)
            submitStatements(previous, unit, 10, "statement.access", "3");
        }
        String none = submitStatements(current, p + "-cs-none", 5); // no statement at all
        // stored as answered, in the response and in the fact
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ? AND resource_json LIKE ?",
                cantSay, "%\"code\":\"cant-say\"%"));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE response_id = ?"
                + " AND statement_answers = 'statement.access=cant-say;statement.usefulness=cant-say'", cantSay));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM feedback_fact WHERE response_id = ? AND statement_answers = ''", none));
        assertEquals(5, Db.count(dataSource, "SELECT cant_say FROM feedback_statement_monthly WHERE unit_id = ?"
                + " AND statement_id = 'statement.access'", unit));
        assertEquals(10, Db.count(dataSource, "SELECT n FROM feedback_statement_monthly WHERE unit_id = ?"
                + " AND statement_id = 'statement.access'", unit));

        JsonNode total = getJson(admin, "/analytics/units/" + unit + "/feedback?" + MARCH).get("total");
        assertEquals(15, number(total, "responses"));
        assertFalse(total.get("withheld").getBooleanValue(), total.toString());
        assertEquals(15, number(total, "nps", "n"));
        // access: five 5 and the previous version's five 3; five "can't say" apart: mean 40 / 10, agreeing 5 of 10
        JsonNode access = statement(total, "statement.access");
        assertEquals(10, number(access, "n"));
        assertEquals(4.0, number(access, "mean"), 0.005);
        assertEquals(50.0, number(access, "agreePercent"), 0.005);
        assertEquals(List.of(0.0, 0.0, 5.0, 0.0, 5.0), List.of(number(access, "distribution", "1"),
                number(access, "distribution", "2"), number(access, "distribution", "3"),
                number(access, "distribution", "4"), number(access, "distribution", "5")));
        assertEquals(5, number(access, "cantSay"));
        // heard: the previous version's five 1; ten left it unanswered
        JsonNode heard = statement(total, "statement.heard");
        assertEquals(5, number(heard, "n"));
        assertEquals(0, number(heard, "cantSay"));
        // usefulness: 1, 1, 1, 1, 1 and ten "can't say": the mean is of the five
        JsonNode usefulness = statement(total, "statement.usefulness");
        assertEquals(5, number(usefulness, "n"));
        assertEquals(1.0, number(usefulness, "mean"), 0.005);
        assertEquals(0.0, number(usefulness, "agreePercent"), 0.005);
        assertEquals(10, number(usefulness, "cantSay"));

        // CSV: the same, in its own column
        Reply csv = get(admin, "/analytics/units/" + unit + "/feedback?" + MARCH + "&format=csv");
        assertEquals(200, csv.status(), csv.body());
        CSVRecord row = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.body())).getRecords().get(1);
        assertEquals("total", row.get("period"));
        assertEquals("10", row.get("statement.access:n"));
        assertEquals("4.0", row.get("statement.access:mean"));
        assertEquals("5", row.get("statement.access:cant_say"));
        assertEquals("5", row.get("statement.heard:n"));
        assertEquals("0", row.get("statement.heard:cant_say"));

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

    /**
     * Issue 13 case 5, the probe's case: 1 answer in 2025-03 (a detractor, access 1) and 7 in 2025-04 (promoters,
     * access 5). March-April used to show 8, 1 detractor and access {"1":1,"5":7} against April's 7 and 0.
     */
    @Test
    void aSingleMarchAnswerCannotBeHadAsMarchAprilMinusApril() {
        String unit = p + "-probe";
        submit(adult, unit, 0, 1, null, "2025-03-12T10:00:00+02:00");
        for (int i = 0; i < 7; i++) {
            submit(adult, unit, 10, 5, null, "2025-04-12T10:00:00+03:00");
        }
        String path = "/analytics/units/" + unit + "/feedback?";
        JsonNode both = getJson(admin, path + "from=2025-03-01&to=2025-04-30").get("total");
        JsonNode april = getJson(admin, path + "from=2025-04-01&to=2025-04-30").get("total");
        JsonNode march = getJson(admin, path + "from=2025-03-01&to=2025-03-31").get("total");
        JsonNode quarter = getJson(admin, path + "from=2025-01-01&to=2025-06-30&granularity=quarter");
        JsonNode year = getJson(admin, path + "from=2025-01-01&to=2025-12-31&granularity=year").get("total");
        assertTrue(march.get("suppressed").getBooleanValue());
        assertNull(march.get("responses"));
        for (JsonNode cell : List.of(both, year, quarter.get("total"))) {
            assertEquals(7, number(cell, "responses"), cell.toString());
            assertEquals(0, number(cell, "nps", "detractors"));
            assertEquals(7, number(cell, "nps", "promoters"));
            JsonNode access = statement(cell, "statement.access");
            assertEquals(0, number(access, "distribution", "1"), "no category holds one person");
            assertEquals(7, number(access, "distribution", "5"));
            assertTrue(cell.get("withheld").getBooleanValue());
            assertNull(cell.get("withheldResponses"), "never a count of what was withheld");
        }
        assertTrue(quarter.get("series").get(0).get("suppressed").getBooleanValue(), "Q1 holds only the March answer");
        assertEquals(7, number(quarter.get("series").get(1), "responses"));
        // March-April minus April: 0 in every figure
        assertEquals(number(april, "responses"), number(both, "responses"));
        assertEquals(number(april, "nps", "detractors"), number(both, "nps", "detractors"));
        assertEquals(statement(april, "statement.access").toString(), statement(both, "statement.access").toString());
        assertFalse(april.get("withheld").getBooleanValue());
        // the same through the parent-less unit's open text: the group is not offered while a cell is withheld
        assertFalse(getJson(admin, "/analytics/units/" + unit + "/feedback/open-text?from=2025-03-01&to=2025-04-30")
                .get("available").getBooleanValue());
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
