package fi.vointi.web.answer;

import fi.vointi.invitations.InvitationService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import fi.vointi.web.Browser;
import fi.vointi.web.Messages;
import fi.vointi.web.SignIn;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Answering in a real Chromium as a person does it: tapping labels, the browser's own headers, a new browser session
 * to resume; axe-core on every page and state (first page, follow-up question shown and hidden live, errors, review, sent,
 * used).
 */
@MicronautTest(transactional = false)
class AnsweringBrowserTest {
    static final String PROM = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String TITLE_FI = "Arjen hyvinvointi (Vointi demo)";
    static final String TITLE_SV = "Vardagligt välbefinnande (Vointi demo)";
    static final String TITLE_EN = "Everyday wellbeing (Vointi demo)";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    static Browser browser;
    String patient;

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

    @BeforeEach
    void fresh() {
        patient = "b-" + UUID.randomUUID().toString().substring(0, 8);
        browser.open(url("/assets/vointi.css")).driver().manage().deleteAllCookies();
        browser.size(Browser.PHONE);
    }

    String url(String path) {
        return "http://localhost:" + server.getPort() + path;
    }

    /** An invitation made by a clinician over FHIR; answers the link's path. */
    String invitationLink() {
        Tokens tokens = new Tokens(issuer);
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setFor(new Reference("Patient/" + patient));
        task.addInput().setType(new CodeableConcept(new Coding("http://hl7.org/fhir/uv/sdc/CodeSystem/temp", "questionnaire", null)))
                .setValue(new CanonicalType(PROM));
        task.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/browser-unit"));
        var reply = new FhirTestClient(server).as(tokens.clinician("browser-unit")).post("/fhir/Task", task);
        assertEquals(201, reply.status(), reply.body());
        String link = reply.resource(Task.class).getExtensionByUrl(InvitationService.LINK_EXTENSION).getValue().primitiveValue();
        return link.substring(link.indexOf("/invitation/"));
    }

    void next() {
        press("button[value=next]");
    }

    void press(String css) {
        WebElement button = browser.find(css);
        browser.script("arguments[0].scrollIntoView({block:'center'})", button);
        browser.clickAndWaitForNextPage(button);
    }

    String path() {
        return java.net.URI.create(browser.driver().getCurrentUrl()).getPath();
    }

    @Test
    void firstPageInEachLanguageOnPhoneAndDesktop() {
        String link = invitationLink();
        for (String lang : List.of("fi", "sv", "en")) {
            for (var size : List.of(Browser.PHONE, Browser.DESKTOP)) {
                String screen = size == Browser.PHONE ? "phone" : "desktop";
                browser.size(size).open(url(link + "?lang=" + lang));
                assertEquals(lang, browser.find("html").getAttribute("lang"));
                assertEquals(switch (lang) { case "sv" -> TITLE_SV; case "en" -> TITLE_EN; default -> TITLE_FI; }, browser.text("h1"));
                assertEquals(Messages.get(lang, "app.answer.progress", 1, 5), browser.text(".progress"));
                assertFalse(browser.scrollsHorizontally());
                browser.screenshot("answer-link-first-" + lang + "-" + screen);
                browser.assertAccessible("answer-link-first-" + lang + "-" + screen);
            }
        }
    }

