package fi.vointi.web.report;

import fi.vointi.security.DemoUsers;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import fi.vointi.web.Browser;
import fi.vointi.web.Messages;
import fi.vointi.web.SignIn;
import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The annual report in a real Chromium, signed in as the demo manager (Sari: the health centre and child psychiatry)
 * the way a person signs in: the report of her health centre in Finnish and Swedish on a desktop and a phone, its
 * figures those of the analytics API, the small month "not published", axe-core clean; the PDF link gives a PDF
 * (fetched with the browser's own session cookie); a unit outside her subtree and the county above it are refused.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.questionnaires.dir", value = "src/test/resources/analytics-questionnaires")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnnualReportBrowserTest {
    static final String UNIT = DemoUsers.UNIT_HEALTH_CENTRE;
    // years of their own: no other test sends feedback dated then
    static final int YEAR = 2013;

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    JsonMapper json;

    Browser browser;
    Tokens tokens;
    FhirTestClient anonymous;

    @BeforeAll
    void setUp() {
        browser = Browser.start("fi");
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
        // 2013: six promoters in March (QR), five detractors in April (SMS), two answers in May (under k: withheld);
        // 2012: five promoters
        new ReportFixture(dataSource, anonymous, tokens)
                .answers(UNIT, 6, 10, 5, YEAR + "-03-12T10:00:00+02:00", "qr")
                .answers(UNIT, 5, 3, 2, YEAR + "-04-08T10:00:00+03:00", "sms")
                .answers(UNIT, 2, 9, 4, YEAR + "-05-20T10:00:00+03:00", "web")
                .answers(UNIT, 5, 9, 4, (YEAR - 1) + "-03-12T10:00:00+02:00", "qr");
        SignIn.as(browser, url(""), "demo-manager-sari", reportPath("fi"));
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    String url(String path) {
        return "http://localhost:" + server.getPort() + path;
    }

    static String reportPath(String lang) {
        return "/manage/report/" + UNIT + "/" + YEAR + "?lang=" + lang;
    }

    @ParameterizedTest(name = "{0} on a {1}")
    @CsvSource({"fi, desktop", "sv, desktop", "fi, phone", "sv, phone"})
    void theManagerReadsHerUnitsReportAndFollowsThePdfLink(String lang, String screen) throws IOException, InterruptedException {
        browser.size(screen.equals("phone") ? Browser.PHONE : Browser.DESKTOP).open(url(reportPath(lang)));
        JsonNode api = api("/analytics/units/" + UNIT + "/feedback?from=" + YEAR + "-01-01&to=" + YEAR + "-12-31");
        String unitName = api.get("unit").get("name").getStringValue();
        assertEquals(Messages.get(lang, "report.title", Integer.toString(YEAR)) + " – " + unitName, browser.text("h1"));
        // the summary's responses are the API's published total, marked: some answers were withheld
        long responses = api.get("total").get("responses").getNumberValue().longValue();
        assertEquals(11, responses);
        WebElement summary = browser.find("table.summary tbody tr:first-child");
        assertEquals(responses + "* 5 +6", summary.findElements(org.openqa.selenium.By.cssSelector("td")).stream()
                .map(WebElement::getText).reduce((a, b) -> a + " " + b).orElseThrow());
        // May (two answers) is not published; March is, with the API's figure
        assertTrue(browser.text("table.months tbody tr:nth-child(5)").contains(Messages.get(lang, "report.withheld")),
                browser.text("table.months tbody tr:nth-child(5)"));
        assertTrue(api.get("series").get(4).get("suppressed").getBooleanValue());
        assertTrue(browser.text("table.months tbody tr:nth-child(3)").contains("6"));
        assertTrue(browser.text("#main").contains(Messages.get(lang, "report.suppression.heading")));
        assertFalse(browser.scrollsHorizontally(), "the page fits the screen (wide tables scroll in their own box)");
        browser.assertAccessible("annual report " + lang + " " + screen);
        browser.screenshot("annual-report-" + lang + "-" + screen);

        // the PDF link, fetched as the browser would: with its session cookie
        WebElement link = browser.find("a[type='application/pdf']");
        assertEquals(Messages.get(lang, "report.pdf"), link.getText());
        String cookie = browser.driver().manage().getCookieNamed("vointi_session").getValue();
        HttpResponse<byte[]> pdf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.getAttribute("href")))
                .header("Cookie", "vointi_session=" + cookie).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pdf.statusCode());
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElseThrow());
        try (PDDocument document = Loader.loadPDF(pdf.body())) {
            String text = new PDFTextStripper().getText(document);
            assertTrue(text.contains(unitName), text);
            assertTrue(text.contains(Messages.get(lang, "report.withheld")), text);
            assertEquals(lang, document.getDocumentCatalog().getLanguage());
        }
    }

    @Test
    void aUnitOutsideHerSubtreeIsRefused() {
        for (String node : new String[]{"demo-unit-pain-clinic", "demo-county"}) {
            browser.size(Browser.DESKTOP).open(url("/manage/report/" + node + "/" + YEAR + "?lang=sv"));
            assertEquals(Messages.get("sv", "error.403.title"), browser.text("h1"));
            assertFalse(browser.text("#main").contains("Kipupoliklinikka"), "no figures or names of the refused node");
        }
        browser.assertAccessible("annual report refused");
        browser.screenshot("annual-report-refused-sv");
    }

    private JsonNode api(String path) {
        FhirTestClient.Reply reply = anonymous.as(tokens.unitManager(UNIT)).getJson(path);
        assertEquals(200, reply.status(), reply.body());
        try {
            return json.readValue(reply.body(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
