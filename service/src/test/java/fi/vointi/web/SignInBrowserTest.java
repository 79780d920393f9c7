package fi.vointi.web;

import fi.vointi.support.Db;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signing in as a person does, in a real Chromium: the dev provider's page (the built-in OIDC provider), the demo
 * person's button, back on our page signed in (header with the name and "Sign out"), reload, Back, sign out, and a
 * protected page sending the browser to sign-in again. axe-core on the provider page, the signed-in header and the
 * signed-out page, in fi/sv/en, on a phone and a desktop.
 */
@MicronautTest(transactional = false)
class SignInBrowserTest {
    @Inject
    EmbeddedServer server;
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

    @BeforeEach
    void noCookies() {
        browser.open(url("/assets/vointi.css")).driver().manage().deleteAllCookies();
    }

    String url(String pathAndQuery) {
        return "http://localhost:" + server.getPort() + pathAndQuery;
    }

    String h1() {
        return browser.text("h1");
    }

    long sessions() {
        return Db.count(dataSource, "SELECT COUNT(*) FROM web_session WHERE subject = ?", "demo-patient-aino");
    }

    WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(seconds));
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
    void signInReloadBackSignOutAndSignInAgain(String lang, String screen) {
        Dimension size = screen.equals("phone") ? Browser.PHONE : Browser.DESKTOP;
        String shot = "signin-" + lang + "-" + screen;
        browser.size(size).open(url("/?lang=" + lang));
        assertTrue(browser.all(".signed-in").isEmpty(), "nobody is signed in yet");
        // the home page's sign-in link goes to /signin?return=/app; here the return path is one that exists on this branch
        assertEquals("/signin?return=/app", browser.find("main a.button-link").getDomAttribute("href"));
        long before = sessions();

        browser.open(url("/signin?return=/"));
        waitUpTo(15).until(d -> d.getCurrentUrl().contains("/dev/oidc/authorize"));
        assertEquals(Messages.get(lang, "signin.dev.title"), h1());
        assertEquals(lang, browser.find("html").getAttribute("lang"));
        assertTrue(browser.text("button[value='demo-patient-aino']").contains("Aino Demo"));
        assertTrue(browser.text("button[value='demo-patient-aino']").contains(Messages.get(lang, "signin.dev.who.demo-patient-aino")));
        assertTrue(browser.all("button[value='demo-ehr']").isEmpty(), "backend clients do not sign in on pages");
        assertFalse(browser.scrollsHorizontally());
        browser.assertAccessible(shot + "-provider");
        browser.screenshot(shot + "-provider");

        browser.clickAndWaitForNextPage(browser.find("button[value='demo-patient-aino']"));
        waitUpTo(15).until(d -> d.getCurrentUrl().equals(url("/")));
        assertSignedIn(lang);
        assertEquals(before + 1, sessions(), "one session row");
        assertNotNull(browser.driver().manage().getCookieNamed("vointi_session"));
        assertTrue(browser.driver().manage().getCookieNamed("vointi_session").isHttpOnly());
        assertEquals("Lax", browser.driver().manage().getCookieNamed("vointi_session").getSameSite());
        assertFalse(browser.scrollsHorizontally());
        browser.assertAccessible(shot + "-signed-in");
        browser.screenshot(shot + "-signed-in");

        browser.driver().navigate().refresh();
        assertSignedIn(lang);

        // Back: the provider's page again (a fresh GET, nothing is resent); forward returns to the signed-in page
        browser.driver().navigate().back();
        waitUpTo(15).until(d -> !d.getCurrentUrl().equals(url("/")));
        assertFalse(browser.driver().getPageSource().contains("Exception"));
        browser.driver().navigate().forward();
        waitUpTo(15).until(d -> d.getCurrentUrl().equals(url("/")));
        assertSignedIn(lang);

        browser.clickAndWaitForNextPage(browser.find(".signed-in button"));
        waitUpTo(15).until(d -> d.getCurrentUrl().endsWith("/?signedout=1"));
        assertEquals(Messages.get(lang, "signin.signedOut"), browser.text(".notice"));
        assertTrue(browser.all(".signed-in").isEmpty(), "no header sign-in after signing out");
        assertNull(browser.driver().manage().getCookieNamed("vointi_session"));
        assertEquals(before, sessions(), "the session row is deleted");
        browser.assertAccessible(shot + "-signed-out");
        browser.screenshot(shot + "-signed-out");

        // a protected page sends the browser to sign-in again, and back to it afterwards
        browser.open(url("/app"));
        waitUpTo(15).until(d -> d.getCurrentUrl().contains("/dev/oidc/authorize"));
        assertEquals(Messages.get(lang, "signin.dev.title"), h1());
    }

    void assertSignedIn(String lang) {
        assertEquals(1, browser.all(".signed-in").size(), "the header says who is signed in");
        assertTrue(browser.text(".signed-in-as").contains("Aino Demo"));
        assertEquals(Messages.get(lang, "signin.signOut"), browser.text(".signed-in button"));
        assertEquals("/app", browser.find("main a.button-link").getDomAttribute("href"));
    }

    @Test
    void theTestHelperSignsInThroughTheRealFlowAndCancellingShowsAPage() {
        browser.size(Browser.PHONE);
        SignIn.as(browser, url(""), "demo-patient-aino", "/");
        assertEquals(url("/"), browser.driver().getCurrentUrl());
        assertTrue(browser.text(".signed-in-as").contains("Aino Demo"));
        browser.clickAndWaitForNextPage(browser.find(".signed-in button"));

        browser.open(url("/signin?return=/&lang=en"));
        waitUpTo(15).until(d -> d.getCurrentUrl().contains("/dev/oidc/authorize"));
        browser.clickAndWaitForNextPage(browser.find("button[name='cancel']"));
        assertEquals(Messages.get("en", "signin.cancelled.title"), h1());
        assertEquals("/signin?return=%2F", browser.find("main a.button-link").getDomAttribute("href"));
        browser.assertAccessible("signin-cancelled");
        browser.screenshot("signin-en-phone-cancelled");
        assertNull(browser.driver().manage().getCookieNamed("vointi_session"));
    }
}
