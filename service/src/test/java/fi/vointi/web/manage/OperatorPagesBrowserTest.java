package fi.vointi.web.manage;

import fi.vointi.analytics.FeedbackSurvey;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Management;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import fi.vointi.web.Browser;
import fi.vointi.web.SignIn;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The survey rounds page and the messaging operator view in a real Chromium (H2 and PostgreSQL), phone and desktop,
 * fi/sv/en, axe-core on every page: the rounds page shows the very figures of {@code GET /analytics/units/{id}/rounds}
 * (a suppressed round as suppressed), the operator view the outbox counts computed here from the stored rows, no
 * address anywhere on it and the provider's error masked; the outbox gauges are on {@code /prometheus}; refusals.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.questionnaires.dir", value = "src/test/resources/analytics-questionnaires")
@Property(name = "vointi.analytics.cycles.test-enps.audience", value = "staff")
@Property(name = "vointi.analytics.cycles.test-enps.units", value = DemoUsers.UNIT_HEALTH_CENTRE)
@Property(name = "vointi.analytics.cycles.test-enps.cycle", value = "P1Y")
@Property(name = "vointi.analytics.cycles.test-enps.window", value = "P4W")
@Property(name = "vointi.analytics.cycles.test-enps.first-start", value = "2025-03-03")
@Property(name = "vointi.messaging.sender-enabled", value = "false")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorPagesBrowserTest {
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");

    @Inject
    EmbeddedServer server;
    @Inject
    ApplicationContext context;
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
    String team;
    String small;

    @BeforeAll
    void setUp() {
        browser = Browser.start("fi");
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        p = "o" + UUID.randomUUID().toString().substring(0, 8);
        team = p + "-team";
        small = p + "-small";
        addUnit(team, DemoUsers.UNIT_HEALTH_CENTRE, "Tiimi " + p);
        addUnit(small, DemoUsers.UNIT_HEALTH_CENTRE, "Pieni " + p);
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

    void staffAnswer(Questionnaire q, String unit, int recommendation, int access, String authored) {
        QuestionnaireResponse response = ResponseBuilder.answering(q).answerAllRequired()
                .answer("recommendation", ResponseBuilder.answering(q).option("recommendation", Integer.toString(recommendation)))
                .answer("statement.access", ResponseBuilder.answering(q).option("statement.access", Integer.toString(access)))
                .build("completed", null);
        response.setAuthoredElement(new DateTimeType(authored));
        response.addExtension(FeedbackSurvey.UNIT_EXTENSION, new Reference("Organization/" + unit));
        response.addExtension(FeedbackSurvey.CHANNEL_EXTENSION, new CodeType("sms"));
        FhirTestClient.Reply reply = anonymous.as(tokens.system("sms-gateway", "system/QuestionnaireResponse.c"))
                .post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
    }

    JsonNode api(String path) {
        FhirTestClient.Reply reply = anonymous.as(tokens.unitManager(DemoUsers.UNIT_HEALTH_CENTRE, DemoUsers.UNIT_CHILD_PSYCHIATRY))
                .send(HttpRequest.newBuilder(anonymous.uri(path)).header("Accept", "application/json").GET());
        assertEquals(200, reply.status(), reply.body());
        try {
            return json.readValue(reply.body(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int status(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).header("Accept", "text/html").GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void roundsPageShowsTheApisRoundsAndSuppressesSmallOnes() {
        Questionnaire staff = anonymous.get("/fhir/Questionnaire/test-feedback-staff").resource(Questionnaire.class);
        // round 1 (March 2025): 5 promoters and 5 detractors; round 2 (March 2026): 6 promoters; the small team 2 answers
        for (int i = 0; i < 5; i++) {
            staffAnswer(staff, team, 10, 5, "2025-03-1" + i + "T10:00:00+02:00");
            staffAnswer(staff, team, 1, 2, "2025-03-2" + i + "T10:00:00+02:00");
        }
        for (int i = 0; i < 6; i++) {
            staffAnswer(staff, team, 9, 4, "2026-03-1" + i + "T10:00:00+02:00");
        }
        staffAnswer(staff, small, 9, 4, "2025-03-12T10:00:00+02:00");
        staffAnswer(staff, small, 3, 2, "2025-03-13T10:00:00+02:00");
        JsonNode teamJson = api("/analytics/units/" + team + "/rounds?survey=test-enps");
        JsonNode smallJson = api("/analytics/units/" + small + "/rounds?survey=test-enps");
        // machines keep the ISO periods
        assertEquals("P1Y", teamJson.get("cycle").getStringValue());
        assertEquals("P28D", teamJson.get("window").getStringValue());

        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, base(), "demo-manager-sari", "/manage/rounds?lang=fi");
        for (Dimension size : List.of(Browser.PHONE, Browser.DESKTOP)) {
            String device = size == Browser.PHONE ? "phone" : "desktop";
            browser.size(size);
            for (String lang : List.of("fi", "sv", "en")) {
                browser.open(base() + "/manage/rounds?unit=" + team + "&survey=test-enps&lang=" + lang);
                assertEquals(lang, browser.find("html").getAttribute("lang"));
                assertRoundsEqualApi(teamJson);
                // the cycle P1Y / P4W in words of the page's language
                String cycle = browser.text("#rounds-cycle");
                String expected = Map.of("fi", "Toistuu joka vuosi, kierros on auki 4 viikkoa,",
                        "sv", "Upprepas varje år, varje omgång öppen i 4 veckor,",
                        "en", "Repeated every year, each round open for 4 weeks,").get(lang);
                assertTrue(cycle.startsWith(expected), cycle);
                assertFalse(cycle.contains("P1Y") || cycle.contains("P28D"), cycle);
                assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on " + device);
                browser.assertAccessible("rounds-" + device + "-" + lang);
                browser.screenshot("manage-rounds-" + device + "-" + lang);
            }
        }
        // the second round's change since the first: 100 − 0
        assertEquals("100.0", browser.find("#rounds-table tr[data-round='2'] td.change").getAttribute("data-value"));
        // each statement's mean per round, as the API's
        assertEquals(Double.toString(ManagerDashboardBrowserTest.number(teamJson.get("rounds").get(0).get("statements").get(0), "mean")),
                browser.all("#round-statements-table tr[data-statement='statement.access'] td.mean").get(0).getAttribute("data-value"));
        // the small team: its round is suppressed on the page as in the API
        browser.size(Browser.PHONE);
        browser.open(base() + "/manage/rounds?unit=" + small + "&survey=test-enps&lang=en");
        assertTrue(smallJson.get("rounds").get(0).get("suppressed").getBooleanValue());
        assertFalse(browser.find("#rounds-table tr[data-round='1']").findElements(By.cssSelector("td.suppressed")).isEmpty());
        browser.assertAccessible("rounds-suppressed-en");
        // a unit where the survey is not run: said so, no table
        browser.open(base() + "/manage/rounds?unit=" + DemoUsers.UNIT_CHILD_PSYCHIATRY + "&lang=sv");
        assertFalse(browser.all("#rounds-message").isEmpty());
        assertTrue(browser.all("#rounds-table").isEmpty());
        browser.assertAccessible("rounds-none-sv");
        // the manager's refusals as on the other manager pages
        assertEquals(403, status("/manage/rounds?unit=" + DemoUsers.UNIT_PAIN_CLINIC, "Authorization",
                "Bearer " + tokens.unitManager(DemoUsers.UNIT_HEALTH_CENTRE)));
        assertEquals(400, status("/manage/rounds?unit=" + team + "&survey=nope", "Authorization",
                "Bearer " + tokens.unitManager(DemoUsers.UNIT_HEALTH_CENTRE)));
    }

    void assertRoundsEqualApi(JsonNode body) {
        List<WebElement> rows = browser.all("#rounds-table tbody tr");
        assertEquals(body.get("rounds").size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode round = body.get("rounds").get(i);
            WebElement row = rows.get(i);
            assertEquals(Integer.toString(round.get("round").getIntValue()), row.getAttribute("data-round"));
            if (round.get("suppressed").getBooleanValue()) {
                assertFalse(row.findElements(By.cssSelector("td.suppressed")).isEmpty());
                continue;
            }
            assertEquals(Long.toString(round.get("responses").getLongValue()), row.findElement(By.cssSelector("td.responses"))
                    .getText().split(" ")[0]);
            if (round.get("nps") != null) {
                assertEquals(Double.toString(ManagerDashboardBrowserTest.number(round, "nps", "score")),
                        row.findElement(By.cssSelector("td.nps")).getAttribute("data-value"));
            }
        }
    }

    void message(String id, String channel, String status, String recipient, Instant created, Instant notBefore, int attempts,
                 String lastError) {
        Db.update(dataSource, "INSERT INTO message_outbox (id, channel, purpose, recipient_key, recipient, body, status, attempts,"
                        + " not_before, created_at, finished_at, last_error) VALUES (?, ?, 'invitation', ?, ?, 'Kutsu', ?, ?, ?, ?, ?, ?)",
                id, channel, (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", ""), recipient, status, attempts,
                Timestamp.from(notBefore), Timestamp.from(created),
                "queued".equals(status) ? null : Timestamp.from(created.plusSeconds(60)), lastError);
    }

    @Test
    void operatorViewShowsTheQueueFailuresAndDeliveryWithoutAddresses() {
        Instant now = Instant.now();
        Instant today = LocalDate.now(ZONE).atStartOfDay(ZONE).toInstant().plusSeconds(60);
        Instant created = now.isAfter(today.plusSeconds(600)) ? now.minusSeconds(600) : today;
        // due for 10 minutes (the lag), held for an hour, a retry waiting, two sent, three delivered, a failure
        message(p + "-due", "sms", "queued", "+358401110001", created, now.minusSeconds(600), 0, null);
        message(p + "-held", "sms", "queued", "+358401110002", created, now.plusSeconds(3600), 0, null);
        message(p + "-retry", "email", "queued", "retry@example.fi", created, now.plusSeconds(300), 1, "421 try later");
        for (int i = 0; i < 2; i++) {
            message(p + "-sent-" + i, "email", "sent", "sent" + i + "@example.fi", created, created, 1, null);
        }
        for (int i = 0; i < 3; i++) {
            message(p + "-delivered-" + i, "sms", "delivered", "+35840222000" + i, created, created, 1, null);
        }
        message(p + "-failed", "email", "failed", "maija.meikalainen@example.fi", created, created, 1,
                "550 5.1.1 <maija.meikalainen@example.fi>: Recipient address rejected");
        message(p + "-failed-sms", "sms", "failed", "+358403330000", created, created, 6, "gateway 400: bad number +358403330000");

        // the expected figures, counted from the stored rows (other tests may have left messages in the database)
        long due = Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE status = 'queued' AND not_before <= ?", Timestamp.from(now));
        long failed = Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE status = 'failed'");
        long delivered = Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE status = 'delivered'");
        Instant dayStart = LocalDate.now(ZONE).atStartOfDay(ZONE).toInstant();
        long smsToday = Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE channel = 'sms' AND created_at >= ? AND created_at < ?",
                Timestamp.from(dayStart), Timestamp.from(dayStart.plus(Duration.ofDays(1))));
        long smsTodayDelivered = Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE channel = 'sms' AND status = 'delivered'"
                + " AND created_at >= ? AND created_at < ?", Timestamp.from(dayStart), Timestamp.from(dayStart.plus(Duration.ofDays(1))));

        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, base(), "demo-admin", "/manage/messaging?lang=fi");
        for (Dimension size : List.of(Browser.PHONE, Browser.DESKTOP)) {
            String device = size == Browser.PHONE ? "phone" : "desktop";
            browser.size(size);
            for (String lang : List.of("fi", "sv", "en")) {
                browser.open(base() + "/manage/messaging?lang=" + lang);
                assertEquals(lang, browser.find("html").getAttribute("lang"));
                assertEquals(Long.toString(due), browser.text("#queue-queued").replaceAll("\\s", ""));
                assertEquals(Long.toString(failed), browser.text("#queue-failed").replaceAll("\\s", ""));
                assertEquals(Long.toString(delivered), browser.text("#queue-delivered").replaceAll("\\s", ""));
                assertTrue(Long.parseLong(browser.find("#queue-lag").getAttribute("data-value")) >= 600, "the due message's lag");
                String page = browser.find("main").getText();
                for (String address : List.of("maija.meikalainen@example.fi", "+358403330000", "+358401110001", "sent0@example.fi")) {
                    assertFalse(page.contains(address), "no address on the page: " + address);
                }
                assertFalse(browser.driver().getPageSource().contains("example.fi"), "no address in the page source");
                WebElement failure = browser.find("#failures-table tr[data-id='" + p + "-failed']");
                assertTrue(failure.findElement(By.cssSelector("td.error")).getText().contains("Recipient address rejected"));
                assertTrue(failure.findElement(By.cssSelector("td.error")).getText().contains("[address]"));
                WebElement sms = browser.find("#delivery-table tr[data-day='" + LocalDate.now(ZONE) + "'][data-channel='sms']");
                assertEquals(Long.toString(smsToday), sms.findElement(By.cssSelector("td.created")).getText().replaceAll("\\s", ""));
                assertEquals(Long.toString(smsTodayDelivered), sms.findElement(By.cssSelector("td.delivered")).getText().replaceAll("\\s", ""));
                assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on " + device);
                browser.assertAccessible("messaging-" + device + "-" + lang);
                browser.screenshot("manage-messaging-" + device + "-" + lang);
            }
        }
        // the same queue as gauges on the management port
        HttpResponse<String> metrics = Management.get(context, "/prometheus");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("vointi_outbox_lag_seconds"), "outbox lag gauge");
        assertTrue(metrics.body().contains("vointi_outbox_messages{state=\"queued\"} " + (double) due)
                || metrics.body().contains("vointi_outbox_messages{state=\"queued\",} " + (double) due), "queued gauge");
        // a manager is not an operator; no session is sent to sign in
        assertEquals(403, status("/manage/messaging", "Authorization", "Bearer " + tokens.unitManager(DemoUsers.UNIT_HEALTH_CENTRE)));
        assertEquals(303, status("/manage/messaging"));
        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, base(), "demo-manager-sari", "/manage/messaging?lang=en");
        assertTrue(browser.text("h1").contains("Not available"));
        assertFalse(browser.find("main").getText().contains(p));
        browser.assertAccessible("messaging-refused-en");
    }
}
