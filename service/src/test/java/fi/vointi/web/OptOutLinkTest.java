package fi.vointi.web;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import fi.vointi.messaging.AddressKeys;
import fi.vointi.messaging.InvitationMessaging;
import fi.vointi.messaging.MessageSender;
import fi.vointi.messaging.OptOutLinks;
import fi.vointi.messaging.OutboxOverview;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, "opt-out honoured for all future messages": the opt-out link of every e-mail (docs/messaging.md,
 * "Opt-out"). An invitation e-mail reaches a real SMTP server (GreenMail) with its link in the text and in the
 * List-Unsubscribe header; a person opens the link in Chromium and stops messages; a mail client's one-click POST
 * (RFC 8058) does the same without a page; a GET alone opts nobody out; unknown and expired codes are 404.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptOutLinkTest implements TestPropertyProvider {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String UNIT = "demo-unit-health-centre";
    static final Pattern OPT_OUT = Pattern.compile("(https?://\\S+/o/[A-Za-z0-9_-]{22})");

    GreenMail mail;

    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    MessageSender sender;
    @Inject
    AddressKeys keys;
    @Inject
    OutboxOverview overview;
    @Inject
    OptOutLinks links;
    @Inject
    TransactionOperations<?> transactions;

    @Override
    public Map<String, String> getProperties() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        return Map.of("vointi.messaging.sender-enabled", "false",
                "vointi.messaging.email.host", "127.0.0.1",
                "vointi.messaging.email.port", Integer.toString(mail.getSmtp().getPort()),
                "vointi.messaging.email.start-tls", "false",
                "vointi.messaging.email.from", "kyselyt@vointi.example");
    }

    @AfterAll
    void stopMail() {
        if (mail != null) {
            mail.stop();
        }
    }

    static String newEmail() {
        return "optout-" + ThreadLocalRandom.current().nextInt(1_000_000_000) + "@example.fi";
    }

    static String newPatient() {
        return "optout-" + UUID.randomUUID();
    }

    void invite(String patientId, String email, String language) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patientId));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(PROM_URL));
        Extension recipient = task.addExtension().setUrl(InvitationMessaging.RECIPIENT_EXTENSION);
        recipient.addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email));
        recipient.addExtension("language", new CodeType(language));
        FhirTestClient.Reply reply = new FhirTestClient(server).as(new Tokens(issuer).clinician(UNIT)).post("/fhir/Task", task);
        assertEquals(201, reply.status(), reply.body());
    }

    List<MimeMessage> mailTo(String address) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().equalsIgnoreCase(address))) {
                found.add(m);
            }
        }
        return found;
    }

    /** The invitation e-mail's opt-out link, checked to be the same in the text and in the List-Unsubscribe header. */
    static String optOutLink(MimeMessage message) throws Exception {
        Matcher m = OPT_OUT.matcher(message.getContent().toString());
        assertTrue(m.find(), message.getContent().toString());
        String link = m.group(1);
        assertEquals("<" + link + ">", message.getHeader("List-Unsubscribe", null));
        assertEquals("List-Unsubscribe=One-Click", message.getHeader("List-Unsubscribe-Post", null));
        return link;
    }

    boolean optedOut(String email) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM message_opt_out WHERE subject_key = ?", keys.ofAddress(email)) > 0;
    }

    List<String> statuses(String patientId) {
        return Db.strings(dataSource, "SELECT status FROM message_outbox WHERE patient_id = ? ORDER BY created_at", patientId);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html"));
    }

    static HttpResponse<String> post(String url, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    String url(String path) {
        return "http://localhost:" + server.getPort() + path;
    }

    @Test
    void aPersonStopsMessagesFromTheLinkInAnInvitationEmailInABrowser() throws Exception {
        try (Browser browser = Browser.start("fi")) { // skipped without Chromium; the HTTP tests below still run
            String email = newEmail();
            String patient = newPatient();
            invite(patient, email, "sv");
            sender.sendDue();
            List<MimeMessage> mails = mailTo(email);
            assertEquals(1, mails.size());
            String link = optOutLink(mails.get(0));
            assertFalse(link.contains("example.fi") || link.contains("optout-"), "never the address in the URL: " + link);
            // a second invitation is queued before the person opts out; a third comes after
            invite(patient, email, "sv");
            assertEquals(List.of("sent", "queued"), statuses(patient));
            long cancelledBefore = overview.queue(Instant.now()).cancelled();

            // the page speaks the e-mail's language (Swedish) although the browser asks for Finnish
            browser.size(Browser.PHONE).open(link);
            assertEquals("sv", browser.find("html").getAttribute("lang"));
            assertEquals("Avsluta meddelanden", browser.text("h1"));
            assertFalse(browser.driver().getPageSource().contains(email), "nothing about the person on the page");
            assertFalse(optedOut(email), "opening the link opts nobody out");
            assertFalse(browser.scrollsHorizontally());
            browser.assertAccessible("opt-out page, phone").screenshot("optout-confirm-phone");
            browser.size(Browser.DESKTOP).assertAccessible("opt-out page, desktop").screenshot("optout-confirm-desktop");

            browser.clickAndWaitForNextPage(browser.find("main form button[type=submit]"));
            assertEquals("Meddelandena har avslutats", browser.text("h1"));
            assertTrue(browser.text("[role=status]").contains("inga fler meddelanden"), browser.text("main"));
            assertTrue(optedOut(email));
            browser.assertAccessible("opted out, desktop").screenshot("optout-done-desktop");
            browser.size(Browser.PHONE).assertAccessible("opted out, phone").screenshot("optout-done-phone");

            // the invitation queued before is cancelled, and shown so in the operator's counts
            assertEquals(List.of("sent", "cancelled"), statuses(patient));
            assertEquals(cancelledBefore + 1, overview.queue(Instant.now()).cancelled());
            // a later invitation to the same address, even for another patient, queues nothing; the invitation stands
            String other = newPatient();
            invite(other, email, "fi");
            assertEquals(List.of(), statuses(other));
            sender.sendDue();
            assertEquals(1, mailTo(email).size(), "no second e-mail");

            // an unknown code: the 404 page in the browser's language, in the same style
            browser.open(url("/o/" + "A".repeat(22)));
            assertEquals("Linkki ei ole voimassa", browser.text("h1"));
            browser.assertAccessible("unknown link, phone").screenshot("optout-unknown-phone");
            browser.size(Browser.DESKTOP).screenshot("optout-unknown-desktop");
        }
    }

    @Test
    void aMailClientsOneClickPostOptsOutAndAGetAloneDoesNot() throws Exception {
        String email = newEmail();
        String patient = newPatient();
        invite(patient, email, "en");
        sender.sendDue();
        String link = optOutLink(mailTo(email).get(0));

        // link scanners and previews: GET and HEAD show the page only
        HttpResponse<String> page = get(link);
        assertEquals(200, page.statusCode());
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(page.body().contains("Stop messages") && page.body().contains("method=\"post\""), page.body());
        assertFalse(page.body().contains(email));
        send(HttpRequest.newBuilder(URI.create(link)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertFalse(optedOut(email));

        // a form posted from another site is refused like every cross-site form
        HttpResponse<String> forged = post(link, "", "Origin", "https://evil.example");
        assertEquals(403, forged.statusCode());
        assertFalse(optedOut(email));

        // RFC 8058: the mail provider posts List-Unsubscribe=One-Click, without a browser's headers and without a confirmation
        HttpResponse<String> oneClick = post(link, "List-Unsubscribe=One-Click");
        assertEquals(200, oneClick.statusCode(), oneClick.body());
        assertTrue(optedOut(email));
        assertEquals("email-link", Db.strings(dataSource, "SELECT source FROM message_opt_out WHERE subject_key = ?",
                keys.ofAddress(email)).get(0));
        // the patient too, as with an SMS STOP; again is harmless
        assertEquals(200, post(link, "List-Unsubscribe=One-Click").statusCode());
        invite(patient, newEmail(), "en");
        assertEquals(List.of("sent"), statuses(patient), "an opted-out patient gets nothing at a new address either");
    }

    @Test
    void unknownMalformedAndExpiredCodesAre404AndOptNobodyOut() throws Exception {
        String email = newEmail();
        String key = keys.ofAddress(email);
        Instant longAgo = Instant.now().minus(OptOutLinks.LIFETIME).minusSeconds(60);
        String expired = transactions.executeWrite(status -> links.create(url(""), key, "en", longAgo));
        for (String address : List.of(expired, url("/o/" + "B".repeat(22)), url("/o/short"), url("/o/" + "C".repeat(21) + "%2F"))) {
            HttpResponse<String> page = get(address);
            assertEquals(404, page.statusCode(), address);
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), address);
            assertFalse(page.body().contains("Exception"), page.body());
            assertEquals(404, post(address, "List-Unsubscribe=One-Click").statusCode(), address);
        }
        assertTrue(get(expired).body().contains("Linkki ei ole voimassa"), "no Accept-Language: Finnish");
        assertFalse(optedOut(email));
        // the sender's round forgets expired links
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM message_opt_out_link WHERE recipient_key = ?", key));
        sender.expire();
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_opt_out_link WHERE recipient_key = ?", key));
    }
}
