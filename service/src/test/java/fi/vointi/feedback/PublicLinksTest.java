package fi.vointi.feedback;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.RawHttp;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base of QR codes and SMS links never comes from the request: here no public base URL is configured (tests may
 * do without one), and a client claiming to be {@code evil.example} still gets links to this server on localhost.
 */
@MicronautTest(transactional = false)
class PublicLinksTest {
    /** Every way a client might name a host; Micronaut's own host resolver would trust the forwarded ones. */
    static final Map<String, String> EVIL_HOST = Map.of("Host", "evil.example", "X-Forwarded-Host", "evil.example",
            "X-Forwarded-Proto", "https", "Forwarded", "host=evil.example;proto=https");

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    PublicLinks links;

    @Test
    void qrCodesAndSmsLinksIgnoreTheHostTheClientNames() throws Exception {
        String unit = FeedbackUnitsFixture.unit(dataSource, true, true);
        String local = "http://localhost:" + server.getPort();
        assertEquals(local, links.base());

        RawHttp.Response png = RawHttp.send(server, "GET", "/feedback/" + unit + "/qr.png?size=300", EVIL_HOST, null);
        assertEquals(200, png.status(), png.text());
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
                .getText();
        assertEquals(local + "/feedback/" + unit, decoded);
        RawHttp.Response svg = RawHttp.send(server, "GET", "/feedback/" + unit + "/qr.svg?channel=kiosk", EVIL_HOST, null);
        assertEquals(200, svg.status());
        assertFalse(svg.text().contains("evil"));

        Map<String, String> headers = new LinkedHashMap<>(EVIL_HOST);
        headers.put("Authorization", "Bearer " + new Tokens(issuer).admin());
        headers.put("Content-Type", "application/json");
        RawHttp.Response issued = RawHttp.send(server, "POST", "/api/feedback/channel-tokens", headers,
                "{\"unit\":\"" + unit + "\",\"count\":3}");
        assertEquals(201, issued.status(), issued.text());
        assertFalse(issued.text().contains("evil"), issued.text());
        Matcher link = Pattern.compile("\"(http[^\"]+)\"").matcher(issued.text());
        int found = 0;
        while (link.find()) {
            assertTrue(link.group(1).matches(Pattern.quote(local + "/p/") + "[A-Za-z0-9_-]{22}"), link.group(1));
            found++;
        }
        assertEquals(3, found, issued.text());

        // the short link's redirect is relative: the browser stays on the host it asked, whatever that was
        String token = issued.text().replaceAll("(?s).*/p/([A-Za-z0-9_-]{22}).*", "$1");
        RawHttp.Response redirect = RawHttp.send(server, "GET", "/p/" + token, EVIL_HOST, null);
        assertEquals(303, redirect.status());
        assertEquals("/feedback/" + unit + "?token=" + token, redirect.headers().get("location"));
    }

    @Test
    void productionWithoutAPublicBaseUrlDoesNotStart() {
        // no test environment, no dev mode: what a production start looks like
        ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .properties(Map.of(
                        "vointi.security.dev-issuer.enabled", "false",
                        "vointi.feedback.public-base-url", "",
                        // the FHIR API's own base is set, so that the feedback links' check is the one that fails
                        "vointi.fhir.base-url", "https://vointi.example/fhir",
                        "datasources.default.url", "jdbc:h2:mem:public-links;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                        "datasources.default.username", "sa",
                        "datasources.default.driver-class-name", "org.h2.Driver",
                        "datasources.default.dialect", "H2",
                        "micronaut.server.port", "-1"))
                .build();
        assertFalse(context.getEnvironment().getActiveNames().contains("test"), context.getEnvironment().getActiveNames().toString());
        Exception e = assertThrows(Exception.class, context::start);
        context.close();
        String message = messages(e);
        assertTrue(message.contains(PublicLinks.ENV_VARIABLE) && message.contains("Host"), message);
    }

    @Test
    void theConfiguredBaseIsRequiredOutsideDevModeAndTestsAndMustBeAnHttpUrl() {
        assertTrue(assertThrows(ConfigurationException.class, () -> PublicLinks.checked(null, Set.of("postgres"), false))
                .getMessage().contains("VOINTI_FEEDBACK_PUBLIC_BASE_URL"));
        assertNull(PublicLinks.checked(null, Set.of(), true), "dev mode: this server on localhost");
        assertNull(PublicLinks.checked(null, Set.of("test", "test-h2"), false), "tests: this server on localhost");
        assertEquals("https://palaute.example.fi", PublicLinks.checked("https://palaute.example.fi", Set.of("postgres"), false));
        assertEquals("https://example.fi/palaute", PublicLinks.checked("https://example.fi/palaute", Set.of("postgres"), false));
        for (String wrong : List.of("palaute.example.fi", "ftp://palaute.example.fi", "https://palaute.example.fi?x=1",
                "https://user@palaute.example.fi", "https://palaute example.fi", "javascript:alert(1)")) {
            assertThrows(ConfigurationException.class, () -> PublicLinks.checked(wrong, Set.of("postgres"), false), wrong);
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