    @Test
    void invitationLinkAnsweredWithoutSignInSavedResumedSentAndThenUsed() {
        String link = invitationLink();
        browser.open(url(link + "?lang=fi"));
        browser.choose("q-sleep_1-2").choose("q-sleep_2-1");
        next();
        assertEquals(link + "/page/2", path());
        assertEquals(Messages.get("fi", "app.answer.progress", 2, 5), browser.text(".progress"));
        browser.assertAccessible("answer-link-page2");
        browser.choose("q-mood_1-3");
        next();
        assertEquals(link + "/page/3", path());

        // leave mid-way; a new browser session (no cookies, nothing but the link) resumes where it stopped
        browser.driver().manage().deleteAllCookies();
        browser.open(url(link));
        assertEquals(link + "/page/3", path(), "resumed at the first unanswered page");
        press("button[value=back]");
        assertEquals(link + "/page/2", path());
        assertTrue(browser.find("#q-mood_1-3").isSelected(), "Back shows the answers kept");
        next();
        browser.choose("q-activity_limits-0").choose("q-activity_limits-3");
        next();
        assertEquals(link + "/page/4", path());

        // enableWhen live (enable-when.js): "yes" shows the follow-up at once, without a page load and without moving
        // focus, and says so politely; "no" hides it again. (Without JavaScript: the server path, AnsweringPagesTest.)
        assertFalse(browser.find("#q-pain_interference").isDisplayed());
        assertEquals("pain.any", browser.find("input[name=shown]").getAttribute("value"));
        browser.script("window.vointiSamePage = true");
        browser.choose("q-pain_any-0");
        assertTrue(browser.find("#q-pain_interference").isDisplayed());
        assertEquals(Boolean.TRUE, browser.script("return window.vointiSamePage === true"), "no page load");
        assertEquals("q-pain_any-0", browser.script("return document.activeElement.id"), "focus stays on the answer given");
        assertEquals("pain.any,pain.interference", browser.find("input[name=shown]").getAttribute("value"));
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(5)).until(d ->
                Messages.get("fi", "app.answer.added").equals(browser.find("#enable-when-status").getAttribute("textContent")));
        assertEquals("polite", browser.find("#enable-when-status").getAttribute("aria-live"));
        browser.screenshot("answer-link-live-shown");
        browser.assertAccessible("answer-link-live-shown");
        browser.choose("q-pain_any-1");
        assertFalse(browser.find("#q-pain_interference").isDisplayed());
        assertTrue(browser.find("#q-pain_interference-0").getAttribute("disabled") != null, "a hidden question is not sent");
        assertEquals("pain.any", browser.find("input[name=shown]").getAttribute("value"));
        browser.screenshot("answer-link-live-hidden");
        browser.assertAccessible("answer-link-live-hidden");
        browser.choose("q-pain_any-0");
        assertTrue(browser.find("#q-pain_interference").isDisplayed());
        assertEquals(Boolean.TRUE, browser.script("return window.vointiSamePage === true"), "still no page load");
        next(); // the follow-up is required: the server says so (no "opened more questions" step, it was on screen)
        assertEquals(link + "/page/4", path());
        assertTrue(browser.find(".error-summary").isDisplayed());
        assertTrue(browser.find("#q-pain_any-0").isSelected(), "answers kept");
        browser.screenshot("answer-link-error");
        browser.assertAccessible("answer-link-error");
        browser.choose("q-pain_interference-2");
        next();
        assertEquals(link + "/page/5", path());
        browser.find("textarea").sendKeys("Demo: kaikki hyvin");
        next();
        assertEquals(link + "/review", path());
        assertTrue(browser.text("main").contains("Demo: kaikki hyvin"));
        browser.screenshot("answer-link-review");
        browser.assertAccessible("answer-link-review");
        press("main form button[type=submit]");
        assertEquals(link + "/sent", path());
        assertEquals(Messages.get("fi", "app.answer.link.sent.title"), browser.text("h1"));
        browser.assertAccessible("answer-link-sent");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ? AND status = 'completed'",
                patient));

        // the second time: the "already used" page, in the person's language
        browser.open(url(link + "?lang=sv"));
        assertEquals(Messages.get("sv", "app.answer.link.used.title"), browser.text("h1"));
        browser.screenshot("answer-link-used");
        browser.assertAccessible("answer-link-used");
    }

    // ---- signed in through the dev OIDC flow (SignIn) -------------------------------------------------------------

    void signIn(String demoUser, String returnPath) {
        SignIn.as(browser, url(""), demoUser, returnPath);
    }

    @Test
    void patientAnswersTheDemoPromLeavesResumesInANewSessionAndSends() {
        signIn("demo-patient-aino", "/app");
        assertEquals("/app", path());
        browser.screenshot("app-home");
        browser.assertAccessible("app-home");
        browser.clickAndWaitForNextPage(browser.find("a[href^='/app/answer/start']"));
        assertEquals(Messages.get("fi", "app.answer.forSelf"), browser.text(".answering-for"));
        browser.assertAccessible("app-first-page");
        browser.choose("q-sleep_1-1");
        next();
        String draft = path().replaceAll("/page/\\d+$", "");
        browser.choose("q-mood_1-2");
        next();
        browser.driver().manage().deleteAllCookies(); // a new browser session
        signIn("demo-patient-aino", draft);
        assertTrue(path().endsWith("/page/3"), path());
        browser.assertAccessible("app-resumed");
        next(); // every part of the demo PROM needs at least one answer
        assertTrue(path().endsWith("/page/3") && browser.find(".error-summary").isDisplayed());
        browser.choose("q-activity_1-1");
        next();
        browser.choose("q-pain_any-0").choose("q-pain_interference-1"); // the follow-up appears at once (enable-when.js)
        next();
        next();
        assertTrue(path().endsWith("/review"), path() + " " + browser.text("h1"));
        browser.assertAccessible("app-review");
        browser.screenshot("app-review");
        press("main form button[type=submit]");
        browser.screenshot("app-after-send");
        assertTrue(browser.driver().getCurrentUrl().matches(".*/app/results/[0-9a-f-]{36}\\?sent=1$"), browser.driver().getCurrentUrl());
    }

    @Test
    void guardianAnswersForTheChildAndSeesTheChildsNameThroughout() {
        signIn("demo-guardian-liisa", "/app");
        assertTrue(browser.text(".answering-for").contains("Onni"));
        browser.clickAndWaitForNextPage(browser.find("a[href^='/app/answer/start']"));
        do {
            assertEquals(Messages.get("fi", "app.answer.forOther", "Onni"), browser.text(".answering-for"));
            browser.assertAccessible("guardian-" + path().replace('/', '-'));
            List<WebElement> radios = browser.all("main input[type=radio]");
            if (!radios.isEmpty()) {
                browser.choose(radios.get(radios.size() > 1 ? 1 : 0).getAttribute("id"));
            }
            next();
        } while (path().contains("/page/"));
        assertEquals(Messages.get("fi", "app.answer.forOther", "Onni"), browser.text(".answering-for"));
        browser.assertAccessible("guardian-review");
    }
}
