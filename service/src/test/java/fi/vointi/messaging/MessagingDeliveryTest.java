package fi.vointi.messaging;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 1: invitations created through FHIR reach a real SMTP server (GreenMail) and a gateway on localhost
 * (GatewayStub) exactly once, with a short link that opens the invitation, with two instances of the service sending
 * from one database (two application contexts, as in fi.vointi.ops.TwoInstancesTest), through gateway failures, a
 * timeout and a crashed sender; opt-out, quiet hours, the per-person cap and retention hold. The sender's rounds are
 * run by the test (the schedule is off) and time is the servers' settable clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagingDeliveryTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String UNIT = "demo-unit-health-centre";
    static final String CALLBACK_SECRET = "callback-secret-for-tests";
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final Pattern LINK = Pattern.compile("(https?://\\S+/i/[A-Za-z0-9_-]{22})");

    GreenMail mail;
    GatewayStub gateway;
    EmbeddedServer a;
    EmbeddedServer b;
    DataSource dataSource;
    ExecutorService pool;
    Instant now;

    @BeforeAll
    void start() throws Exception {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        gateway = new GatewayStub();
        Map<String, Object> common = new HashMap<>();
        if (!Db.onPostgres()) {
            common.put("datasources.default.url", "jdbc:h2:mem:vointi-messaging;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        }
        common.put("vointi.test.settable-clock", "true");
        common.put("vointi.messaging.sender-enabled", "false");
        common.put("vointi.messaging.threads", "2");
        common.put("vointi.messaging.county-sender-names", "demo-county=DemoCounty");
        common.put("vointi.messaging.email.host", "127.0.0.1");
        common.put("vointi.messaging.email.port", Integer.toString(mail.getSmtp().getPort()));
        common.put("vointi.messaging.email.start-tls", "false");
        common.put("vointi.messaging.email.from", "kyselyt@vointi.example");
        common.put("vointi.messaging.sms.url", gateway.url());
        common.put("vointi.messaging.sms.username", GatewayStub.USER);
        common.put("vointi.messaging.sms.password", GatewayStub.PASSWORD);
        common.put("vointi.messaging.sms.timeout", "1s");
        common.put("vointi.messaging.sms.callback-secret", CALLBACK_SECRET);
        a = ApplicationContext.run(EmbeddedServer.class, common);
        Map<String, Object> second = new HashMap<>(common);
        second.put("flyway.datasources.default.clean-schema", "false");
        b = ApplicationContext.run(EmbeddedServer.class, second);
        dataSource = a.getApplicationContext().getBean(DataSource.class);
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        for (EmbeddedServer server : new EmbeddedServer[] {b, a}) {
            if (server != null) {
                server.getApplicationContext().close();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /** Noon in Helsinki, a day after everything earlier tests left queued: each test starts outside quiet hours. */
    @BeforeEach
    void daytime() {
        Instant base = now == null ? Instant.now() : now.plus(Duration.ofDays(2));
        setClock(base.atZone(HELSINKI).toLocalDate().atTime(12, 0).atZone(HELSINKI).toInstant());
    }

    void setClock(Instant instant) {
        now = instant;
        a.getApplicationContext().getBean(SettableClock.class).set(instant);
        b.getApplicationContext().getBean(SettableClock.class).set(instant);
    }

    void advance(Duration duration) {
        setClock(now.plus(duration));
    }

    static String newPhone() {
        return "+35840" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    static String newEmail() {
        return "patient-" + ThreadLocalRandom.current().nextInt(1_000_000_000) + "@example.fi";
    }

    static String newPatient() {
        return "msg-" + java.util.UUID.randomUUID();
    }

    static Task task(String patientId, String questionnaire, String phone, String email, String language) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patientId));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(questionnaire));
        Extension recipient = task.addExtension().setUrl(InvitationMessaging.RECIPIENT_EXTENSION);
        if (phone != null) {
            recipient.addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.SMS).setValue(phone));
        }
        if (email != null) {
            recipient.addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(email));
        }
        if (language != null) {
            recipient.addExtension("language", new CodeType(language));
        }
        return task;
    }

    Reply invite(EmbeddedServer server, String patientId, String phone, String email) {
        return invite(server, task(patientId, PROM_URL, phone, email, "fi"));
    }

    Reply invite(EmbeddedServer server, Task task) {
        DevTokenIssuer issuer = server.getApplicationContext().getBean(DevTokenIssuer.class);
        return new FhirTestClient(server).as(new Tokens(issuer).clinician(UNIT)).post("/fhir/Task", task);
    }

    MessageSender sender(EmbeddedServer server) {
        return server.getApplicationContext().getBean(MessageSender.class);
    }

    /** Both instances' senders at the same moment, twice each. */
    void roundsOnBothInstances() throws Exception {
        List<MessageSender> senders = List.of(sender(a), sender(b), sender(a), sender(b));
        CyclicBarrier barrier = new CyclicBarrier(senders.size());
        List<Future<MessageSender.Round>> rounds = new ArrayList<>();
        for (MessageSender sender : senders) {
            rounds.add(pool.submit(() -> {
                barrier.await();
                return sender.sendDue();
            }));
        }
        for (Future<MessageSender.Round> round : rounds) {
            round.get();
        }
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

    String statusOf(String patientId, String channel) {
        List<String> statuses = Db.strings(dataSource, "SELECT status FROM message_outbox WHERE patient_id = ? AND channel = ?",
                patientId, channel);
        assertEquals(1, statuses.size(), statuses.toString());
        return statuses.get(0);
    }

    String messageId(String patientId, String channel) {
        return Db.strings(dataSource, "SELECT id FROM message_outbox WHERE patient_id = ? AND channel = ?", patientId, channel).get(0);
    }

    List<String> attempts(String messageId) {
        return Db.strings(dataSource, "SELECT outcome FROM message_attempt WHERE message_id = ? ORDER BY attempt", messageId);
    }

    static String link(String text) {
        Matcher m = LINK.matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    static HttpResponse<String> get(String url, String accept) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    Reply callback(String path, String json, String secret) {
        FhirTestClient client = new FhirTestClient(a);
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (secret != null) {
            request.header(MessagingController.CALLBACK_SECRET, secret);
        }
        return client.send(request);
    }

    @Test
    void anInvitationArrivesByEmailAndSmsExactlyOnceWithAWorkingLinkWhenTwoInstancesSend() throws Exception {
        String patient = newPatient();
        String phone = newPhone();
        String email = newEmail();
        Reply invited = invite(a, patient, phone.replace("+358", "0"), email.toUpperCase(java.util.Locale.ROOT));
        assertEquals(201, invited.status(), invited.body());
        // the contact is not part of the stored Task, nor of the answer
        assertTrue(!invited.body().contains(phone.substring(4)) && !invited.body().contains("invitation-recipient"), invited.body());
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ? AND (resource_json LIKE ?"
                + " OR resource_json LIKE ?)", patient, "%" + phone.substring(4) + "%", "%example.fi%"));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ? AND status = 'queued'", patient));

        roundsOnBothInstances();
        roundsOnBothInstances();

        List<GatewayStub.Request> sms = gateway.requestsTo(phone);
        assertEquals(1, sms.size(), "one request to the gateway, whichever instance sent it: " + sms);
        assertEquals("DemoCounty", sms.get(0).from(), "the sender name of the unit's county");
        assertEquals(1, Gsm7.segments(sms.get(0).text()), sms.get(0).text());
        List<MimeMessage> mails = mailTo(email);
        assertEquals(1, mails.size());
        String mailBody = mails.get(0).getContent().toString();
        assertEquals("<" + messageId(patient, "email") + "@vointi>", mails.get(0).getMessageID());

        String link = link(sms.get(0).text());
        assertTrue(link.length() <= InvitationLinks.MAX_LENGTH, link);
        assertEquals(link, link(mailBody), "one invitation, one link, both channels");
        HttpResponse<String> redirect = get(link, "text/html");
        assertEquals(303, redirect.statusCode());
        assertEquals("no-store", redirect.headers().firstValue("Cache-Control").orElse(null));
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/invitation/"), location);
        HttpResponse<String> page = get(link.substring(0, link.indexOf("/i/")) + location, "text/html");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<form"), "the invitation's first page: " + page.body());

        assertEquals("sent", statusOf(patient, "sms"));
        assertEquals("sent", statusOf(patient, "email"));
        assertEquals(List.of("accepted"), attempts(messageId(patient, "sms")));
        assertEquals(List.of("accepted"), attempts(messageId(patient, "email")));

        // the gateway reports delivery; only with its secret
        String gatewayId = Db.strings(dataSource, "SELECT provider_id FROM message_outbox WHERE patient_id = ? AND channel = 'sms'", patient).get(0);
        assertEquals(401, callback("/messaging/sms/status", "{\"id\":\"" + gatewayId + "\",\"status\":\"delivered\"}", "wrong").status());
        assertEquals("sent", statusOf(patient, "sms"));
        Reply report = callback("/messaging/sms/status", "{\"id\":\"" + gatewayId + "\",\"status\":\"DELIVERED\"}", CALLBACK_SECRET);
        assertEquals(204, report.status(), report.body());
        assertEquals("delivered", statusOf(patient, "sms"));
        assertEquals(404, callback("/messaging/sms/status", "{\"id\":\"gw-unknown\",\"status\":\"delivered\"}", CALLBACK_SECRET).status());
        assertEquals(400, callback("/messaging/sms/status", "not json", CALLBACK_SECRET).status());

        // later rounds, a day later, send nothing again
        advance(Duration.ofDays(1));
        roundsOnBothInstances();
        assertEquals(1, gateway.requestsTo(phone).size());
        assertEquals(1, mailTo(email).size());
    }

    @Test
    void aGatewayFailingTwiceIsRetriedWithBackoffAndTheSmsArrivesOnce() throws Exception {
        String patient = newPatient();
        String phone = newPhone();
        gateway.script(phone, "fail", "fail");
        assertEquals(201, invite(b, patient, phone, null).status());

        sender(a).sendDue();
        assertEquals(1, gateway.requestsTo(phone).size());
        assertEquals("queued", statusOf(patient, "sms"));
        sender(b).sendDue(); // the backoff holds it
        assertEquals(1, gateway.requestsTo(phone).size());
        advance(Duration.ofMinutes(1));
        roundsOnBothInstances();
        assertEquals(2, gateway.requestsTo(phone).size());
        advance(Duration.ofMinutes(1)); // the second wait is two minutes
        roundsOnBothInstances();
        assertEquals(2, gateway.requestsTo(phone).size());
        advance(Duration.ofMinutes(1));
        roundsOnBothInstances();

        assertEquals(3, gateway.requestsTo(phone).size());
        assertEquals(1, gateway.deliveredTo(phone).size());
        assertEquals("sent", statusOf(patient, "sms"));
        assertEquals(List.of("retry", "retry", "accepted"), attempts(messageId(patient, "sms")));
        advance(Duration.ofHours(2));
        roundsOnBothInstances();
        assertEquals(3, gateway.requestsTo(phone).size());
    }

    @Test
    void aRejectedNumberFailsAtOnceAndATimeoutIsRetriedWithoutASecondDelivery() throws Exception {
        String rejected = newPatient();
        String badNumber = newPhone();
        gateway.script(badNumber, "reject");
        String late = newPatient();
        String slowNumber = newPhone();
        gateway.script(slowNumber, "late");
        assertEquals(201, invite(a, rejected, badNumber, null).status());
        assertEquals(201, invite(a, late, slowNumber, null).status());

        sender(a).sendDue();
        assertEquals("failed", statusOf(rejected, "sms"));
        assertEquals(List.of("rejected"), attempts(messageId(rejected, "sms")));
        assertEquals("queued", statusOf(late, "sms"), "timed out: the answer never came");
        assertEquals(List.of("retry"), attempts(messageId(late, "sms")));

        advance(Duration.ofMinutes(5));
        roundsOnBothInstances();
        assertEquals(1, gateway.requestsTo(badNumber).size(), "a refused message is not retried");
        List<GatewayStub.Request> requests = gateway.requestsTo(slowNumber);
        assertEquals(2, requests.size());
        assertEquals(requests.get(0).reference(), requests.get(1).reference(), "the retry carries the same reference");
        assertEquals(1, gateway.deliveredTo(slowNumber).size(), "so the gateway delivers it once");
        assertEquals("sent", statusOf(late, "sms"));
    }

    @Test
    void aMessageClaimedByACrashedInstanceIsSentByAnotherAfterTheLease() throws Exception {
        String patient = newPatient();
        String phone = newPhone();
        assertEquals(201, invite(a, patient, phone, null).status());
        OutboxStore outbox = a.getApplicationContext().getBean(OutboxStore.class);
        // an instance claims everything due and dies before sending
        List<OutboxStore.Claimed> claimed = outbox.claim("crashed-instance/1", now, now.plus(Duration.ofMinutes(2)), 1000);
        assertTrue(claimed.stream().anyMatch(c -> c.patientId() != null && c.patientId().equals(patient)));

        roundsOnBothInstances();
        assertEquals(0, gateway.requestsTo(phone).size(), "the lease holds");
        advance(Duration.ofMinutes(2));
        roundsOnBothInstances();
        assertEquals(1, gateway.requestsTo(phone).size());
        assertEquals("sent", statusOf(patient, "sms"));
        // the crashed instance, back, cannot write over what the other did
        OutboxStore.Claimed stale = claimed.stream().filter(c -> patient.equals(c.patientId())).findFirst().orElseThrow();
        assertTrue(!outbox.startAttempt(stale, "crashed-instance", now, now.plusSeconds(60)));
    }

    @Test
    void aStopReplyStopsEverythingForTheNumberAndThePerson() throws Exception {
        String patient = newPatient();
        String phone = newPhone();
        String email = newEmail();
        assertEquals(201, invite(a, patient, phone, email).status());
        assertEquals(401, callback("/messaging/sms/inbound", "{\"from\":\"" + phone + "\",\"text\":\"STOP\"}", null).status());
        Reply stop = callback("/messaging/sms/inbound", "{\"from\":\"" + phone.replace("+358", "0") + "\",\"text\":\" stop please\"}",
                CALLBACK_SECRET);
        assertEquals(204, stop.status(), stop.body());
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ? AND status = 'cancelled'"
                + " AND recipient IS NULL AND body IS NULL", patient), "cancelled, and the addresses erased at once");

        roundsOnBothInstances();
        assertEquals(0, gateway.requestsTo(phone).size());
        assertEquals(0, mailTo(email).size());

        // later invitations of the person, by any channel, and of anyone at that number, queue nothing
        assertEquals(201, invite(a, patient, phone, email).status());
        assertEquals(201, invite(b, patient, null, newEmail()).status());
        String other = newPatient();
        assertEquals(201, invite(a, other, phone, null).status());
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id IN (?, ?)", patient, other));
        advance(Duration.ofDays(1));
        roundsOnBothInstances();
        assertEquals(0, gateway.requestsTo(phone).size());
        assertEquals(0, mailTo(email).size());
    }

    @Test
    void quietHoursHoldAnSmsUntilEightWhileEmailGoesAtOnce() throws Exception {
        setClock(now.atZone(HELSINKI).toLocalDate().atTime(22, 30).atZone(HELSINKI).toInstant());
        String patient = newPatient();
        String phone = newPhone();
        String email = newEmail();
        assertEquals(201, invite(a, patient, phone, email).status());
        Instant eight = now.atZone(HELSINKI).toLocalDate().plusDays(1).atTime(8, 0).atZone(HELSINKI).toInstant();

        roundsOnBothInstances();
        assertEquals(1, mailTo(email).size());
        assertEquals(0, gateway.requestsTo(phone).size());
        setClock(eight.minusSeconds(60));
        roundsOnBothInstances();
        assertEquals(0, gateway.requestsTo(phone).size());
        setClock(eight);
        roundsOnBothInstances();
        assertEquals(1, gateway.requestsTo(phone).size());
        assertEquals("sent", statusOf(patient, "sms"));
    }

    @Test
    void aRetryThatFallsIntoQuietHoursWaitsForTheMorning() throws Exception {
        setClock(now.atZone(HELSINKI).toLocalDate().atTime(20, 59, 30).atZone(HELSINKI).toInstant());
        String patient = newPatient();
        String phone = newPhone();
        gateway.script(phone, "fail");
        assertEquals(201, invite(a, patient, phone, null).status());
        sender(a).sendDue();
        assertEquals(1, gateway.requestsTo(phone).size());
        advance(Duration.ofMinutes(1)); // 21:00:30, the retry is due but it is night
        roundsOnBothInstances();
        assertEquals(1, gateway.requestsTo(phone).size());
        setClock(now.atZone(HELSINKI).toLocalDate().plusDays(1).atTime(8, 0).atZone(HELSINKI).toInstant());
        roundsOnBothInstances();
        assertEquals(2, gateway.requestsTo(phone).size());
        assertEquals("sent", statusOf(patient, "sms"));
    }

    @Test
    void thePerPersonCapHoldsTheFourthSmsOfTheDay() throws Exception {
        String phone = newPhone();
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            patients.add(newPatient());
            assertEquals(201, invite(a, patients.get(i), phone, null).status());
            advance(Duration.ofMinutes(1));
        }
        roundsOnBothInstances();
        assertEquals(3, gateway.requestsTo(phone).size(), "the cap is 3 a day");
        advance(Duration.ofHours(23));
        roundsOnBothInstances();
        assertEquals(3, gateway.requestsTo(phone).size());
        advance(Duration.ofHours(1));
        roundsOnBothInstances();
        assertEquals(4, gateway.requestsTo(phone).size());
        for (String patient : patients) {
            assertEquals("sent", statusOf(patient, "sms"));
        }
    }

    @Test
    void aRefusedTaskStoresNeitherTheInvitationNorAMessage() throws Exception {
        String patient = newPatient();
        Reply badNumber = invite(a, patient, "not a number", newEmail());
        assertEquals(422, badNumber.status(), badNumber.body());
        assertTrue(badNumber.body().contains("OperationOutcome") && badNumber.body().contains("mobile number"), badNumber.body());
        Reply unknownQuestionnaire = invite(a, task(patient, "https://vointi.fi/fhir/Questionnaire/no-such", newPhone(), null, "sv"));
        assertEquals(422, unknownQuestionnaire.status(), unknownQuestionnaire.body());
        Task twoPhones = task(patient, PROM_URL, newPhone(), null, "en");
        twoPhones.getExtensionByUrl(InvitationMessaging.RECIPIENT_EXTENSION)
                .addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(newPhone()));
        assertEquals(422, invite(a, twoPhones).status());
        Task noContact = task(patient, PROM_URL, null, null, "xx");
        Reply refused = invite(a, noContact);
        assertEquals(422, refused.status(), refused.body());
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ?", patient));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ?", patient));
    }

    @Test
    void addressesAreErasedAfterTheRetentionAndWithThePatientsData() throws Exception {
        String patient = newPatient();
        String phone = newPhone();
        assertEquals(201, invite(a, patient, phone, newEmail()).status());
        roundsOnBothInstances();
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ? AND recipient IS NOT NULL", patient));
        advance(Duration.ofDays(7).minusMinutes(1));
        sender(b).expire();
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ? AND recipient IS NOT NULL", patient));
        advance(Duration.ofMinutes(1));
        sender(b).expire();
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ? AND (recipient IS NOT NULL"
                + " OR body IS NOT NULL)", patient));
        assertEquals(2, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ? AND status = 'sent'", patient),
                "what was sent, when, stays on record without any address");

        // erasure (GDPR Art. 17) takes the patient's messages, queued or sent, with their attempts
        String queuedPatient = newPatient();
        setClock(now.atZone(HELSINKI).toLocalDate().atTime(23, 0).atZone(HELSINKI).toInstant());
        assertEquals(201, invite(a, queuedPatient, newPhone(), null).status());
        String id = messageId(patient, "sms");
        DevTokenIssuer issuer = a.getApplicationContext().getBean(DevTokenIssuer.class);
        FhirTestClient admin = new FhirTestClient(a).as(new Tokens(issuer).admin());
        for (String p : List.of(patient, queuedPatient)) {
            Reply erased = admin.post("/fhir/Patient/" + p + "/$erase", "{\"resourceType\":\"Parameters\"}");
            assertEquals(200, erased.status(), erased.body());
            assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ?", p));
        }
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_attempt WHERE message_id = ?", id));
    }
}
