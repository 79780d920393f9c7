package fi.vointi.web;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import fi.vointi.results.ResultsController;
import fi.vointi.results.ResultsPagesTest;
import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.NumberFormat;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clinician's view in a real Chromium (desktop and tablet, fi/sv/en, axe-core on every page and state):
 * a SMART EHR launch from the dev EHR lands on the launch patient; only answers shared with the clinician's own units
 * are shown; the "copy for the record" text carries the Observations' numbers; a withdrawn share disappears; an
 * invitation created on the page is answered through its QR code's link and then shows as answered.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.scoring.minimal-important-difference.demo-wellbeing-prom.total", value = "5")
class ClinicianViewBrowserTest {
    static final Dimension TABLET = new Dimension(820, 1180);
    /** Eero (DemoUsers demo-patient-eero); Pekka (demo-clinician-pekka) works at the pain clinic. */
    static final String PATIENT = "demo-eero";
    static final String OWN_UNIT = DemoUsers.UNIT_PAIN_CLINIC;
    static final String OTHER_UNIT = DemoUsers.UNIT_CHILD_PSYCHIATRY;

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

    static String store(FhirTestClient client, QuestionnaireResponse response) {
        FhirTestClient.Reply reply = client.post("/fhir/QuestionnaireResponse", response);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    static QuestionnaireResponse prom(String authored, int value, String unit) {
        QuestionnaireResponse r = ResultsPagesTest.prom(PATIENT, authored, ResultsPagesTest.all(value));
        r.getExtensionByUrl("https://vointi.fi/fhir/StructureDefinition/service-unit").setValue(new Reference("Organization/" + unit));
        return r;
    }

    @Test
    void ehrLaunchSharedAnswersCopyForTheRecordWithdrawalAndAQrInvitation() throws Exception {
        Tokens tokens = new Tokens(issuer);
        FhirTestClient anonymous = new FhirTestClient(server);
        FhirTestClient patient = anonymous.as(tokens.patient(PATIENT));
        FhirTestClient clinician = anonymous.as(tokens.clinician(OWN_UNIT));
        // stored by an EHR integration, which may date answers given earlier (AuthoredRules): distinct times, so the
        // first is the baseline of every series on any database
        FhirTestClient ehr = anonymous.as(tokens.system("demo-ehr", "system/QuestionnaireResponse.c"));
        String first = store(ehr, prom("2026-01-15T10:00:00+02:00", 1, OWN_UNIT));
        String latest = store(ehr, prom("2026-03-15T10:00:00+02:00", 3, OWN_UNIT));
        String otherUnit = store(ehr, prom("2026-03-16T10:00:00+02:00", 2, OTHER_UNIT));
        String unshared = store(ehr, prom("2026-03-17T10:00:00+02:00", 4, OWN_UNIT));
        for (String id : List.of(first, latest, otherUnit)) {
            FhirTestClient.Reply shared = patient.post("/fhir/QuestionnaireResponse/" + id + "/$share", "");
            assertEquals(200, shared.status(), shared.body());
        }

        // the EHR launch: the dev EHR opens Vointi as Pekka with Eero's record open
        browser.driver().manage().deleteAllCookies();
        browser.size(Browser.DESKTOP).open(base() + "/dev/ehr?lang=fi");
        browser.assertAccessible("dev-ehr-fi").screenshot("dev-ehr-desktop-fi");
        browser.choose("clinician-demo-clinician-pekka").choose("patient-" + PATIENT);
        browser.clickAndWaitForNextPage(browser.find("form.dev-ehr button[type=submit]"));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> path().equals("/staff/patients/" + PATIENT));
        assertNotNull(browser.driver().manage().getCookieNamed("vointi_session"), "signed in by the launch");
        assertEquals(Messages.get("fi", "staff.patient.title", "Eero"), browser.text("h1"));
        assertTrue(browser.text(".signed-in-as").contains("Pekka Demo"));

        // only what the patient shared with the clinician's own units
        assertEquals(1, browser.all("#response-" + first).size());
        assertEquals(1, browser.all("#response-" + latest).size());
        assertTrue(browser.all("#response-" + otherUnit).isEmpty(), "shared with another unit: absent");
        assertTrue(browser.all("#response-" + unshared).isEmpty(), "not shared: absent");
        List<String> order = browser.all("article.staff-answer").stream().map(a -> a.getAttribute("id")).toList();
        assertTrue(order.indexOf("response-" + latest) < order.indexOf("response-" + first), "newest first: " + order);
        assertTrue(browser.text("#response-" + latest + " h3").endsWith("15.3.2026"), browser.text("#response-" + latest + " h3"));

        // the copy block carries the Observations' numbers (read through the API as the clinician)
        for (String lang : List.of("fi", "sv", "en")) {
            browser.open(base() + "/staff/patients/" + PATIENT + "?lang=" + lang);
            String record = browser.find("#record-" + latest).getAttribute("value");
            NumberFormat numbers = ResultsController.numbers(lang);
            Map<String, BigDecimal> latestValues = observationValues(clinician, latest);
            Map<String, BigDecimal> firstValues = observationValues(clinician, first);
            assertFalse(latestValues.isEmpty());
            for (Map.Entry<String, BigDecimal> score : latestValues.entrySet()) {
                assertTrue(record.contains(": " + numbers.format(score.getValue())), score + " in " + record);
                BigDecimal change = score.getValue().subtract(firstValues.get(score.getKey()));
                String signed = (change.signum() > 0 ? "+" : "") + numbers.format(change);
                assertTrue(record.contains(Messages.get(lang, "staff.record.change", signed)), signed + " in " + record);
            }
            String firstRecord = browser.find("#record-" + first).getAttribute("value");
            assertTrue(firstRecord.contains(Messages.get(lang, "staff.record.baseline")), firstRecord);
            assertFalse(record.contains("\t") || record.contains("<"), "plain text");
        }

        // every size and language: accessible, no horizontal scroll, screenshots
        for (Dimension size : List.of(Browser.DESKTOP, TABLET)) {
            String device = size == TABLET ? "tablet" : "desktop";
            browser.size(size);
            for (String lang : List.of("fi", "sv", "en")) {
                browser.open(base() + "/staff/patients/" + PATIENT + "?lang=" + lang);
                assertEquals(lang, browser.find("html").getAttribute("lang"));
                assertFalse(browser.all("svg.chart[role=img]").isEmpty(), "change over time charts");
                assertFalse(browser.scrollsHorizontally(), "no horizontal scroll on " + device);
                browser.assertAccessible("staff-patient-" + device + "-" + lang).screenshot("staff-patient-" + device + "-" + lang);
                browser.open(base() + "/staff?lang=" + lang);
                assertFalse(browser.all(".recent-list a[href*='" + latest + "']").isEmpty(), "on the landing list");
                assertTrue(browser.all(".recent-list a[href*='" + unshared + "']").isEmpty());
                browser.assertAccessible("staff-landing-" + device + "-" + lang).screenshot("staff-landing-" + device + "-" + lang);
            }
        }

        // the copy button (JavaScript) and the print view
        browser.size(Browser.DESKTOP).open(base() + "/staff/patients/" + PATIENT + "?lang=en");
        WebElement copy = browser.find("button[data-copy='record-" + latest + "']");
        assertTrue(copy.isDisplayed(), "shown when JavaScript runs");
        browser.script("arguments[0].scrollIntoView({block:'center'})", copy);
        copy.click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d ->
                Messages.get("en", "staff.record.copied").equals(copy.findElement(org.openqa.selenium.By.xpath(
                        "following-sibling::span[@class='copy-status']")).getText()));
        browser.assertAccessible("staff-patient-copied-en");
        browser.open(base() + "/staff/patients/" + PATIENT + "?lang=fi&print=1");
        assertTrue(browser.all(".invite-form").isEmpty(), "no forms on the print view");
        assertEquals(1, browser.all("#record-" + latest).size());
        browser.assertAccessible("staff-print-fi").screenshot("staff-print-desktop-fi");

