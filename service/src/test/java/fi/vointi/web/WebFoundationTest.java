package fi.vointi.web;

import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page foundation over HTTP: which form posts the cross-site check lets through (each header combination a
 * browser or another client sends), and error answers negotiated between people and FHIR clients. The browser
 * tests (FeedbackBrowserTest) do the same with Chromium's own headers.
 */
@MicronautTest(transactional = false)
class WebFoundationTest {
    private static final String FORM = "audience=adult&lang=en&item%3Arecommendation=10";
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    FhirTestClient client;
    String unit;

    @BeforeEach
    void setUp() {
        client = new FhirTestClient(server);
        unit = WebFixtures.unit(dataSource);
    }

    Reply post(String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri("/feedback/" + unit + "/answer"))
                .POST(HttpRequest.BodyPublishers.ofString(FORM))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request);
    }

    long stored() {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + unit);
    }

    String own() {
        return "http://localhost:" + server.getPort();
    }

    @Test
    void crossSiteFormPostsAreRefusedBeforeAnythingIsStored() {
        assertEquals(403, post("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").status());
        assertEquals(403, post("Sec-Fetch-Site", "same-site", "Origin", "https://sub." + "localhost").status(),
                "a sibling subdomain is another origin");
        assertEquals(403, post("Origin", "null").status(), "an opaque origin (sandboxed frame, no-referrer) is refused");
        assertEquals(403, post("Origin", "https://evil.example").status());
        Reply refused = post("Origin", "http://localhost:1");
        assertEquals(403, refused.status());
        assertTrue(refused.header("Content-Type").startsWith("text/html"));
        assertEquals(0, stored());
    }

    @Test
    void sameOriginAndNonBrowserPostsPass() {
        assertEquals(303, post("Sec-Fetch-Site", "same-origin", "Origin", own()).status());
        assertEquals(303, post("Origin", own()).status(), "a browser without Fetch Metadata, same origin");
        assertEquals(303, post().status(), "no browser headers: a program, which carries no ambient session");
        assertEquals(3, stored());
    }

    @Test
    void peopleGetPagesAndFhirClientsOperationOutcomes() {
        Reply page = client.send(HttpRequest.newBuilder(client.uri("/no/such/page")).GET()
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").header("Accept-Language", "sv"));
        assertEquals(404, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.body().contains("<html lang=\"sv\">") && page.body().contains(Messages.get("sv", "error.404.title")));

        client.get("/no/such/page").outcome(404);
        Reply login = client.send(HttpRequest.newBuilder(client.uri("/fhir/QuestionnaireResponse")).GET()
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
        assertEquals(401, login.status());
        assertTrue(login.body().contains(Messages.get("fi", "error.401.title")));
        client.get("/fhir/QuestionnaireResponse").outcome(401);
        assertTrue(!page.body().contains("Exception"), "no stack trace");
    }
}
