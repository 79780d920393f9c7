package fi.vointi.web.manage;

import fi.vointi.analytics.FeedbackSurvey;
import fi.vointi.results.ResultsPagesTest;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import fi.vointi.web.Browser;
import fi.vointi.web.SignIn;
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
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manager's pages in a real Chromium, signed in as the demo manager Sari (health centre and child psychiatry):
 * the feedback dashboard shows the very figures the analytics API answers for the same filters (compared number by
 * number with the API's JSON, fetched with a manager token), a small cell is suppressed on the page, another unit is
 * refused as by the API; the PROM usage page and its CSV agree with counts computed here from the stored rows, and a
 * small cell is suppressed in both. Phone and desktop, fi/sv/en, axe-core on every page and state, screenshots.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagerDashboardBrowserTest {
    static final String HEALTH_CENTRE = DemoUsers.UNIT_HEALTH_CENTRE;
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;
    @Inject
    JsonMapper json;

    Browser browser;
    Tokens tokens;
    FhirTestClient anonymous;
    String p;
    String teamA;
    String teamB;

    @BeforeAll
    void setUp() {
        browser = Browser.start("fi");
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        p = "m" + UUID.randomUUID().toString().substring(0, 8);
        teamA = p + "-team-a";
        teamB = p + "-team-b";
        // two teams under the demo health centre, so that Sari's health centre has units below it
        addUnit(teamA, HEALTH_CENTRE, "Tiimi A " + p);
        addUnit(teamB, HEALTH_CENTRE, "Tiimi B " + p);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    String base() {
        return "http://localhost:" + server.getPort();
    }

    void addUnit(String id, String parent, String name) {
        Db.update(dataSource, "INSERT INTO organization_unit (id, parent_id, kind, name, active, feedback_enabled, version_id,"
                + " last_updated, resource_json) VALUES (?, ?, 'unit', ?, true, true, 1, ?, ?)", id, parent, name,
                Timestamp.from(Instant.now()), "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\"}");
        Db.update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth)"
                + " SELECT ancestor_id, ?, depth + 1 FROM organization_closure WHERE descendant_id = ?", id, parent);
        Db.update(dataSource, "INSERT INTO organization_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, 0)", id, id);
    }

    /** A customer's feedback through an SMS gateway (keeps its original date), as the analytics tests send it. */
    void feedback(Questionnaire q, String unit, int recommendation, int access, String openText, String authored) {
        ResponseBuilder builder = ResponseBuilder.answering(q).answerAllRequired()
                .answer("recommendation", ResponseBuilder.answering(q).option("recommendation", Integer.toString(recommendation)))
                .answer("statement.access", ResponseBuilder.answering(q).option("statement.access", Integer.toString(access)));
        if (openText != null) {
            builder.answer("open", new StringType(openText));
        }
        QuestionnaireResponse response = builder.build("completed", null);
        response.setAuthoredElement(new DateTimeType(authored));
        response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + unit));
        response.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType("qr"));
        FhirTestClient.Reply reply = anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c"))
                .post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
    }

    JsonNode api(String path) {
        FhirTestClient.Reply reply = anonymous.as(tokens.unitManager(HEALTH_CENTRE, DemoUsers.UNIT_CHILD_PSYCHIATRY))
                .send(java.net.http.HttpRequest.newBuilder(anonymous.uri(path)).header("Accept", "application/json").GET());
        assertEquals(200, reply.status(), reply.body());
        try {
            return json.readValue(reply.body(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int apiStatus(String path) {
        return anonymous.as(tokens.unitManager(HEALTH_CENTRE, DemoUsers.UNIT_CHILD_PSYCHIATRY))
                .send(java.net.http.HttpRequest.newBuilder(anonymous.uri(path)).header("Accept", "application/json").GET()).status();
    }

    static double number(JsonNode node, String... path) {
        JsonNode at = node;
        for (String name : path) {
            at = at.get(name);
        }
        return at.getNumberValue().doubleValue();
    }

    String dataValue(String css) {
        return browser.find(css).getAttribute("data-value");
    }

    @Test
    void feedbackDashboardShowsTheApisFiguresSuppressesSmallCellsAndKeepsToOwnSubtree() {
        Questionnaire q = anonymous.get("/fhir/Questionnaire/demo-customer-feedback").resource(Questionnaire.class);
        // team A, May 2025: 5 promoters who fully agree, 5 detractors who fully disagree (every category 0 or 5: shown)
        for (int i = 0; i < 5; i++) {
            feedback(q, teamA, 10, 5, "Hyvä palvelu " + i, "2025-05-0" + (i + 2) + "T10:00:00+03:00");
            feedback(q, teamA, 3, 1, null, "2025-05-1" + i + "T10:00:00+03:00");
        }
        // team A, June 2025: 6 passives who agree
        for (int i = 0; i < 6; i++) {
            feedback(q, teamA, 8, 4, null, "2025-06-1" + i + "T10:00:00+03:00");
        }
        // team B, May 2025: two answers, a withheld atomic cell
        feedback(q, teamB, 9, 5, "Yksi kommentti", "2025-05-20T10:00:00+03:00");
        feedback(q, teamB, 0, 1, null, "2025-05-21T10:00:00+03:00");
        FhirTestClient.Reply visits = anonymous.as(tokens.admin()).send(java.net.http.HttpRequest.newBuilder(anonymous.uri("/analytics/visits"))
                .header("Content-Type", "text/csv").header("Accept", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("unit,period,visits\n" + teamA + ",2025-05,200\n")));
        assertEquals(200, visits.status(), visits.body());

        String filters = "from=2025-05-01&to=2025-06-30&granularity=month&audience=customer";
        JsonNode unitJson = api("/analytics/units/" + HEALTH_CENTRE + "/feedback?" + filters);
        JsonNode childrenJson = api("/analytics/units/" + HEALTH_CENTRE + "/feedback/children?" + filters);
        JsonNode teamBJson = api("/analytics/units/" + teamB + "/feedback?" + filters);
        assertTrue(teamBJson.get("total").get("suppressed").getBooleanValue(), "the API suppresses team B");

        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, base(), "demo-manager-sari", "/manage/feedback?lang=fi");
        for (Dimension size : List.of(Browser.PHONE, Browser.DESKTOP)) {
            String device = size == Browser.PHONE ? "phone" : "desktop";
            browser.size(size);
            for (String lang : List.of("fi", "sv", "en")) {
                browser.open(base() + "/manage/feedback?unit=" + HEALTH_CENTRE + "&" + filters + "&lang=" + lang);
                assertEquals(lang, browser.find("html").getAttribute("lang"));
                assertPageEqualsApi(unitJson, childrenJson);
                assertFalse(browser.all("svg.trend[role=img]").isEmpty(), "the trend chart");
                assertEquals(browser.all("svg.diverging").size(), browser.all("#statements-table tbody tr").size());
                assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on " + device);
                browser.assertAccessible("feedback-" + device + "-" + lang);
                browser.screenshot("manage-feedback-" + device + "-" + lang);
            }
        }
        // open comments: not for the health centre (team B's month is withheld) ...
        browser.open(base() + "/manage/feedback?unit=" + HEALTH_CENTRE + "&" + filters + "&lang=en");
        assertFalse(browser.all("#open-text-unavailable").isEmpty());
        assertFalse(browser.find("main").getText().contains("Yksi kommentti"));
        // ... but for team A, whose every month is published and big enough, exactly as the API's open-text
        JsonNode openText = api("/analytics/units/" + teamA + "/feedback/open-text?from=2025-05-01&to=2025-06-30");
        assertTrue(openText.get("available").getBooleanValue());
        browser.clickAndWaitForNextPage(browser.all(".statement-bars a").stream()
                .filter(link -> link.getText().contains("Tiimi A")).findFirst().orElseThrow());
        assertEquals(openText.get("comments").size(), browser.all("#comments li").size());
        assertTrue(browser.text("#comments").contains("Hyvä palvelu 3"));
        browser.assertAccessible("feedback-team-a-en");

        // team B alone: the small cell is suppressed on the page as in the API
        browser.size(Browser.PHONE);
        browser.open(base() + "/manage/feedback?unit=" + teamB + "&" + filters + "&lang=en");
        assertFalse(browser.all("#total-suppressed").isEmpty(), "suppressed on the page");
        assertTrue(browser.all("#total-nps").isEmpty());
        assertFalse(browser.find("main").getText().contains("Yksi kommentti"));
        browser.assertAccessible("feedback-suppressed-en");
        browser.screenshot("manage-feedback-suppressed-phone-en");

        // the filter form is a plain GET form: choose quarters and send it like a person
        browser.open(base() + "/manage/feedback?unit=" + HEALTH_CENTRE + "&" + filters + "&lang=en");
        new org.openqa.selenium.support.ui.Select(browser.find("#filter-granularity")).selectByValue("quarter");
        browser.clickAndWaitForNextPage(browser.find(".manage-filters button[type=submit]"));
        assertTrue(browser.driver().getCurrentUrl().contains("granularity=quarter"));
        JsonNode quarters = api("/analytics/units/" + HEALTH_CENTRE + "/feedback?from=2025-05-01&to=2025-06-30&granularity=quarter&audience=customer");
        assertEquals(quarters.get("series").size(), browser.all("#series-table tbody tr").size());
        assertEquals(Double.toString(number(quarters, "total", "nps", "score")), dataValue("#total-nps"));
        // a bad period is said on the page, in the page's language
        browser.open(base() + "/manage/feedback?unit=" + HEALTH_CENTRE + "&from=2025-06-30&to=2025-05-01&lang=sv");
        assertTrue(browser.text(".error-summary").contains("Startdagen"));
        browser.assertAccessible("feedback-bad-period-sv");

        // another unit: refused as the API refuses it (403), an unknown one 404
        assertEquals(403, apiStatus("/analytics/units/" + DemoUsers.UNIT_PAIN_CLINIC + "/feedback?" + filters));
        assertEquals(403, pageStatus("/manage/feedback?unit=" + DemoUsers.UNIT_PAIN_CLINIC + "&" + filters));
        assertEquals(404, apiStatus("/analytics/units/no-such-unit/feedback?" + filters));
        assertEquals(404, pageStatus("/manage/feedback?unit=no-such-unit&" + filters));
        browser.open(base() + "/manage/feedback?unit=" + DemoUsers.UNIT_PAIN_CLINIC + "&" + filters + "&lang=fi");
        assertTrue(browser.text("h1").contains("Ei oma yksikkösi"));
        assertFalse(browser.find("main").getText().contains("NPS"));
        browser.assertAccessible("feedback-refused-fi");
        browser.screenshot("manage-feedback-refused-phone-fi");
        // the unit list offers only Sari's own units and those under them
        browser.open(base() + "/manage/feedback?lang=fi");
        List<String> offered = browser.all("#filter-unit option").stream().map(o -> o.getAttribute("value")).toList();
        assertTrue(offered.containsAll(List.of(HEALTH_CENTRE, DemoUsers.UNIT_CHILD_PSYCHIATRY, teamA, teamB)), offered.toString());
        assertFalse(offered.contains(DemoUsers.UNIT_PAIN_CLINIC));
        // a clinician is not a manager: refused, as by the API
        assertEquals(403, pageStatusAs(tokens.clinician(HEALTH_CENTRE), "/manage/feedback?unit=" + HEALTH_CENTRE));
    }

    /** Every NPS and statement figure of the page equals the API's for the same filters. */
    void assertPageEqualsApi(JsonNode unitJson, JsonNode childrenJson) {
        JsonNode total = unitJson.get("total");
        assertFalse(total.get("suppressed").getBooleanValue());
        assertTrue(total.get("withheld").getBooleanValue(), "team B's month is withheld");
        assertEquals(Double.toString(number(total, "nps", "score")), dataValue("#total-nps"));
        assertEquals(Long.toString((long) number(total, "nps", "promoters")), browser.text("#total-promoters"));
        assertEquals(Long.toString((long) number(total, "nps", "passives")), browser.text("#total-passives"));
        assertEquals(Long.toString((long) number(total, "nps", "detractors")), browser.text("#total-detractors"));
        assertEquals(Long.toString((long) number(total, "responses")), browser.text("#total-responses"));
        List<WebElement> seriesRows = browser.all("#series-table tbody tr");
        assertEquals(unitJson.get("series").size(), seriesRows.size());
        for (int i = 0; i < seriesRows.size(); i++) {
            JsonNode cell = unitJson.get("series").get(i);
            WebElement row = seriesRows.get(i);
            assertEquals(cell.get("period").getStringValue(), row.getAttribute("data-period"));
            if (cell.get("suppressed").getBooleanValue() || cell.get("nps") == null) {
                assertTrue(row.findElements(By.cssSelector("td.nps")).isEmpty()
                        || row.findElement(By.cssSelector("td.nps")).getAttribute("data-value").isEmpty());
            } else {
                assertEquals(Double.toString(number(cell, "nps", "score")), row.findElement(By.cssSelector("td.nps")).getAttribute("data-value"));
            }
        }
        // the interval of the total, as the page prints it (localised), against the API's numbers
        String ci = browser.find("#total-nps").findElement(By.xpath("..")).getText().replace(',', '.').replace('−', '-');
        assertTrue(ci.contains(strip(number(total, "nps", "ci95", "lower"))) && ci.contains(strip(number(total, "nps", "ci95", "upper"))), ci);
        JsonNode statements = total.get("statements");
        List<WebElement> rows = browser.all("#statements-table tbody tr");
        assertEquals(statements.size(), rows.size());
        for (int i = 0; i < statements.size(); i++) {
            JsonNode s = statements.get(i);
            WebElement row = browser.find("#statements-table tr[data-statement='" + s.get("id").getStringValue() + "']");
            assertEquals(Long.toString((long) number(s, "n")), row.findElement(By.cssSelector("td.n")).getText());
            assertEquals(Double.toString(number(s, "mean")), row.findElement(By.cssSelector("td.mean")).getAttribute("data-value"));
            assertEquals(Double.toString(number(s, "agreePercent")), row.findElement(By.cssSelector("td.agree")).getAttribute("data-value"));
            for (int a = 1; a <= 5; a++) {
                assertEquals(Long.toString((long) number(s, "distribution", Integer.toString(a))),
                        row.findElement(By.cssSelector("td.d" + a)).getText());
            }
            assertEquals(Long.toString((long) number(s, "cantSay")), row.findElement(By.cssSelector("td.cant-say")).getText());
        }
        List<WebElement> childRows = browser.all("#children-table tbody tr");
        assertEquals(childrenJson.get("children").size(), childRows.size());
        for (int i = 0; i < childRows.size(); i++) {
            JsonNode child = childrenJson.get("children").get(i);
            WebElement row = childRows.get(i);
            assertEquals(child.get("unit").get("name").getStringValue(), row.findElement(By.cssSelector("th")).getText());
            if (child.get("total").get("suppressed").getBooleanValue()) {
                assertFalse(row.findElements(By.cssSelector("td.suppressed")).isEmpty(), "suppressed child on the page");
            } else if (child.get("total").get("nps") != null) {
                assertEquals(Double.toString(number(child, "total", "nps", "score")),
                        row.findElement(By.cssSelector("td.nps")).getAttribute("data-value"));
            }
        }
    }

    static String strip(double value) {
        String text = Double.toString(value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    int pageStatus(String path) {
        org.openqa.selenium.Cookie session = browser.driver().manage().getCookieNamed("vointi_session");
        return get(path, Map.of("Cookie", "vointi_session=" + session.getValue(), "Accept", "text/html")).statusCode();
    }

    int pageStatusAs(String token, String path) {
        return get(path, Map.of("Authorization", "Bearer " + token, "Accept", "text/html")).statusCode();
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        headers.forEach(request::header);
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- PROM usage -------------------------------------------------------------------------------------------

    /** A PROM response of a new patient to team A, completed or in progress; returns its id. */
    String prom(String unit, boolean completed) {
        String patient = p + "-pt-" + UUID.randomUUID().toString().substring(0, 6);
        QuestionnaireResponse response = ResultsPagesTest.prom(patient, DateTimeType.now().getValueAsString(), ResultsPagesTest.all(2));
        response.getExtension().clear();
        response.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
        if (!completed) {
            response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        }
        FhirTestClient.Reply reply = anonymous.as(tokens.patient(patient)).post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    /** An invitation row as InvitationService stores it (answered: with its response and the time it was used). */
    void invitation(String unit, String patient, String responseId, Duration waited) {
        Instant used = Instant.now();
        Instant created = responseId == null ? used : used.minus(waited);
        Db.update(dataSource, "INSERT INTO invitation (id, token_sha256, patient_id, questionnaire_url, questionnaire_version,"
                        + " unit_ref, requester, status, created_at, expires_at, used_at, response_id, resource_json, last_updated)"
                        + " VALUES (?, ?, ?, ?, '1.2.0', ?, 'Practitioner/test', ?, ?, ?, ?, ?, '{}', ?)",
                UUID.randomUUID().toString(), (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", ""), patient,
                PROM_URL, "Organization/" + unit, responseId == null ? "requested" : "completed", Timestamp.from(created),
                Timestamp.from(used.plus(Duration.ofDays(14))), responseId == null ? null : Timestamp.from(used), responseId,
                Timestamp.from(responseId == null ? created : used));
    }

    void usability(String unit, int easy, int clear) {
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/app/usability"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("lang=fi&return=%2Fapp%2Fresults&unit=" + unit
                            + "&item%3Ausability.easy=" + easy + "&item%3Ausability.clear=" + clear)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(303, answer.statusCode(), answer.body());
    }

    @Test
    void promUsagePageAndCsvAgreeWithTheStoredRowsAndSuppressSmallCells() throws IOException {
        // team A this month: 10 responses started, 5 completed, each completed one answering an invitation (1…5 h),
        // 5 more invitations open; 31 × 10 visits imported for the month
        for (int i = 0; i < 5; i++) {
            String id = prom(teamA, true);
            String patient = Db.strings(dataSource, "SELECT subject_id FROM questionnaire_response WHERE id = ?", id).get(0);
            invitation(teamA, patient, id, Duration.ofHours(i + 1));
            prom(teamA, false);
            invitation(teamA, p + "-open-" + i, null, null);
        }
        // team B: 3 completed: a small cell
        for (int i = 0; i < 3; i++) {
            prom(teamB, true);
        }
        // the usability check: 5 answers for team A, 2 for team B
        for (int i = 0; i < 5; i++) {
            usability(teamA, 7 - i % 2, 6);
        }
        usability(teamB, 1, 2);
        usability(teamB, 7, 7);
        YearMonth month = YearMonth.now(ZONE);
        StringBuilder visitsCsv = new StringBuilder("unit,period,visits\n");
        visitsCsv.append(teamA).append(',').append(month).append(",400\n");
        FhirTestClient.Reply imported = anonymous.as(tokens.admin()).send(java.net.http.HttpRequest.newBuilder(anonymous.uri("/analytics/visits"))
                .header("Content-Type", "text/csv").header("Accept", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(visitsCsv.toString())));
        assertEquals(200, imported.status(), imported.body());

        // the expected figures, counted here from the stored rows
        String refA = "Organization/" + teamA;
        long started = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND questionnaire_url = ?"
                + " AND subject_id IS NOT NULL", refA, PROM_URL);
        long completed = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND questionnaire_url = ?"
                + " AND subject_id IS NOT NULL AND status IN ('completed', 'amended')", refA, PROM_URL);
        long invited = Db.count(dataSource, "SELECT COUNT(DISTINCT patient_id) FROM invitation WHERE unit_ref = ?", refA);
        long usabilityA = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND questionnaire_url = ?"
                + " AND subject_id IS NULL", refA, "https://vointi.fi/fhir/Questionnaire/demo-usability-check");
        long completedB = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ? AND questionnaire_url = ?"
                + " AND status = 'completed'", "Organization/" + teamB, PROM_URL);
        assertEquals(List.of(10L, 5L, 10L, 5L, 3L), List.of(started, completed, invited, usabilityA, completedB));
        String first = month.atDay(1).toString();
        String last = month.atEndOfMonth().toString();
        String query = "unit=" + HEALTH_CENTRE + "&from=" + first + "&to=" + last;

        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, base(), "demo-manager-sari", "/manage/proms?" + query + "&lang=fi");
        for (Dimension size : List.of(Browser.PHONE, Browser.DESKTOP)) {
            String device = size == Browser.PHONE ? "phone" : "desktop";
            browser.size(size);
            for (String lang : List.of("fi", "sv", "en")) {
                browser.open(base() + "/manage/proms?" + query + "&lang=" + lang);
                WebElement rowA = rowOf("#proms-table", "Tiimi A");
                assertEquals(Long.toString(invited), rowA.findElement(By.cssSelector(".invited")).getText());
                assertEquals(Long.toString(started), rowA.findElement(By.cssSelector(".started")).getText());
                assertEquals(Long.toString(completed), rowA.findElement(By.cssSelector(".completed")).getText());
                String text = rowA.getText().replace(',', '.');
                assertTrue(text.contains("50") && text.contains("3") && text.contains("400") && text.contains("1.25"),
                        "completion 50 %, median 3 h, 400 visits, 1.25 per 100 visits: " + text);
                WebElement rowB = rowOf("#proms-table", "Tiimi B");
                assertFalse(rowB.findElements(By.cssSelector(".suppressed")).isEmpty(), "3 completed: suppressed on the page");
                assertTrue(rowB.findElements(By.cssSelector(".completed")).isEmpty());
                WebElement usabilityRowA = rowOf("#usability-table", "Tiimi A");
                assertEquals(Long.toString(usabilityA), usabilityRowA.findElement(By.cssSelector(".answers")).getText());
                assertFalse(rowOf("#usability-table", "Tiimi B").findElements(By.cssSelector(".suppressed")).isEmpty());
                assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on " + device);
                browser.assertAccessible("proms-" + device + "-" + lang);
                browser.screenshot("manage-proms-" + device + "-" + lang);
            }
        }

        // the CSV link of the page, fetched with the same session: the same figures, the same suppression
        String csvHref = browser.find("a[href^='/manage/proms.csv']").getAttribute("href");
        org.openqa.selenium.Cookie session = browser.driver().manage().getCookieNamed("vointi_session");
        HttpResponse<String> csv = get(URI.create(csvHref).getRawPath() + "?" + URI.create(csvHref).getRawQuery(),
                Map.of("Cookie", "vointi_session=" + session.getValue()));
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        Map<String, CSVRecord> byUnit = new HashMap<>();
        List<CSVRecord> usabilityRecords = new ArrayList<>();
        for (CSVRecord record : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(csv.body()))) {
            if (record.get("questionnaire").equals(PROM_URL)) {
                byUnit.put(record.get("unit_id"), record);
            } else {
                usabilityRecords.add(record);
            }
        }
        CSVRecord a = byUnit.get(teamA);
        assertEquals(month.toString(), a.get("month"));
        assertEquals("", a.get("suppression"));
        assertEquals(Long.toString(invited), a.get("patients_invited"));
        assertEquals(Long.toString(started), a.get("responses_started"));
        assertEquals(Long.toString(completed), a.get("responses_completed"));
        assertEquals("50.0", a.get("completion_rate_pct"));
        assertEquals("3.0", a.get("median_hours_to_answer"));
        assertEquals("400", a.get("visits"));
        assertEquals("1.25", a.get("completed_per_100_visits"));
        CSVRecord b = byUnit.get(teamB);
        assertEquals("small-cell", b.get("suppression"), "suppressed in the CSV too");
        assertEquals("", b.get("responses_completed"));
        assertEquals("", b.get("responses_started"));
        CSVRecord usabilityCsvA = usabilityRecords.stream().filter(r -> r.get("unit_id").equals(teamA)).findFirst().orElseThrow();
        assertEquals(Long.toString(usabilityA), usabilityCsvA.get("usability_answers"));
        assertEquals("6.3", usabilityCsvA.get("usability_mean_score"), "(6.5 + 6 + 6.5 + 6 + 6.5) / 5");
        assertEquals("small-cell", usabilityRecords.stream().filter(r -> r.get("unit_id").equals(teamB)).findFirst().orElseThrow()
                .get("suppression"));

        // another unit's metrics: refused, as the feedback analytics
        assertEquals(403, pageStatus("/manage/proms.csv?unit=" + DemoUsers.UNIT_PAIN_CLINIC));
        browser.open(base() + "/manage/proms?unit=" + DemoUsers.UNIT_PAIN_CLINIC + "&lang=en");
        assertTrue(browser.text("h1").contains("Not your unit"));
        browser.assertAccessible("proms-refused-en");
        // not signed in: to sign-in, with the way back
        assertEquals(303, get("/manage/proms?" + query, Map.of("Accept", "text/html")).statusCode());
    }

    WebElement rowOf(String table, String unitNamePart) {
        return browser.all(table + " tbody tr").stream().filter(r -> r.getText().contains(unitNamePart)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + unitNamePart + " in " + table + ": " + browser.text(table)));
    }
}