        // a withdrawn share disappears from the view
        FhirTestClient.Reply withdrawn = patient.post("/fhir/QuestionnaireResponse/" + first + "/$withdraw-share", "");
        assertEquals(200, withdrawn.status(), withdrawn.body());
        browser.open(base() + "/staff/patients/" + PATIENT + "?lang=fi");
        assertTrue(browser.all("#response-" + first).isEmpty(), "withdrawn: absent");
        assertEquals(1, browser.all("#response-" + latest).size());
        browser.assertAccessible("staff-patient-withdrawn-fi");

        // invite from the view, answer through the QR code's link, and see it answered
        browser.size(TABLET);
        new org.openqa.selenium.support.ui.Select(browser.find("#invite-questionnaire")).selectByValue("demo-wellbeing-prom");
        new org.openqa.selenium.support.ui.Select(browser.find("#invite-unit")).selectByValue(OWN_UNIT);
        WebElement create = browser.find(".invite-form button[type=submit]");
        browser.script("arguments[0].scrollIntoView({block:'center'})", create);
        browser.clickAndWaitForNextPage(create);
        assertTrue(path().startsWith("/staff/invitations/"), path());
        String taskId = path().substring("/staff/invitations/".length());
        browser.assertAccessible("staff-invitation-tablet-fi").screenshot("staff-invitation-tablet-fi");
        String shownLink = browser.find("#invitation-link").getAttribute("value");
        String qrUrl = browser.find("img.invitation-qr").getAttribute("src");
        String decoded = decodeQr(qrUrl, browser.driver().manage().getCookieNamed("vointi_session").getValue());
        assertEquals(shownLink, decoded);
        assertTrue(decoded.startsWith(base() + "/invitation/"), decoded);
        assertEquals(404, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(qrUrl)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "no QR code without the clinician's session");

