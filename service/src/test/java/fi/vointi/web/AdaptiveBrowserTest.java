package fi.vointi.web;

import fi.vointi.responses.ResponseService;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.WebElement;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An adaptive test (CAT) in a real Chromium, as a patient does it: opens the invitation, starts, taps one answer per
 * page until the stopping rule ends the test, and sees the T-score that the stored Observation holds; an interrupted
 * test resumes in a new browser session at the question where it stopped. axe-core on every page and state, phone and
 * desktop, fi/sv/en.
 * Sign-in is the real dev OIDC flow ({@link SignIn}).
 */
@MicronautTest(transactional = false)
class AdaptiveBrowserTest {
    static final String BANK = "https://vointi.fi/fhir/Questionnaire/demo-everyday-energy-bank";
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String AINO = "demo-patient-aino";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    static Browser browser;
    Tokens tokens;
    FhirTestClient fhir;

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
    void setUp() {
        tokens = new Tokens(issuer);
        fhir = new FhirTestClient(server);
        browser.open(url("/assets/vointi.css")).driver().manage().deleteAllCookies();
    }

    String url(String pathAndQuery) {
        return "http://localhost:" + server.getPort() + pathAndQuery;
    }

    /** A clinician of the pain clinic invites Aino to the adaptive demo test; returns the Task id. */
    String invite() {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/demo-aino"));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(BANK));
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + DemoUsers.UNIT_PAIN_CLINIC));
        Reply reply = fhir.as(tokens.clinician(DemoUsers.UNIT_PAIN_CLINIC)).post("/fhir/Task", task);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(Task.class).getIdElement().getIdPart();
    }

    static String title(String lang) {
        return switch (lang) {
            case "sv" -> "Vardagsenergi – adaptiv enkät (Vointi demo)";
            case "en" -> "Everyday energy – adaptive questionnaire (Vointi demo)";
            default -> "Arjen energia – adaptiivinen kysely (Vointi demo)";
        };
    }

    static void submit(Browser b) {
        WebElement button = b.find("main button[type=submit]");
        b.script("arguments[0].scrollIntoView({block:'center'})", button);
        b.clickAndWaitForNextPage(button);
    }

    /** Taps answer option {@code index} of the question on the page and presses Next. */
    static void answer(Browser b, int index) {
        List<WebElement> labels = b.all("form.cat-question .options label");
        assertEquals(5, labels.size(), "one question with its five options");
        WebElement label = labels.get(index);
        b.script("arguments[0].scrollIntoView({block:'center'})", label);
        label.click();
        submit(b);
    }

    static String currentQuestion(Browser b) {
        return b.find("input[name=question]").getAttribute("value");
    }

    static String responseIdOf(Browser b) {
        String path = java.net.URI.create(b.driver().getCurrentUrl()).getPath();
        assertTrue(path.startsWith("/app/adaptive/"), path);
        return path.substring("/app/adaptive/".length());
    }

    /** The Observation's T-score and SE as the page language writes them. */
    String[] storedScore(String responseId, String lang) {
        Bundle found = fhir.as(tokens.patient("demo-aino")).get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId)
                .resource(Bundle.class);
        Observation observation = found.getEntry().stream().map(e -> (Observation) e.getResource())
                .filter(o -> o.getCode().getCodingFirstRep().getCode().endsWith(".cat")).findFirst().orElseThrow();
        BigDecimal score = observation.getValueQuantity().getValue();
        BigDecimal se = ((Quantity) observation.getComponent().stream()
                .filter(c -> c.getCode().getCodingFirstRep().getCode().equals("standard-error")).findFirst().orElseThrow()
                .getValue()).getValue();
        return new String[] {localized(score, lang), localized(se, lang)};
    }

    static String localized(BigDecimal value, String lang) {
        return lang.equals("en") ? value.toPlainString() : value.toPlainString().replace('.', ',');
    }

    /** Answers until the stopping rule ends the test; returns how many questions were answered on these pages. */
    static int answerToTheEnd(Browser b, String lang, int alreadyAnswered, Random random) {
        int n = alreadyAnswered;
        while (b.driver().getCurrentUrl().contains("/app/adaptive/")) {
            n++;
            assertEquals(Messages.get(lang, "app.cat.questionNumber", n), b.text(".cat-progress"), "Question n, no total");
            answer(b, 2 + random.nextInt(2));
            assertTrue(n <= 12, "the design's length cap ends the test");
        }
        return n;
    }

    static Stream<Arguments> languagesAndScreens() {
        List<Arguments> cases = new ArrayList<>();
        for (String lang : Languages.SUPPORTED) {
            cases.add(Arguments.of(lang, "phone"));
            cases.add(Arguments.of(lang, "desktop"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on a {1}")
    @MethodSource("languagesAndScreens")
    void aPatientRunsATestToItsStoppingRuleAndSeesTheStoredTScore(String lang, String screen) {
        String taskId = invite();
        browser.size(screen.equals("phone") ? Browser.PHONE : Browser.DESKTOP);
        String state = lang + "-" + screen;
        // signs in through the dev OIDC provider and lands on the invitation
        SignIn.as(browser, url(""), AINO, "/app/adaptive/start?task=" + taskId + "&lang=" + lang);
        assertEquals(lang, browser.find("html").getAttribute("lang"));
        assertEquals(title(lang), browser.text("h1"));
        assertEquals(Messages.get(lang, "app.cat.forSelf"), browser.text(".for-whom"));
        assertFalse(browser.scrollsHorizontally());
        browser.screenshot("cat-start-" + state);
        browser.assertAccessible("cat-start-" + state);

        submit(browser);
        String responseId = responseIdOf(browser);
        assertEquals(Messages.get(lang, "app.cat.questionNumber", 1), browser.text(".cat-progress"));
        assertTrue(browser.all("a[href*='back'], button[name=back]").isEmpty(), "no Back");
        assertFalse(browser.scrollsHorizontally());
        browser.screenshot("cat-question-" + state);
        browser.assertAccessible("cat-question-" + state);

        // Next without an answer: the page says so, in its language
        submit(browser);
        assertTrue(browser.text(".error-summary").contains(Messages.get(lang, "feedback.errors.title")));
        assertEquals(Messages.get(lang, "app.cat.questionNumber", 1), browser.text(".cat-progress"));
        browser.screenshot("cat-error-" + state);
        browser.assertAccessible("cat-error-" + state);

        int answered = answerToTheEnd(browser, lang, 0, new Random(lang.hashCode() + screen.hashCode()));
        assertTrue(answered >= 4, "at least the design's minimum, was " + answered);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/app/results/" + responseId + "?sent=1"),
                "hand-over to the results page: " + browser.driver().getCurrentUrl());

        browser.open(url("/app/adaptive/" + responseId + "?lang=" + lang));
        String[] stored = storedScore(responseId, lang);
        assertEquals(stored[0], browser.text("#cat-score"), "the T-score shown is the stored Observation's");
        assertEquals(stored[1], browser.text("#cat-se"));
        browser.screenshot("cat-finished-" + state);
        browser.assertAccessible("cat-finished-" + state);
    }

    @Test
    void anInterruptedTestResumesInANewBrowserSessionWhereItStopped() {
        String taskId = invite();
        browser.size(Browser.PHONE);
        SignIn.as(browser, url(""), AINO, "/app/adaptive/start?task=" + taskId + "&lang=fi");
        submit(browser);
        String responseId = responseIdOf(browser);
        Random random = new Random(11);
        answer(browser, 3);
        answer(browser, 2);
        String third = currentQuestion(browser);
        QuestionnaireResponse before = fhir.as(tokens.patient("demo-aino")).get("/fhir/QuestionnaireResponse/" + responseId)
                .resource(QuestionnaireResponse.class);
        assertEquals(2, before.getItem().size(), "each answer saved at once");

        // the browser's Back shows the current question again, never an earlier one to change
        browser.driver().navigate().back();
        assertEquals(third, currentQuestion(browser));
        assertEquals(Messages.get("fi", "app.cat.questionNumber", 3), browser.text(".cat-progress"));
        browser.open(url("/app/adaptive/" + responseId + "?answered=1"));
        assertEquals(Messages.get("fi", "app.cat.alreadyAnswered"), browser.text(".notice"));
        browser.screenshot("cat-notice-fi-phone");
        browser.assertAccessible("cat-notice-fi-phone");
        browser.close();

        // later, another browser: the home page sends her to sign in, then lists the test in progress
        browser = Browser.start("fi");
        browser.size(Browser.PHONE);
        browser.open(url("/app?lang=fi"));
        assertTrue(browser.driver().getCurrentUrl().contains("/dev/oidc/"), "anonymous: to sign-in, " + browser.driver().getCurrentUrl());
        browser.clickAndWaitForNextPage(browser.find("button[name='user'][value='" + AINO + "']"));
        assertTrue(browser.driver().getCurrentUrl().startsWith(url("/app")), browser.driver().getCurrentUrl());
        assertTrue(browser.driver().manage().getCookieNamed("vointi_session") != null, "a new session");
        WebElement draft = browser.find("a[href='/app/adaptive/" + responseId + "']");
        browser.clickAndWaitForNextPage(draft);
        assertEquals(third, currentQuestion(browser), "the same question where it stopped");
        assertEquals(Messages.get("fi", "app.cat.questionNumber", 3), browser.text(".cat-progress"));
        int answered = answerToTheEnd(browser, "fi", 2, random);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/app/results/" + responseId + "?sent=1"));

        QuestionnaireResponse done = fhir.as(tokens.patient("demo-aino")).get("/fhir/QuestionnaireResponse/" + responseId)
                .resource(QuestionnaireResponse.class);
        assertEquals(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED, done.getStatus());
        assertEquals(answered, done.getItem().size());
        assertEquals(before.getItem().get(0).getAnswerFirstRep().getValueCoding().getCode(),
                done.getItem().get(0).getAnswerFirstRep().getValueCoding().getCode(), "the first answers stand");
        browser.open(url("/app/adaptive/" + responseId + "?lang=fi"));
        assertEquals(storedScore(responseId, "fi")[0], browser.text("#cat-score"));
    }
}
