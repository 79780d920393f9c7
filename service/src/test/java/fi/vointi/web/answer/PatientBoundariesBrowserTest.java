package fi.vointi.web.answer;

import com.sun.net.httpserver.HttpServer;
import fi.vointi.results.ResultsPagesTest;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import fi.vointi.web.Browser;
import fi.vointi.web.Messages;
import fi.vointi.web.SignIn;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a signed-in person must not reach, tried in Chromium the way it would happen: a page on another site posting a
 * form into someone's open questionnaire, another patient's ids typed into the address bar, and a guardian looking for
 * a 15-year-old's own answers. Every refusal is a page in the person's language, checked with axe-core.
 */
@MicronautTest(transactional = false)
class PatientBoundariesBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    static Browser browser;
    FhirTestClient anonymous;
    Tokens tokens;

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
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
        browser.open(url("/assets/vointi.css")).driver().manage().deleteAllCookies();
        browser.size(Browser.PHONE);
    }

    String url(String path) {
        return "http://localhost:" + server.getPort() + path;
    }

    String draftOf(String token, String patient) {
        QuestionnaireResponse draft = ResultsPagesTest.prom(patient, "2026-03-15T10:00:00+02:00", Map.of("sleep.1", 1));
        draft.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.INPROGRESS);
        FhirTestClient.Reply reply = anonymous.as(token).post("/fhir/QuestionnaireResponse", draft);
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    String version(String token, String id) {
        return anonymous.as(token).get("/fhir/QuestionnaireResponse/" + id).resource(QuestionnaireResponse.class)
                .getMeta().getVersionId();
    }

    String h1() {
        return browser.text("h1");
    }

    @Test
    void aCrossSiteFormCannotWriteIntoASignedInPatientsQuestionnaire() throws Exception {
        String aino = tokens.patient("demo-aino");
        String draft = draftOf(aino, "demo-aino");
        String before = version(aino, draft);
        SignIn.as(browser, url(""), "demo-patient-aino", "/app/answer/" + draft);
        String target = url("/app/answer/" + draft + "/page/1");
        String attacker = "<!DOCTYPE html><html lang=en><title>x</title><form method=post action='" + target + "'>"
                + "<input type=hidden name='item:sleep.1' value='4'><button id=go>go</button></form>";
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] body = attacker.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            browser.open("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            browser.clickAndWaitForNextPage(browser.find("#go"));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().startsWith(url("/")));
            assertTrue(List.of(Messages.get("fi", "error.crossSite.title"), Messages.get("en", "error.crossSite.title"))
                    .contains(h1()), h1());
            browser.assertAccessible("app-cross-site-refused");
            assertEquals(before, version(aino, draft), "nothing was written");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void anotherPatientsIdsInTheAddressBarAreNotFound() {
        String eeroDraft = draftOf(tokens.patient("demo-eero"), "demo-eero");
        SignIn.as(browser, url(""), "demo-patient-aino", "/app");
        for (String lang : List.of("fi", "sv", "en")) {
            for (String path : List.of("/app/answer/" + eeroDraft, "/app/answer/" + eeroDraft + "/review",
                    "/app/results/" + eeroDraft, "/app/adaptive/" + eeroDraft, "/app/results?patient=demo-eero")) {
                browser.open(url(path + (path.contains("?") ? "&" : "?") + "lang=" + lang));
                assertEquals(Messages.get(lang, "error.404.title"), h1(), path);
                assertFalse(browser.find("main").getText().contains("demo-eero"), path);
            }
            browser.assertAccessible("app-not-found-" + lang);
        }
        browser.open(url("/app/answer/no-such-id?lang=fi"));
        assertEquals(Messages.get("fi", "error.404.title"), h1(), "the same page as an unknown id");
    }

    @Test
    void aGuardianDoesNotSeeAFifteenYearOldsOwnAnswers() {
        String venla = tokens.issue("self-demo-venla", Map.of("roles", List.of("patient"), "patient", "demo-venla",
                "birthdate", LocalDate.now().minusYears(15).toString()));
        FhirTestClient.Reply own = anonymous.as(venla).post("/fhir/QuestionnaireResponse",
                ResultsPagesTest.prom("demo-venla", "2026-03-15T10:00:00+02:00", ResultsPagesTest.all(3)));
        assertEquals(201, own.status(), own.body());
        String id = own.resource(QuestionnaireResponse.class).getIdElement().getIdPart();

        SignIn.as(browser, url(""), "demo-patient-venla", "/app/results?lang=fi");
        assertTrue(browser.driver().getPageSource().contains("/app/results/" + id), "Venla sees her own answer");
        browser.assertAccessible("young-person-results");

        browser.driver().manage().deleteAllCookies();
        SignIn.as(browser, url(""), "demo-guardian-jukka", "/app/results?lang=fi");
        assertFalse(browser.driver().getPageSource().contains(id), "her guardian does not");
        browser.assertAccessible("guardian-results-without-closed");
        browser.screenshot("guardian-results-without-closed");
        browser.open(url("/app/results/" + id + "?lang=fi"));
        assertEquals(Messages.get("fi", "error.404.title"), h1());
    }
}
