package fi.vointi.web;

import fi.vointi.support.Db;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "too many answers" state in Chromium: a person sending again and again from one address gets a page, not JSON. */
@MicronautTest(transactional = false)
@Property(name = "vointi.feedback.rate-limit-submissions", value = "1")
@Property(name = "vointi.feedback.rate-limit-window", value = "1h")
class FeedbackFloodBrowserTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;

    @Test
    void theSecondAnswerWithinTheWindowGetsAPageInThePersonsLanguage() {
        String unit = WebFixtures.unit(dataSource);
        try (Browser browser = Browser.start("sv")) {
            String form = "http://localhost:" + server.getPort() + "/feedback/" + unit + "?audience=adult&lang=sv";
            for (int answer = 1; answer <= 2; answer++) {
                browser.size(Browser.PHONE).open(form);
                browser.choose("q-recommendation-5");
                browser.clickAndWaitForNextPage(browser.find("main button[type=submit]"));
            }
            assertTrue(browser.text("main").contains(Messages.get("sv", "error.429.text")), browser.text("main"));
            assertEquals("sv", browser.find("html").getAttribute("lang"));
            browser.assertAccessible("too-many");
            assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?",
                    "Organization/" + unit));
        }
    }
}