        browser.open(base() + "/staff/patients/" + PATIENT + "?lang=fi");
        assertTrue(browser.text("#invitation-" + taskId + " .invitation-state").contains(Messages.get("fi", "staff.invitations.waiting")));
        browser.assertAccessible("staff-patient-invited-fi");

        browser.driver().manage().deleteAllCookies(); // the clinic tablet: nobody signed in
        browser.open(decoded + "?lang=fi");
        answerEveryPage();
        assertTrue(path().endsWith("/sent"), path());

        SignIn.as(browser, base(), "demo-clinician-pekka", "/staff/patients/" + PATIENT + "?lang=en");
        String state = browser.text("#invitation-" + taskId + " .invitation-state");
        assertTrue(state.startsWith(Messages.get("en", "staff.invitations.answered", "").trim()), state);
        browser.assertAccessible("staff-patient-answered-tablet-en").screenshot("staff-patient-answered-tablet-en");
        browser.open(base() + "/staff/invitations/" + taskId + "?lang=en&token=" + decoded.substring(decoded.lastIndexOf('/') + 1));
        assertTrue(browser.all("img.invitation-qr").isEmpty(), "a used link has no QR code any more");
        browser.assertAccessible("staff-invitation-used-en");
    }

    @Test
    void unknownIssuerGetsAPageAndOthersThanCliniciansAreTurnedAway() {
        browser.driver().manage().deleteAllCookies();
        browser.size(TABLET);
        for (String lang : List.of("fi", "sv", "en")) {
            browser.open(base() + "/launch?iss=https%3A%2F%2Fehr.example%2Ffhir&launch=abc&lang=" + lang);
            assertEquals(Messages.get(lang, "smart.unknownIssuer.title"), browser.text("h1"));
            browser.assertAccessible("launch-unknown-iss-" + lang);
        }
        browser.screenshot("launch-unknown-iss-tablet-en");
        SignIn.as(browser, base(), "demo-patient-aino", "/staff?lang=en");
        assertEquals(Messages.get("en", "staff.notClinician.title"), browser.text("h1"));
        browser.assertAccessible("staff-not-clinician-en");
    }

    /** Answers each page of the link's questionnaire (one option per question), then sends it from the review page. */
    void answerEveryPage() {
        for (int guard = 0; guard < 20 && path().contains("/invitation/") && !path().endsWith("/sent"); guard++) {
            Set<String> names = new LinkedHashSet<>();
            for (WebElement radio : browser.all("main input[type=radio]")) {
                if (radio.isEnabled() && radio.isDisplayed() || radio.isEnabled() && radio.getAttribute("id") != null) {
                    names.add(radio.getAttribute("name"));
                }
            }
            for (String name : names) {
                List<WebElement> options = browser.all("main input[type=radio][name='" + name + "']");
                if (!options.isEmpty() && options.stream().noneMatch(WebElement::isSelected) && options.get(0).isEnabled()) {
                    browser.choose(options.get(options.size() - 1).getAttribute("id"));
                }
            }
            List<WebElement> next = browser.all("button[value=next]");
            WebElement button = next.isEmpty() ? browser.find("main form button[type=submit]") : next.get(0);
            browser.script("arguments[0].scrollIntoView({block:'center'})", button);
            browser.clickAndWaitForNextPage(button);
        }
    }

    static Map<String, BigDecimal> observationValues(FhirTestClient clinician, String responseId) {
        FhirTestClient.Reply reply = clinician.get("/fhir/Observation?derived-from=QuestionnaireResponse/" + responseId);
        assertEquals(200, reply.status(), reply.body());
        Map<String, BigDecimal> values = new HashMap<>();
        for (Bundle.BundleEntryComponent e : reply.resource(Bundle.class).getEntry()) {
            if (e.getResource() instanceof Observation o && o.hasValueQuantity()) {
                values.put(o.getCode().getCodingFirstRep().getCode(), o.getValueQuantity().getValue());
            }
        }
        return values;
    }

    static String decodeQr(String url, String session) throws Exception {
        HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", "vointi_session=" + session).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
                .getText();
    }
}
