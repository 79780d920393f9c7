package fi.vointi.web;

import com.sun.net.httpserver.HttpServer;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.sql.DataSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The customer feedback pages in a real Chromium, as a person uses them: tapping and typing, the browser's own
 * headers (Origin, Sec-Fetch-Site, cookies), Back and reload; axe-core on every page and state.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.kiosk-return-seconds", value = "5")
class FeedbackBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    static Browser browser;
    String unit;

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
    void freshUnit() {
        unit = WebFixtures.unit(dataSource);
        browser.open(url("/assets/vointi.css")).driver().manage().deleteAllCookies();
        browser.size(Browser.PHONE);
    }

    String url(String pathAndQuery) {
        return "http://localhost:" + server.getPort() + pathAndQuery;
    }

    long stored() {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unit);
    }

    List<String> storedJson() {
        return Db.strings(dataSource, "SELECT resource_json FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unit);
    }

    WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(seconds));
    }

    /** Presses the page's send button and waits for the next page. */
    void send() {
        WebElement button = browser.find("main button[type=submit]");
        browser.script("arguments[0].scrollIntoView({block:'center'})", button);
        browser.clickAndWaitForNextPage(button);
    }

    String h1() {
        return browser.text("h1");
    }

    static String expectedName(String lang) {
        return switch (lang) {
            case "sv" -> WebFixtures.NAME_SV;
            case "en" -> WebFixtures.NAME_EN;
            default -> WebFixtures.NAME_FI;
        };
    }

    static Stream<Arguments> audiencesLanguagesAndScreens() {
        List<Arguments> cases = new ArrayList<>();
        for (String audience : List.of("adult", "child", "relative")) {
            for (String lang : Languages.SUPPORTED) {
                cases.add(Arguments.of(audience, lang, "phone"));
                cases.add(Arguments.of(audience, lang, "desktop"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} in {1} on a {2}")
    @MethodSource("audiencesLanguagesAndScreens")
    void eachAudienceAnswersInEachLanguageOnPhoneAndDesktop(String audience, String lang, String screen) {
        Dimension size = screen.equals("phone") ? Browser.PHONE : Browser.DESKTOP;
        browser.size(size).open(url("/feedback/" + unit + "?lang=" + lang));
        assertEquals(lang, browser.find("html").getAttribute("lang"));
        assertEquals(expectedName(lang), browser.text(".context"), "unit name in the page language");
        assertEquals(Messages.get(lang, "feedback.who"), browser.text("legend"));
        browser.assertAccessible(audience + "-" + lang + "-" + screen + "-choice");

        browser.choose("audience-" + audience);
        send();
        assertTrue(browser.all("form.questionnaire").size() == 1, "the questionnaire opens");
        assertEquals(lang, browser.find("html").getAttribute("lang"));
        assertEquals(expectedName(lang), browser.text(".context"));
        assertFalse(browser.scrollsHorizontally(), "no horizontal scrolling");
        assertFalse(browser.driver().getPageSource().contains("pakollinen") && !lang.equals("fi"), "no Finnish words on a " + lang + " page");
        if (screen.equals("phone") && audience.equals("adult") || lang.equals("fi")) {
            browser.screenshot("feedback-" + audience + "-" + lang + "-" + screen + "-form");
        }
        browser.assertAccessible(audience + "-" + lang + "-" + screen + "-form");

        browser.choose("q-recommendation-9");
        // the first statement: its fourth option
        List<WebElement> statementOptions = browser.all("fieldset.group fieldset.question label");
        browser.script("arguments[0].scrollIntoView({block:'center'})", statementOptions.get(3));
        statementOptions.get(3).click();
        WebElement text = browser.find("textarea");
        browser.script("arguments[0].scrollIntoView({block:'center'})", text);
        text.sendKeys("Kiitos – tack – thanks");
        send();

        assertEquals(Messages.get(lang, audience.equals("child") ? "feedback.thanks.child" : "feedback.thanks"), h1());
        browser.assertAccessible(audience + "-" + lang + "-" + screen + "-thanks");
        if (screen.equals("phone") && lang.equals("fi")) {
            browser.screenshot("feedback-" + audience + "-" + lang + "-" + screen + "-thanks");
        }
        assertEquals(1, stored(), "one answer stored");
        String json = storedJson().get(0);
        assertTrue(json.contains("\"valueInteger\":9"), json);
        assertTrue(json.contains("Kiitos – tack – thanks"), json);
    }

    @Test
    void keyboardOnly() {
        browser.open(url("/feedback/" + unit + "?lang=en"));
        Actions keys = new Actions(browser.driver());
        tabUntil(keys, "audience-adult");
        keys.sendKeys(Keys.SPACE).perform();
        tabUntilTag(keys, "button");
        keys.sendKeys(Keys.ENTER).perform();
        waitUpTo(10).until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("form.questionnaire")).isEmpty());

        tabUntil(keys, "q-recommendation-0");
        keys.sendKeys(Keys.SPACE).perform();
        for (int i = 0; i < 7; i++) {
            keys.sendKeys(Keys.ARROW_RIGHT).perform();
        }
        assertEquals("q-recommendation-7", activeId());
        tabUntilTag(keys, "textarea");
        keys.sendKeys("typed with the keyboard").perform();
        tabUntilTag(keys, "button");
        keys.sendKeys(Keys.ENTER).perform();
        waitUpTo(10).until(d -> d.getCurrentUrl().contains("/thanks"));
        assertEquals(Messages.get("en", "feedback.thanks"), h1());
        assertEquals(1, stored());
        assertTrue(storedJson().get(0).contains("\"valueInteger\":7"));
    }

    void clickAndWait(String css) {
        browser.clickAndWaitForNextPage(browser.find(css));
    }

    String activeId() {
        return (String) browser.script("return document.activeElement.id");
    }

    void tabUntil(Actions keys, String id) {
        for (int i = 0; i < 60; i++) {
            keys.sendKeys(Keys.TAB).perform();
            if (id.equals(activeId())) {
                return;
            }
        }
        throw new AssertionError("Tab never reached #" + id);
    }

    void tabUntilTag(Actions keys, String tag) {
        for (int i = 0; i < 80; i++) {
            keys.sendKeys(Keys.TAB).perform();
            if (tag.equalsIgnoreCase((String) browser.script("return document.activeElement.tagName"))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached a " + tag);
    }

    @Test
    void errorsAreShownInThePageLanguageNextToTheQuestionAndKeepEveryAnswer() {
        browser.open(url("/feedback/" + unit + "?lang=sv&audience=adult"));
        List<WebElement> statementOptions = browser.all("fieldset.group fieldset.question input[type=radio]");
        String statementId = statementOptions.get(4).getAttribute("id");
        browser.choose(statementId);
        browser.find("textarea").sendKeys("Mitt svar finns kvar");
        send();

        WebElement summary = browser.find(".error-summary");
        assertEquals(Messages.get("sv", "feedback.errors.title"), browser.text(".error-summary h2"));
        assertTrue(summary.getText().contains("Välj ett alternativ"), summary.getText());
        assertTrue(browser.driver().getTitle().startsWith("Fel: "), browser.driver().getTitle());
        assertEquals("error-summary-title", browser.script("return document.activeElement.getAttribute('aria-labelledby')"),
                "focus moves to the summary");
        assertTrue(browser.text("#q-recommendation-error").contains("Välj ett alternativ"));
        assertFalse(browser.driver().getPageSource().contains("Required item"), "no developer English");
        assertEquals("Mitt svar finns kvar", browser.find("textarea").getAttribute("value"));
        assertTrue(browser.find("#" + statementId).isSelected(), "the statement answer is kept");
        browser.screenshot("feedback-errors-sv-phone");
        browser.assertAccessible("errors-sv");

        browser.find(".error-summary a").click(); // a link within the page: no navigation
        assertEquals("q-recommendation-0", activeId(), "the summary link leads to the question");
        assertEquals(0, stored());

        browser.choose("q-recommendation-3");
        send();
        assertEquals(Messages.get("sv", "feedback.thanks"), h1());
        assertEquals(1, stored());
    }

    @Test
    void continuingWithoutChoosingWhoAnswersSaysWhatToDo() {
        browser.open(url("/feedback/" + unit + "?lang=fi"));
        send();
        assertTrue(browser.text(".error-summary").contains(Messages.get("fi", "feedback.who")));
        browser.assertAccessible("audience-error");
    }

    @Test
    void kioskNeverShowsOrResendsTheLastAnswer() {
        browser.open(url("/feedback/" + unit + "?channel=kiosk&audience=adult&lang=fi"));
        browser.choose("q-recommendation-2");
        browser.find("textarea").sendKeys("Edellisen ihmisen salaisuus");
        send();
        assertEquals(Messages.get("fi", "feedback.thanks"), h1());
        browser.assertAccessible("kiosk-thanks");
        browser.screenshot("feedback-kiosk-thanks-phone");
        assertEquals(1, stored());

        browser.driver().navigate().refresh();
        assertEquals(Messages.get("fi", "feedback.thanks"), h1());
        assertEquals(1, stored(), "reload sends nothing again");

        browser.driver().navigate().back();
        waitUpTo(10).until(d -> !d.getCurrentUrl().contains("/thanks"));
        assertTrue(browser.all("input[type=radio]:checked").isEmpty(), "Back shows no earlier choice");
        assertEquals("", browser.find("textarea").getAttribute("value"), "Back shows no earlier text");
        assertFalse(browser.driver().getPageSource().contains("salaisuus"));
        send(); // an empty form sent again is refused, nothing stored
        assertEquals(1, stored());

        // the thank-you page returns to an empty form by itself
        browser.open(url("/feedback/" + unit + "?channel=kiosk&audience=adult&lang=fi"));
        browser.choose("q-recommendation-10");
        send();
        assertEquals(2, stored());
        waitUpTo(20).until(d -> !d.getCurrentUrl().contains("/thanks"));
        assertTrue(browser.all("input[type=radio]:checked").isEmpty());
        browser.assertAccessible("kiosk-after-return");
        assertEquals(2, stored());
    }

    @Test
    void aResentFormStoresOneAnswer() {
        browser.open(url("/feedback/" + unit + "?audience=adult&lang=en"));
        browser.choose("q-recommendation-8");
        // the same form posted twice (a double tap, or Back to a restored page and send again)
        browser.script("const f = document.querySelector('form.questionnaire'); const copy = f.cloneNode(true);"
                + " copy.style.display='none'; document.body.appendChild(copy); f.submit();");
        waitUpTo(10).until(d -> d.getCurrentUrl().contains("/thanks"));
        browser.driver().navigate().back();
        waitUpTo(10).until(d -> !d.getCurrentUrl().contains("/thanks"));
        assertEquals(1, stored());
    }

    @Test
    void smsLinkAnswersOnceThenSaysItWasUsed() {
        String link = smsLinks("P14D", 1).get(0);
        browser.open(link);
        browser.choose("audience-relative");
        send();
        browser.choose("q-recommendation-6");
        send();
        assertEquals(Messages.get("fi", "feedback.thanks"), h1());
        assertEquals(1, stored());
        assertTrue(storedJson().get(0).contains("sms"), "channel sms recorded");

        browser.open(link);
        assertTrue(browser.text("main").contains(Messages.get("fi", "feedback.used")));
        browser.assertAccessible("sms-used");
        assertTrue(browser.all("form.questionnaire").isEmpty());
        assertEquals(1, stored());
    }

    @Test
    void expiredAndOtherUnitsLinksAreRefusedInPlainWords() throws InterruptedException {
        String link = smsLinks("PT1S", 1).get(0);
        Thread.sleep(1500);
        browser.open(link);
        assertTrue(browser.text("main").contains(Messages.get("fi", "feedback.expired")), browser.text("main"));
        assertFalse(browser.driver().getTitle().contains("– –"), "no dangling dash: " + browser.driver().getTitle());
        browser.assertAccessible("sms-expired");

        String otherUnit = WebFixtures.unit(dataSource);
        String token = tokenOf(smsLinks("P14D", 1).get(0));
        browser.open(url("/feedback/" + otherUnit + "?token=" + token + "&lang=en"));
        assertTrue(browser.text("main").contains(Messages.get("en", "feedback.invalid")), browser.text("main"));
        browser.assertAccessible("sms-other-unit");
        assertEquals(0, stored());
    }

    @Test
    void staffSurveyOnlyThroughAStaffLink() {
        browser.open(url("/feedback/" + unit + "?audience=staff&lang=fi"));
        assertTrue(browser.all("form.questionnaire").isEmpty(), "no staff form for anyone");
        assertTrue(browser.text("main").contains(Messages.get("fi", "feedback.staffOnly")));
        browser.assertAccessible("staff-refused");

        FhirTestClient admin = new FhirTestClient(server).as(new Tokens(issuer).admin());
        FhirTestClient.Reply reply = admin.send(HttpRequest.newBuilder(admin.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + unit + "\",\"count\":1,\"audience\":\"staff\"}"))
                .header("Content-Type", "application/json"));
        assertEquals(201, reply.status(), reply.body());
        browser.open(local(links(reply.body()).get(0)));
        assertEquals(1, browser.all("form.questionnaire").size(), "a staff link opens the staff survey");
        browser.choose("q-recommendation-7");
        send();
        assertEquals(1, stored());
    }

    @Test
    void languageSwitchIsKeptInACookie() {
        browser.open(url("/feedback/" + unit));
        assertEquals("fi", browser.find("html").getAttribute("lang"));
        clickAndWait("a[hreflang=sv]");
        assertEquals("sv", browser.find("html").getAttribute("lang"));
        assertEquals(WebFixtures.NAME_SV, browser.text(".context"));
        browser.open(url("/feedback/" + unit + "?audience=adult"));
        assertEquals("sv", browser.find("html").getAttribute("lang"), "the choice is remembered");
        assertEquals(Messages.get("sv", "feedback.send"), browser.text("main button"));
        clickAndWait("a[hreflang=en]");
        assertEquals("en", browser.find("html").getAttribute("lang"));
        assertEquals(1, browser.all("form.questionnaire").size(), "the switch stays on the same form");
    }

    @Test
    void crossSitePostIsRefused() throws Exception {
        String target = url("/feedback/" + unit + "/answer");
        String attacker = "<!DOCTYPE html><html lang=en><title>x</title><form method=post action='" + target + "'>"
                + "<input type=hidden name=audience value=adult><input type=hidden name=lang value=en>"
                + "<input type=hidden name='item:recommendation' value=10><button id=go>go</button></form>";
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
            waitUpTo(10).until(d -> d.getCurrentUrl().startsWith(url("/")));
            assertTrue(List.of(Messages.get("fi", "error.crossSite.title"), Messages.get("en", "error.crossSite.title"))
                    .contains(h1()), h1());
            browser.assertAccessible("cross-site-refused");
            assertEquals(0, stored());
        } finally {
            other.stop(0);
        }
    }

    @Test
    void homeAndUnknownPagesAreFriendlyPagesInEveryLanguage() {
        for (String lang : Languages.SUPPORTED) {
            browser.open(url("/?lang=" + lang));
            assertEquals(Messages.get(lang, "home.title"), h1());
            browser.assertAccessible("home-" + lang);
            browser.open(url("/no/such/page?lang=" + lang));
            assertEquals(Messages.get(lang, "error.404.title"), h1());
            browser.assertAccessible("404-" + lang);
            browser.open(url("/fhir/QuestionnaireResponse?lang=" + lang));
            assertEquals(Messages.get(lang, "error.401.title"), h1());
            browser.assertAccessible("401-" + lang);
            browser.open(url("/feedback/no-such-unit?lang=" + lang));
            assertTrue(browser.text("main").contains(Messages.get(lang, "feedback.notInUse")));
            assertFalse(browser.driver().getTitle().contains("– –"));
            browser.assertAccessible("unknown-unit-" + lang);
        }
        browser.size(Browser.DESKTOP).open(url("/?lang=fi"));
        browser.screenshot("home-fi-desktop");
    }

    @Test
    void narrowestPhoneHasNoHorizontalScrollAndBigTargets() {
        browser.size(Browser.NARROW).open(url("/feedback/" + unit + "?audience=adult&lang=sv"));
        assertFalse(browser.scrollsHorizontally());
        for (WebElement label : browser.all(".scale-option label")) {
            assertTrue(label.getSize().getWidth() >= 44 && label.getSize().getHeight() >= 44, "target " + label.getSize());
        }
        browser.screenshot("feedback-adult-sv-320");
        browser.open(url("/feedback/" + unit + "?audience=child&lang=fi"));
        assertFalse(browser.scrollsHorizontally());
        assertFalse(browser.all(".faces svg.face").isEmpty(), "the child form draws its scale");
        browser.screenshot("feedback-child-fi-320");
        browser.assertAccessible("child-320");
    }

    List<String> smsLinks(String lifetime, int count) {
        FhirTestClient manager = new FhirTestClient(server).as(new Tokens(issuer).unitManager(unit));
        FhirTestClient.Reply reply = manager.send(HttpRequest.newBuilder(manager.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + unit + "\",\"count\":" + count + ",\"lifetime\":\""
                        + lifetime + "\"}")).header("Content-Type", "application/json"));
        assertEquals(201, reply.status(), reply.body());
        return links(reply.body()).stream().map(this::local).toList();
    }

    /** The issued link on this test server (the public base may name another host). */
    String local(String link) {
        URI uri = URI.create(link);
        return url(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    static List<String> links(String json) {
        List<String> links = new ArrayList<>();
        var matcher = java.util.regex.Pattern.compile("\"(https?://[^\"]+)\"").matcher(json.substring(json.indexOf("\"links\"")));
        while (matcher.find()) {
            links.add(matcher.group(1));
        }
        return links;
    }

    static String tokenOf(String link) {
        URI uri = URI.create(link);
        if (uri.getRawQuery() != null && uri.getRawQuery().contains("token=")) {
            return uri.getRawQuery().replaceAll(".*token=([^&]+).*", "$1");
        }
        return uri.getRawPath().substring(uri.getRawPath().lastIndexOf('/') + 1);
    }
}
