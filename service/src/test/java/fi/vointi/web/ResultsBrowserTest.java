package fi.vointi.web;

import fi.vointi.results.ResultsPagesTest;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * My results, sharing and the usability check in a real Chromium: phone and desktop, fi/sv/en, axe-core on every page
 * and state, screenshots. Clicks the way a person does (the browser's own Origin and Sec-Fetch-Site headers).
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.scoring.minimal-important-difference.demo-wellbeing-prom.total", value = "5")
class ResultsBrowserTest {
    static final String USABILITY = "https://vointi.fi/fhir/Questionnaire/demo-usability-check";
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;

    static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start("fi");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    String base() {
        return "http://localhost:" + server.getPort();
    }

    /** Three self-reports and one proxy report for a new patient; returns the ids (latest self-report third). */
    List<String> answers(FhirTestClient asPatient, FhirTestClient asGuardian, String patient) {
        Map<String, Integer> first = ResultsPagesTest.all(2);
        first.put("mood.3", 1);
        String r1 = store(asPatient, ResultsPagesTest.prom(patient, "2026-01-15T10:00:00+02:00", first));
        String r2 = store(asPatient, ResultsPagesTest.prom(patient, "2026-02-15T10:00:00+02:00", ResultsPagesTest.all(1)));
        String r3 = store(asPatient, ResultsPagesTest.prom(patient, "2026-03-15T10:00:00+02:00", ResultsPagesTest.all(3)));
        QuestionnaireResponse proxy = ResultsPagesTest.prom(patient, "2026-03-20T10:00:00+02:00", ResultsPagesTest.all(4));
        String r4 = store(asGuardian, proxy);
        return List.of(r1, r2, r3, r4);
    }

    static String store(FhirTestClient client, QuestionnaireResponse response) {
        FhirTestClient.Reply reply = client.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    @Test
    void resultsChartSharingAndUsabilityOnPhoneAndDesktopInThreeLanguages() {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        // the dev OIDC provider's demo patient (DemoUsers): demo-patient-aino acts for Patient/demo-aino
        String patient = "demo-aino";
        List<String> ids = answers(anonymous.as(tokens.patient(patient)), anonymous.as(tokens.guardian(patient)), patient);
        String latest = ids.get(2);
        FhirTestClient clinician = anonymous.as(tokens.clinician(ResultsPagesTest.UNIT));
        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, base(), "demo-patient-aino", "/app/results?lang=fi");
        for (Dimension size : List.of(Browser.PHONE, Browser.DESKTOP)) {
            String device = size == Browser.PHONE ? "phone" : "desktop";
            browser.size(size);
            for (String lang : List.of("fi", "sv", "en")) {
                browser.open(base() + "/app/results?lang=" + lang);
                assertEquals(lang, browser.find("html").getAttribute("lang"));
                assertFalse(browser.all("svg.chart[role=img]").isEmpty(), "charts");
                assertFalse(browser.all("table.score-table").isEmpty(), "tables");
                assertTrue(browser.find("main").getText().contains("28"));
                assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on " + device);
                browser.assertAccessible("results-" + device + "-" + lang);
                browser.screenshot("results-" + device + "-" + lang);
            }
        }
        // right after sending: the explicit question, then the usability check (phone, English)
        browser.size(Browser.PHONE);
        browser.open(base() + "/app/results/" + latest + "?sent=1&lang=en");
        assertTrue(browser.text(".sharing-question").contains("Send these results to the care team at"));
        browser.assertAccessible("response-sent-en").screenshot("response-sent-phone-en");
        assertEquals(404, clinician.get("/fhir/QuestionnaireResponse/" + latest).status());
        browser.clickAndWaitForNextPage(browser.find(".sharing-question button[value=share]"));
        assertTrue(browser.text(".notice").contains("Sent to the care team at"));
        assertEquals(200, clinician.get("/fhir/QuestionnaireResponse/" + latest).status(), "shared: the clinician reads it");
        browser.assertAccessible("response-shared-en").screenshot("response-shared-phone-en");

        long before = Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE questionnaire_url = ?", USABILITY);
        browser.choose("usability-easy-6").choose("usability-clear-7");
        browser.assertAccessible("usability-chosen-en");
        browser.clickAndWaitForNextPage(browser.find(".usability button[type=submit]:not([name])"));
        assertTrue(browser.text(".notice").contains("Thank you"));
        assertEquals(before + 1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE questionnaire_url = ?"
                + " AND subject_id IS NULL", USABILITY), "stored anonymously");
        browser.assertAccessible("usability-thanks-en");

        // withdraw later from the answer's page: the clinician no longer can
        browser.clickAndWaitForNextPage(browser.find(".sharing button[value=withdraw]"));
        assertEquals(404, clinician.get("/fhir/QuestionnaireResponse/" + latest).status(), "withdrawn");
        browser.assertAccessible("response-withdrawn-en").screenshot("response-withdrawn-phone-en");
        for (String lang : List.of("fi", "sv")) {
            browser.open(base() + "/app/results/" + latest + "?sent=1&lang=" + lang);
            browser.assertAccessible("response-" + lang).screenshot("response-phone-" + lang);
        }
        // skipping the check is one click
        browser.open(base() + "/app/results/" + ids.get(1) + "?sent=1&lang=fi");
        browser.clickAndWaitForNextPage(browser.find(".sharing-question button[value=later]"));
        browser.assertAccessible("response-later-fi");
        browser.clickAndWaitForNextPage(browser.find(".usability button[name=skip]"));
        assertTrue(browser.all(".usability").isEmpty());
        browser.open(base() + "/app/results/no-such-answer?lang=fi");
        browser.assertAccessible("not-found-fi");
    }
}
