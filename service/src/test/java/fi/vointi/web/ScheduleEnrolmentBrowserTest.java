package fi.vointi.web;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enrolling a patient in a PROM schedule from the clinician's page, in a real Chromium by clicking (phone and desktop,
 * fi/sv/en, axe-core on every state): a bad mobile number and an empty start are shown on the form with the values
 * kept; the enrolment then shows on the patient's page with its next questionnaire, and ending it stops it — the same
 * CarePlan the FHIR API shows. SMS is configured (to nowhere: the sender and the runner are off in this test).
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.messaging.sms.url", value = "http://127.0.0.1:9/sms")
@Property(name = "vointi.messaging.sms.username", value = "browser-test")
@Property(name = "vointi.messaging.sms.password", value = "browser-test")
@Property(name = "vointi.messaging.sender-enabled", value = "false")
@Property(name = "vointi.schedules.runner-enabled", value = "false")
class ScheduleEnrolmentBrowserTest {
    /** Pekka (demo-clinician-pekka) works at the pain clinic only. */
    static final String UNIT = fi.vointi.security.DemoUsers.UNIT_PAIN_CLINIC;

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

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

    String path() {
        return URI.create(browser.driver().getCurrentUrl()).getPath();
    }

    void submit(String css) {
        WebElement button = browser.find(css);
        browser.script("arguments[0].scrollIntoView({block:'center'})", button);
        browser.clickAndWaitForNextPage(button);
    }

    void type(String css, String text) {
        WebElement field = browser.find(css);
        field.clear();
        field.sendKeys(text);
    }

    @Test
    void aClinicianEnrolsAPatientSeesTheScheduleAndEndsIt() {
        String patient = "browser-sch-" + UUID.randomUUID().toString().substring(0, 8);
        String page = "/staff/patients/" + patient;
        browser.driver().manage().deleteAllCookies();
        browser.size(Browser.PHONE);
        SignIn.as(browser, base(), "demo-clinician-pekka", page + "?lang=en");
        assertEquals(page, path());
        assertEquals(Messages.get("en", "staff.schedule.none"), browser.text("#schedules > p"));
        assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on a phone");
        browser.assertAccessible("schedule-none-phone-en").screenshot("schedule-none-phone-en");

        // a bad mobile number: the form again, with the problem and what was entered
        new Select(browser.find("#schedule-protocol")).selectByValue("demo-wellbeing-follow-up");
        String today = browser.find("#schedule-start").getAttribute("value");
        assertTrue(today.matches("\\d{4}-\\d{2}-\\d{2}"), "today by default: " + today);
        type("#schedule-phone", "040 12ab");
        type("#schedule-email", "aino@example.fi");
        new Select(browser.find("#schedule-language")).selectByValue("sv");
        submit(".schedule-form button[type=submit]");
        assertEquals(page + "/schedules", path());
        assertEquals(Messages.get("en", "staff.schedule.error.title"), browser.text("#schedule-error-title"));
        assertEquals(Messages.get("en", "staff.schedule.error.phone"), browser.text(".error-summary li"));
        assertTrue(browser.text("#schedule-phone-error").endsWith(Messages.get("en", "staff.schedule.error.phone")));
        assertEquals("040 12ab", browser.find("#schedule-phone").getAttribute("value"), "kept");
        assertEquals("aino@example.fi", browser.find("#schedule-email").getAttribute("value"), "kept");
        assertEquals(today, browser.find("#schedule-start").getAttribute("value"), "kept");
        assertEquals("sv", new Select(browser.find("#schedule-language")).getFirstSelectedOption().getAttribute("value"));
        assertEquals("true", browser.find("#schedule-phone").getAttribute("aria-invalid"));
        assertFalse(browser.scrollsHorizontally());
        browser.assertAccessible("schedule-bad-phone-phone-en").screenshot("schedule-bad-phone-phone-en");

        // an empty start as well (a browser without a date picker may send anything): both problems, in Finnish
        browser.open(base() + page + "?lang=fi");
        browser.script("arguments[0].value = ''", browser.find("#schedule-start"));
        type("#schedule-phone", "12");
        submit(".schedule-form button[type=submit]");
        List<String> problems = browser.all(".error-summary li").stream().map(WebElement::getText).toList();
        assertEquals(List.of(Messages.get("fi", "staff.schedule.error.start"), Messages.get("fi", "staff.schedule.error.phone")),
                problems);
        browser.assertAccessible("schedule-bad-start-phone-fi");

        // corrected: enrolled, back on the patient's page at the enrolment
        browser.open(base() + page + "?lang=en");
        type("#schedule-phone", "+358 40 765 4321");
        submit(".schedule-form button[type=submit]");
        assertEquals(page, path());
        List<WebElement> cards = browser.all("article.enrolment");
        assertEquals(1, cards.size());
        String id = cards.get(0).getAttribute("id").substring("enrolment-".length());
        assertTrue(browser.driver().getCurrentUrl().endsWith("#enrolment-" + id), browser.driver().getCurrentUrl());
        assertEquals(Messages.get("en", "staff.schedule.status.active"), browser.text("#enrolment-" + id + " .enrolment-status"));
        assertNotEquals("–", browser.text("#enrolment-" + id + " .enrolment-next"), "the next questionnaire's date");
        assertFalse(browser.scrollsHorizontally());
        browser.assertAccessible("schedule-enrolled-phone-en").screenshot("schedule-enrolled-phone-en");
        for (String lang : List.of("fi", "sv")) {
            browser.open(base() + page + "?lang=" + lang);
            assertEquals(Messages.get(lang, "staff.schedule.status.active"), browser.text("#enrolment-" + id + " .enrolment-status"));
            browser.assertAccessible("schedule-enrolled-phone-" + lang);
        }
        browser.size(Browser.DESKTOP).open(base() + page + "?lang=fi");
        browser.assertAccessible("schedule-enrolled-desktop-fi").screenshot("schedule-enrolled-desktop-fi");

        // the same CarePlan through the API, with the clinician's unit; the contact is never shown
        FhirTestClient clinician = new FhirTestClient(server).as(new Tokens(issuer).clinician(UNIT));
        FhirTestClient.Reply found = clinician.get("/fhir/CarePlan?patient=" + patient);
        assertEquals(200, found.status(), found.body());
        CarePlan plan = (CarePlan) found.resource(Bundle.class).getEntryFirstRep().getResource();
        assertEquals(id, plan.getIdElement().getIdPart());
        assertEquals(today, plan.getPeriod().getStartElement().getValueAsString());
        assertFalse(found.body().contains("7654321"));

        // ended early by clicking: no end buttons any more, the API says revoked
        submit("#enrolment-" + id + " button[value=revoked]");
        assertEquals(page, path());
        assertEquals(Messages.get("fi", "staff.schedule.status.revoked"), browser.text("#enrolment-" + id + " .enrolment-status"));
        assertTrue(browser.all("#enrolment-" + id + " button").isEmpty());
        assertEquals("–", browser.text("#enrolment-" + id + " .enrolment-next"));
        browser.assertAccessible("schedule-ended-desktop-fi").screenshot("schedule-ended-desktop-fi");
        assertEquals(CarePlan.CarePlanStatus.REVOKED, clinician.get("/fhir/CarePlan/" + id).resource(CarePlan.class).getStatus());
        browser.size(Browser.PHONE).open(base() + page + "?lang=en");
        browser.assertAccessible("schedule-ended-phone-en").screenshot("schedule-ended-phone-en");
    }
}
