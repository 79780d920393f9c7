package fi.vointi.web.report;

import fi.vointi.analytics.AnalyticsStore;
import fi.vointi.analytics.FeedbackReports.Cell;
import fi.vointi.analytics.FeedbackReports.Statement;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The annual report over HTTP against the analytics API: feedback of two years sent over FHIR into a small county
 * (two service areas, three units, one of which has too few answers to publish); every figure of the report equals
 * the API's JSON for the same node, period and audience; the small cell reads "not published" on the page and in
 * the PDF; the PDF is tagged, embeds its fonts and holds the unit names (ä, ö, å) and figures; the analytics access
 * rule decides who may open it.
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.questionnaires.dir", value = "src/test/resources/analytics-questionnaires")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnnualReportTest {
    static final String COUNTY_NAME = "Pohjois-Testilän hyvinvointialue";
    static final String AREA1_NAME = "Ääneseudun palvelualue";
    static final String AREA2_NAME = "Keskustan palvelualue";
    static final String U1_NAME = "Östra hälsostation";
    static final String U2_NAME = "Åsbackan neuvola";
    static final String U3_NAME = "Kätilöopiston poliklinikka";

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    JsonMapper json;
    @Inject
    AnnualReports reports;

    FhirTestClient anonymous;
    Tokens tokens;
    String p;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void setUp() {
        anonymous = new FhirTestClient(server);
        tokens = new Tokens(issuer);
        p = "r" + UUID.randomUUID().toString().substring(0, 8);
        new ReportFixture(dataSource, anonymous, tokens)
                .unit(p + "-county", null, "county", COUNTY_NAME)
                .unit(p + "-area1", p + "-county", "area", AREA1_NAME)
                .unit(p + "-u1", p + "-area1", "unit", U1_NAME)
                .unit(p + "-u2", p + "-area1", "unit", U2_NAME)
                .unit(p + "-area2", p + "-county", "area", AREA2_NAME)
                .unit(p + "-u3", p + "-area2", "unit", U3_NAME)
                // 2025: u1 six promoters in March by QR, five detractors in April by SMS; u2 two answers in May (under
                // k = 5: withheld); u3 five passives in June at the kiosk
                .answers(p + "-u1", 6, 10, 5, "2025-03-12T10:00:00+02:00", "qr")
                .answers(p + "-u1", 5, 3, 2, "2025-04-08T10:00:00+03:00", "sms")
                .answers(p + "-u2", 2, 9, 4, "2025-05-20T10:00:00+03:00", "web")
                .answers(p + "-u3", 5, 8, 4, "2025-06-02T10:00:00+03:00", "kiosk")
                // 2024: u1 five promoters, u3 five detractors
                .answers(p + "-u1", 5, 9, 4, "2024-03-12T10:00:00+02:00", "qr")
                .answers(p + "-u3", 5, 2, 1, "2024-09-12T10:00:00+03:00", "web");
    }

    @Test
    void everyFigureEqualsTheAnalyticsApiForTheSameNodeAndPeriod() {
        String manager = tokens.unitManager(p + "-county");
        AnnualReport report = reports.build(new AnalyticsStore.Unit(p + "-county", null, "county", COUNTY_NAME), 2025, "fi");
        for (int year : List.of(2025, 2024)) {
            String query = "from=" + year + "-01-01&to=" + year + "-12-31&granularity=month&audience=customer";
            JsonNode node = api(manager, "/analytics/units/" + p + "-county/feedback?" + query);
            assertSame(node.get("total"), year == 2025 ? report.thisYear() : report.lastYear(), "county " + year);
            if (year == 2025) {
                assertEquals(12, node.get("series").size());
                for (int m = 0; m < 12; m++) {
                    assertSame(node.get("series").get(m), report.months().get(m), "county month " + (m + 1));
                }
            }
            // every unit under the county as its parent's children report gives it
            Map<String, JsonNode> children = new HashMap<>();
            for (String parent : List.of("county", "area1", "area2")) {
                JsonNode answer = api(manager, "/analytics/units/" + p + "-" + parent + "/feedback/children?" + query);
                for (int i = 0; i < answer.get("children").size(); i++) {
                    JsonNode child = answer.get("children").get(i);
                    children.put(child.get("unit").get("id").getStringValue(), child.get("total"));
                }
            }
            assertEquals(6, report.units().size());
            for (AnnualReport.UnitRow row : report.units()) {
                if (row.depth() == 0) {
                    continue;
                }
                assertSame(children.get(row.unit().id()), year == 2025 ? row.thisYear() : row.lastYear(),
                        row.unit().id() + " " + year);
            }
            // the channels add up to the published responses the API gives
            long channels = report.channels().stream().mapToLong(c -> year == 2025 ? c.thisYear() : c.lastYear()).sum();
            assertEquals(node.get("total").get("responses").getNumberValue().longValue(), channels);
        }
        // the figures by hand: u2's two answers are withheld everywhere, so the county has 16 of 18
        assertEquals(16, report.thisYear().responses());
        assertTrue(report.thisYear().withheld());
        assertEquals(6.25, report.thisYear().nps().score()); // (6 - 5) / 16
        assertEquals(10, report.lastYear().responses());
        assertEquals(0.0, report.lastYear().nps().score());
        AnnualReport.UnitRow u2 = report.units().stream().filter(r -> r.unit().id().equals(p + "-u2")).findFirst().orElseThrow();
        assertEquals("small-cell", u2.thisYear().suppression());
        Map<String, Long> channels2025 = new HashMap<>();
        report.channels().forEach(c -> channels2025.put(c.channel(), c.thisYear()));
        assertEquals(Map.of("qr", 6L, "sms", 5L, "kiosk", 5L, "web", 0L), channels2025);
        assertEquals(List.of(p + "-county", p + "-area1", p + "-u1", p + "-u2", p + "-area2", p + "-u3"),
                report.units().stream().map(r -> r.unit().id()).toList());
    }

    @Test
    void thePageShowsTheFiguresAndSaysNotPublishedForTheSmallCell() {
        Reply page = page(tokens.unitManager(p + "-county"), "/manage/report/" + p + "-county/2025?lang=fi");
        assertEquals(200, page.status(), page.body());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        String html = page.body();
        assertTrue(html.contains("<h1>Asiakkuuskertomus 2025 – " + COUNTY_NAME + "</h1>"), html);
        // summary: 16 published responses (some withheld: *), NPS 6,25 against 0 the year before
        String responses = row(html, "Vastauksia</th>");
        assertTrue(responses.contains(">16*<") && responses.contains(">10<") && responses.contains(">+6<"), responses);
        String nps = row(html, "Suositteluindeksi (NPS)");
        assertTrue(nps.contains(">6,25*<") && nps.contains(">0<") && nps.contains(">+6,25<"), nps);
        assertTrue(row(html, U2_NAME).contains("ei julkaista"), row(html, U2_NAME));
        String u1 = row(html, U1_NAME);
        assertTrue(u1.contains(">11<") && u1.contains(">9,09<") && u1.contains(">5<") && u1.contains(">100<"), u1); // (6-5)/11; 2024: 5 promoters
        String u3 = row(html, U3_NAME);
        assertTrue(u3.contains(">0<") && u3.contains(">-100<") && u3.contains(">+100<"), u3);
        String may = row(html, ">Toukokuu<");
        assertTrue(may.contains("ei julkaista"), may);
        assertTrue(row(html, ">QR-koodi (juliste)<").contains(">37,5<"), row(html, "QR-koodi")); // 6 of 16
        assertTrue(html.contains("vähintään 5 vastausta"), "the suppression rule is explained with k");
        assertTrue(html.contains("href=\"/manage/report/" + p + "-county/2025/report.pdf?lang=fi\""));
        // the statement's wording comes from the survey
        assertTrue(html.contains("Sain hoitoa tai palvelua riittävän nopeasti tarpeeseeni nähden."));
    }

    @Test
    void thePdfIsTaggedEmbedsItsFontsAndHoldsTheUnitNamesAndFigures() throws IOException {
        HttpResponse<byte[]> answer = bytes(tokens.unitManager(p + "-county"), "/manage/report/" + p + "-county/2025/report.pdf?lang=sv");
        assertEquals(200, answer.statusCode());
        assertEquals("application/pdf", answer.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(answer.headers().firstValue("Content-Disposition").orElseThrow().contains("kundupplevelserapport-" + p + "-county-2025.pdf"));
        // kept for a person to look at (pdftoppm target/screenshots/annual-report-sv.pdf)
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "screenshots"));
        java.nio.file.Files.write(java.nio.file.Path.of("target", "screenshots", "annual-report-sv.pdf"), answer.body());
        try (PDDocument pdf = Loader.loadPDF(answer.body())) {
            // the words of the page in reading order; a long name may wrap in its table cell
            String text = new PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
            for (String name : List.of(COUNTY_NAME, AREA1_NAME, AREA2_NAME, U1_NAME, U2_NAME, U3_NAME)) {
                assertTrue(text.contains(name), name + " in\n" + text);
            }
            assertTrue(text.contains("Kundupplevelserapport 2025 – " + COUNTY_NAME), text);
            // each unit's row: its name and level, responses 2025 and 2024, NPS 2025 and 2024, the change
            assertTrue(text.contains(U1_NAME + " Enhet 11 5 9,09 100 -90,91"), text);
            assertTrue(text.contains(AREA1_NAME + " Serviceområde 11* 5 9,09* 100 -90,91"), text);
            assertTrue(text.contains(U2_NAME + " Enhet publiceras inte 0 publiceras inte – –"), text);
            assertTrue(text.contains(U3_NAME + " Enhet 5 5 0 -100 +100"), text);
            assertTrue(text.contains("Rekommendationsindex (NPS) 6,25* 0 +6,25"), text);
            assertTrue(text.contains("Maj publiceras inte publiceras inte"), text);
            assertTrue(text.contains("QR-kod (affisch) 6 37,5 5 50"), text);
            assertTrue(text.contains("minst 5 svar"), "the suppression rule");
            // tagged PDF (PDF/UA): marked, with a structure tree, the language and the title shown
            assertTrue(pdf.getDocumentCatalog().getMarkInfo() != null && pdf.getDocumentCatalog().getMarkInfo().isMarked());
            assertNotNull(pdf.getDocumentCatalog().getStructureTreeRoot());
            assertEquals("sv", pdf.getDocumentCatalog().getLanguage());
            assertTrue(pdf.getDocumentInformation().getTitle().startsWith("Kundupplevelserapport 2025"));
            for (PDPage page : pdf.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    assertTrue(font.isEmbedded(), font.getName() + " is embedded");
                }
            }
        }
        // ?format=pdf is the same document
        HttpResponse<byte[]> viaQuery = bytes(tokens.admin(), "/manage/report/" + p + "-county/2025?format=pdf&lang=fi");
        assertEquals(200, viaQuery.statusCode());
        assertEquals("application/pdf", viaQuery.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void onlyManagersOfTheSubtreeAndAdminsMayOpenIt() {
        String path = "/manage/report/" + p + "-county/2025";
        // a manager of another subtree (the other area), a manager of a unit under it, a clinician: refused
        assertEquals(403, page(tokens.unitManager(p + "-area2"), path).status());
        assertEquals(403, page(tokens.unitManager(p + "-u1"), "/manage/report/" + p + "-area1/2025").status());
        assertEquals(403, page(tokens.clinician(p + "-county"), path).status());
        assertEquals(403, bytes(tokens.unitManager(p + "-area2"), path + "/report.pdf").statusCode());
        Reply refused = page(tokens.unitManager(p + "-area2"), path);
        assertTrue(refused.header("Content-Type").startsWith("text/html"));
        assertFalse(refused.body().contains(U1_NAME), "a refusal shows no figures or names");
        // their own subtree and admins: allowed
        assertEquals(200, page(tokens.unitManager(p + "-area2"), "/manage/report/" + p + "-area2/2025").status());
        assertEquals(200, page(tokens.admin(), path).status());
        // no session: to the sign-in, back here afterwards
        Reply anonymousPage = page(null, path + "?lang=sv");
        assertEquals(303, anonymousPage.status());
        assertEquals("/signin?return=%2Fmanage%2Freport%2F" + p + "-county%2F2025%3Flang%3Dsv", anonymousPage.header("Location"));
        // unknown node, not a year, unknown format
        assertEquals(404, page(tokens.admin(), "/manage/report/" + p + "-nowhere/2025").status());
        assertEquals(404, page(tokens.admin(), "/manage/report/" + p + "-county/20x5").status());
        assertEquals(404, page(tokens.admin(), "/manage/report/" + p + "-county/1999").status());
        assertEquals(400, page(tokens.admin(), path + "?format=xml").status());
    }

    /** The API cell and the report's cell: the same suppression and the same figures. */
    static void assertSame(JsonNode api, Cell cell, String what) {
        assertNotNull(api, what);
        assertEquals(api.get("suppressed").getBooleanValue(), cell.suppression() != null, what + " suppressed");
        assertEquals(api.get("withheld").getBooleanValue(), cell.withheld(), what + " withheld");
        if (cell.suppression() != null) {
            assertNull(api.get("responses"), what);
            return;
        }
        assertEquals(api.get("responses").getNumberValue().longValue(), cell.responses(), what + " responses");
        JsonNode nps = api.get("nps");
        if (nps == null) {
            assertNull(cell.nps(), what);
        } else {
            assertEquals(nps.get("n").getNumberValue().longValue(), cell.nps().n(), what);
            assertEquals(nps.get("promoters").getNumberValue().longValue(), cell.nps().promoters(), what);
            assertEquals(nps.get("passives").getNumberValue().longValue(), cell.nps().passives(), what);
            assertEquals(nps.get("detractors").getNumberValue().longValue(), cell.nps().detractors(), what);
            assertEquals(nps.get("score").getNumberValue().doubleValue(), cell.nps().score(), what);
            assertEquals(nps.get("ci95").get("lower").getNumberValue().doubleValue(), cell.nps().lower(), what);
            assertEquals(nps.get("ci95").get("upper").getNumberValue().doubleValue(), cell.nps().upper(), what);
        }
        assertEquals(api.get("statements").size(), cell.statements().size(), what + " statements");
        for (int i = 0; i < cell.statements().size(); i++) {
            Statement statement = cell.statements().get(i);
            JsonNode s = api.get("statements").get(i);
            assertEquals(s.get("id").getStringValue(), statement.id(), what);
            assertEquals(s.get("n").getNumberValue().longValue(), statement.n(), what);
            assertEquals(s.get("cantSay").getNumberValue().longValue(), statement.cantSay(), what);
            if (statement.mean() != null) {
                assertEquals(s.get("mean").getNumberValue().doubleValue(), statement.mean(), what);
                assertEquals(s.get("agreePercent").getNumberValue().doubleValue(), statement.agreePercent(), what);
            }
            for (int v = 1; v <= 5; v++) {
                assertEquals(s.get("distribution").get(Integer.toString(v)).getNumberValue().longValue(),
                        statement.distribution()[v - 1], what);
            }
        }
        assertEquals(api.get("visits") == null ? null : api.get("visits").getNumberValue().longValue(), cell.visits(), what);
        assertEquals(api.get("responseRate") == null ? null : api.get("responseRate").getNumberValue().doubleValue(),
                cell.responseRate(), what);
        assertEquals(api.get("invitations") == null ? null : api.get("invitations").getNumberValue().longValue(),
                cell.invitations(), what);
    }

    private JsonNode api(String token, String path) {
        Reply reply = anonymous.as(token).getJson(path);
        assertEquals(200, reply.status(), reply.body());
        try {
            return json.readValue(reply.body(), JsonNode.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply page(String token, String path) {
        return anonymous.as(token).send(java.net.http.HttpRequest.newBuilder(anonymous.uri(path)).header("Accept", "text/html").GET());
    }

    private HttpResponse<byte[]> bytes(String token, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(server.getURI() + path)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/pdf, text/html").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The table row of the page that holds {@code text}. */
    static String row(String html, String text) {
        Matcher m = Pattern.compile("<tr[^>]*>((?:(?!</tr>).)*" + Pattern.quote(text) + "(?:(?!</tr>).)*)</tr>", Pattern.DOTALL).matcher(html);
        return m.find() ? m.group(1) : "(no row with " + text + ")";
    }

}
