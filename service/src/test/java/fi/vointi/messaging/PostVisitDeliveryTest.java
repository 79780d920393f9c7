package fi.vointi.messaging;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
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
import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 3: post-visit feedback SMS. Finished Encounters reported by an EHR client to two instances of the
 * service on one database are counted as visits, a configured share of them is sent the unit's feedback link through
 * the SMS gateway (GatewayStub) at most once per person, quiet hours hold, and a STOP reply stops everything. As in
 * MessagingDeliveryTest, the sender's rounds are run by the test and time is the servers' settable clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostVisitDeliveryTest {
    static final String SAMPLED_UNIT = "demo-unit-health-centre";       // the global share, 0.1
    static final String EVERY_VISIT_UNIT = "demo-unit-pain-clinic";     // share 1 from its service (unit-shares)
    static final String NO_FEEDBACK_UNIT = "demo-unit-family-counselling";
    static final String HETU = "urn:oid:1.2.246.21";
    static final String CALLBACK_SECRET = "callback-secret-for-tests";
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final Pattern LINK = Pattern.compile("(https?://\\S+/p/[A-Za-z0-9_-]{22})");

    GatewayStub gateway;
    EmbeddedServer a;
    EmbeddedServer b;
    DataSource dataSource;
    ExecutorService pool;
    Instant now;

    @BeforeAll
    void start() throws Exception {
        gateway = new GatewayStub();
        Map<String, Object> common = new HashMap<>();
        if (!Db.onPostgres()) {
            common.put("datasources.default.url", "jdbc:h2:mem:vointi-postvisit;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        }
        common.put("vointi.test.settable-clock", "true");
        common.put("vointi.messaging.sender-enabled", "false");
        common.put("vointi.messaging.threads", "2");
        common.put("vointi.messaging.batch-size", "200");
        common.put("vointi.messaging.sms.url", gateway.url());
        common.put("vointi.messaging.sms.username", GatewayStub.USER);
        common.put("vointi.messaging.sms.password", GatewayStub.PASSWORD);
        common.put("vointi.messaging.sms.timeout", "2s");
        common.put("vointi.messaging.sms.callback-secret", CALLBACK_SECRET);
        common.put("vointi.feedback.post-visit.share", "0.1");
        common.put("vointi.feedback.post-visit.unit-shares", "demo-service-specialist-care=1");
        common.put("vointi.feedback.post-visit.period", "7d");
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
    }

    /** Noon in Helsinki, well after the period of everything earlier tests sent. */
    @BeforeEach
    void daytime() {
        Instant base = now == null ? Instant.now() : now.plus(Duration.ofDays(10));
        setClock(base.atZone(HELSINKI).toLocalDate().atTime(12, 0).atZone(HELSINKI).toInstant());
    }

    void setClock(Instant instant) {
        now = instant;
        a.getApplicationContext().getBean(SettableClock.class).set(instant);
        b.getApplicationContext().getBean(SettableClock.class).set(instant);
    }

    static String newPhone() {
        return "+35850" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    static String newHetu() {
        return "pv-" + java.util.UUID.randomUUID();
    }

    /** A finished visit that ended a minute ago, the patient (with number and language) contained. */
    Encounter visit(String unit, String phone, String identifier, String language) {
        Encounter encounter = new Encounter();
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
        encounter.setServiceProvider(new Reference("Organization/" + unit));
        encounter.getPeriod().setStart(java.util.Date.from(now.minus(Duration.ofMinutes(31))))
                .setEnd(java.util.Date.from(now.minus(Duration.ofMinutes(1))));
        if (phone != null) {
            Patient patient = new Patient();
            patient.setId("p");
            if (identifier != null) {
                patient.addIdentifier().setSystem(HETU).setValue(identifier);
            }
            patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.HOME).setValue("09 123 4567");
            patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE).setValue(phone);
            if (language != null) {
                patient.addCommunication().setPreferred(true)
                        .setLanguage(new CodeableConcept(new Coding("urn:ietf:bcp:47", language, null)));
            }
            encounter.addContained(patient);
            encounter.setSubject(new Reference("#p"));
        }
        return encounter;
    }

    static Bundle transaction(List<Encounter> encounters) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        encounters.forEach(e -> bundle.addEntry().setResource(e).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Encounter"));
        return bundle;
    }

    FhirTestClient ehr(EmbeddedServer server) {
        DevTokenIssuer issuer = server.getApplicationContext().getBean(DevTokenIssuer.class);
        return new FhirTestClient(server).as(new Tokens(issuer).system("test-ehr", "system/Encounter.c system/Task.c"));
    }

    Reply report(EmbeddedServer server, Encounter encounter) {
        return ehr(server).post("/fhir/Encounter", encounter);
    }

    /** Sender rounds on both instances at once until neither finds anything due. */
    void sendEverythingDue() throws Exception {
        while (true) {
            List<MessageSender> senders = List.of(sender(a), sender(b));
            CyclicBarrier barrier = new CyclicBarrier(senders.size());
            List<Future<MessageSender.Round>> rounds = new ArrayList<>();
            for (MessageSender sender : senders) {
                rounds.add(pool.submit(() -> {
                    barrier.await();
                    return sender.sendDue();
                }));
            }
            int claimed = 0;
            for (Future<MessageSender.Round> round : rounds) {
                claimed += round.get().claimed();
            }
            if (claimed == 0) {
                return;
            }
        }
    }

    MessageSender sender(EmbeddedServer server) {
        return server.getApplicationContext().getBean(MessageSender.class);
    }

    long visitsOn(String unit, LocalDate day) {
        return Db.count(dataSource, "SELECT COALESCE(SUM(visits), 0) FROM feedback_visit WHERE unit_id = ? AND period_start = ?"
                + " AND period_end = period_start", unit, Date.valueOf(day));
    }

    long invitationsOn(String unit, LocalDate day) {
        return Db.count(dataSource, "SELECT COALESCE(SUM(issued), 0) FROM feedback_invitation_count WHERE unit_id = ?"
                + " AND local_date = ? AND channel = 'sms'", unit, Date.valueOf(day));
    }

    long queuedPostVisit() {
        return Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE purpose = 'post-visit' AND status = 'queued'");
    }

    Reply callback(String path, String json) {
        FhirTestClient client = new FhirTestClient(a);
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Content-Type", "application/json")
                .header(MessagingController.CALLBACK_SECRET, CALLBACK_SECRET).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static String link(String text) {
        Matcher m = LINK.matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    @Test
    void aThousandFinishedEncountersSendAtMostTheConfiguredShareEachPersonOnce() throws Exception {
        LocalDate today = now.atZone(HELSINKI).toLocalDate();
        long visitsBefore = visitsOn(SAMPLED_UNIT, today);
        long invitationsBefore = invitationsOn(SAMPLED_UNIT, today);
        int deliveredBefore = gateway.deliveredCount();
        // 600 people, 1,000 visits: 400 of them come twice, half of those with another number the second time
        List<String> phones = new ArrayList<>();
        List<String> people = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            phones.add(newPhone());
            people.add(newHetu());
        }
        List<Encounter> encounters = new ArrayList<>();
        Set<String> allNumbers = new HashSet<>(phones);
        for (int i = 0; i < 1000; i++) {
            int person = i < 600 ? i : i - 600;
            String phone = phones.get(person);
            if (i >= 800) {
                phone = newPhone(); // the same person (identifier) with another number
                allNumbers.add(phone);
            } else if (i >= 600) {
                phone = phone.replace("+358", "0"); // the same number written the national way
            }
            encounters.add(visit(SAMPLED_UNIT, phone, people.get(person), i % 3 == 0 ? "sv" : null));
        }
        java.util.Collections.shuffle(encounters, new java.util.Random(16));
        // four transactions of 250, two to each instance, at the same time
        CyclicBarrier barrier = new CyclicBarrier(4);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Bundle bundle = transaction(encounters.subList(k * 250, (k + 1) * 250));
            EmbeddedServer server = k % 2 == 0 ? a : b;
            replies.add(pool.submit(() -> {
                barrier.await();
                return ehr(server).post("/fhir", bundle);
            }));
        }
        for (Future<Reply> reply : replies) {
            Reply r = reply.get();
            assertEquals(200, r.status(), r.body());
            Bundle answer = r.resource(Bundle.class);
            assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, answer.getType());
            assertEquals(250, answer.getEntry().size());
            assertEquals("202 Accepted", answer.getEntryFirstRep().getResponse().getStatus());
        }
        // every visit counted for the response rate
        assertEquals(visitsBefore + 1000, visitsOn(SAMPLED_UNIT, today));
        long queued = queuedPostVisit();
        assertEquals(invitationsBefore + queued, invitationsOn(SAMPLED_UNIT, today), "each link sent counts as an invitation");

        sendEverythingDue();
        List<GatewayStub.Request> delivered = new ArrayList<>();
        for (String number : allNumbers) {
            List<GatewayStub.Request> toNumber = gateway.deliveredTo(number);
            assertTrue(toNumber.size() <= 1, number + " got " + toNumber.size());
            delivered.addAll(toNumber);
        }
        int sent = delivered.size();
        assertEquals(sent, gateway.deliveredCount() - deliveredBefore);
        assertEquals(queued, sent);
        assertTrue(sent <= 100, "at most the share 0.1 of 1,000 visits, sent " + sent);
        assertTrue(sent >= 50, "the sample is not empty: " + sent);
        // each person once: the identifiers of the numbers reached are all different
        Set<String> reachedPeople = new HashSet<>();
        for (GatewayStub.Request r : delivered) {
            int index = phones.indexOf(r.to());
            String person = index >= 0 ? people.get(index) : null;
            if (person == null) {
                for (Encounter e : encounters) {
                    Patient p = (Patient) e.getContained().get(0);
                    if (Addresses.phone(p.getTelecom().get(1).getValue()).equals(r.to())) {
                        person = p.getIdentifierFirstRep().getValue();
                    }
                }
            }
            assertTrue(reachedPeople.add(person), "person " + person + " reached twice");
        }
        // one GSM-7 segment, the STOP hint, the unit's link in the person's language, and the link opens the form
        GatewayStub.Request first = delivered.get(0);
        assertEquals(1, Gsm7.segments(first.text()), first.text());
        assertTrue(first.text().contains("STOP"), first.text());
        assertTrue(delivered.stream().anyMatch(r -> r.text().contains("tack för besöket")), "Swedish for sv patients");
        assertTrue(delivered.stream().anyMatch(r -> r.text().contains("kiitos käynnistäsi")), "Finnish by default");
        HttpResponse<String> opened = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link(first.text()))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, opened.statusCode());
        assertTrue(opened.headers().firstValue("Location").orElse("").startsWith("/feedback/" + SAMPLED_UNIT + "?token="));
        // nothing of the Encounter is kept: no number outside the outbox, no identifier anywhere
        String someone = people.get(0);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE detail LIKE ?", "%" + someone + "%"));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE purpose = 'post-visit' AND patient_id IS NOT NULL"));

        // the people reached, again within the period and at a unit that messages every visit: counted, never messaged
        List<Encounter> reachedAgain = new ArrayList<>();
        for (GatewayStub.Request r : delivered) {
            int index = phones.indexOf(r.to());
            reachedAgain.add(visit(EVERY_VISIT_UNIT, r.to(), index >= 0 ? people.get(index) : newHetu(), null));
        }
        long everyBefore = visitsOn(EVERY_VISIT_UNIT, today);
        Reply again = ehr(a).post("/fhir", transaction(reachedAgain));
        assertEquals(200, again.status(), again.body());
        assertEquals(everyBefore + sent, visitsOn(EVERY_VISIT_UNIT, today));
        assertEquals(0, queuedPostVisit());
    }

    @Test
    void quietHoursHoldTheSmsUntilMorningAndOldOrUnsampledVisitsGetNothing() throws Exception {
        setClock(now.atZone(HELSINKI).toLocalDate().atTime(22, 30).atZone(HELSINKI).toInstant());
        String phone = newPhone();
        Reply reply = report(a, visit(EVERY_VISIT_UNIT, phone, newHetu(), "en"));
        assertEquals(202, reply.status(), reply.body());
        assertTrue(reply.outcome(202).contains("not stored"), reply.body());
        sendEverythingDue();
        assertEquals(0, gateway.deliveredTo(phone).size(), "no SMS at 22:30");
        setClock(now.atZone(HELSINKI).toLocalDate().plusDays(1).atTime(7, 59).atZone(HELSINKI).toInstant());
        sendEverythingDue();
        assertEquals(0, gateway.deliveredTo(phone).size(), "nor at 07:59");
        setClock(now.plus(Duration.ofMinutes(1)));
        sendEverythingDue();
        List<GatewayStub.Request> delivered = gateway.deliveredTo(phone);
        assertEquals(1, delivered.size(), "at 08:00");
        assertTrue(delivered.get(0).text().contains("thank you for your visit"), delivered.get(0).text());

        // a visit that ended two days ago is counted on its day but sent nothing; so is one of a unit without feedback
        String late = newPhone();
        Encounter old = visit(EVERY_VISIT_UNIT, late, newHetu(), null);
        old.getPeriod().setEnd(java.util.Date.from(now.minus(Duration.ofDays(2))));
        LocalDate oldDay = now.minus(Duration.ofDays(2)).atZone(HELSINKI).toLocalDate();
        long before = visitsOn(EVERY_VISIT_UNIT, oldDay);
        assertEquals(202, report(b, old).status());
        assertEquals(before + 1, visitsOn(EVERY_VISIT_UNIT, oldDay));
        String closed = newPhone();
        assertEquals(202, report(b, visit(NO_FEEDBACK_UNIT, closed, newHetu(), null)).status());
        // a visit without a patient only counts
        assertEquals(202, report(b, visit(EVERY_VISIT_UNIT, null, null, null)).status());
        sendEverythingDue();
        assertEquals(0, gateway.deliveredTo(late).size());
        assertEquals(0, gateway.deliveredTo(closed).size());
    }

    @Test
    void aStopReplyStopsEverythingForTheNumber() throws Exception {
        String phone = newPhone();
        String other = newPhone();
        assertEquals(202, report(a, visit(EVERY_VISIT_UNIT, phone, newHetu(), null)).status());
        sendEverythingDue();
        assertEquals(1, gateway.deliveredTo(phone).size());
        // the person answers STOP to the feedback SMS
        assertEquals(204, callback("/messaging/sms/inbound", "{\"from\":\"" + phone + "\",\"text\":\"Stop\"}").status());
        // a later visit (after the period) with a new identifier and the same number: nothing queued, nothing sent
        setClock(now.plus(Duration.ofDays(8)));
        assertEquals(202, report(b, visit(EVERY_VISIT_UNIT, phone.replace("+358", "00358"), newHetu(), null)).status());
        assertEquals(202, report(b, visit(EVERY_VISIT_UNIT, other, newHetu(), null)).status());
        sendEverythingDue();
        assertEquals(1, gateway.deliveredTo(phone).size(), "nothing after STOP");
        assertEquals(1, gateway.deliveredTo(other).size(), "others still get theirs");

        // STOP while a message waits for the morning cancels it
        setClock(now.atZone(HELSINKI).toLocalDate().atTime(23, 0).atZone(HELSINKI).toInstant());
        String night = newPhone();
        assertEquals(202, report(a, visit(EVERY_VISIT_UNIT, night, newHetu(), null)).status());
        assertEquals(204, callback("/messaging/sms/inbound", "{\"from\":\"" + night + "\",\"text\":\"SEIS\"}").status());
        setClock(now.plus(Duration.ofHours(10)));
        sendEverythingDue();
        assertEquals(0, gateway.deliveredTo(night).size());
    }

    @Test
    void theSameEncounterReportedTwiceCountsOnceAndIsMessagedOnce() throws Exception {
        LocalDate today = now.atZone(HELSINKI).toLocalDate();
        long before = visitsOn(EVERY_VISIT_UNIT, today);
        // a retried transaction: the same Bundle again, to the other instance
        String phone = newPhone();
        Encounter identified = visit(EVERY_VISIT_UNIT, phone, newHetu(), null);
        identified.addIdentifier().setSystem("urn:oid:1.2.246.10.1234567.10").setValue("visit-" + java.util.UUID.randomUUID());
        String withId = newPhone();
        Encounter byId = visit(EVERY_VISIT_UNIT, withId, newHetu(), null);
        byId.setId("enc-" + java.util.UUID.randomUUID());
        Bundle bundle = transaction(List.of(identified, byId));
        assertEquals(200, ehr(a).post("/fhir", bundle).status());
        assertEquals(before + 2, visitsOn(EVERY_VISIT_UNIT, today));
        Reply retried = ehr(b).post("/fhir", bundle);
        assertEquals(200, retried.status(), retried.body());
        assertEquals(before + 2, visitsOn(EVERY_VISIT_UNIT, today), "a retried transaction counts nothing more");
        // the same visit alone, and twice within one transaction, even after the person's period is over
        Reply alone = report(a, identified);
        assertTrue(alone.outcome(202).contains("already reported"), alone.body());
        assertEquals(200, ehr(b).post("/fhir", transaction(List.of(byId, byId))).status());
        assertEquals(before + 2, visitsOn(EVERY_VISIT_UNIT, today));
        sendEverythingDue();
        assertEquals(1, gateway.deliveredTo(phone).size());
        assertEquals(1, gateway.deliveredTo(withId).size());
        setClock(now.plus(Duration.ofDays(8)));
        assertEquals(202, report(b, identified).status());
        sendEverythingDue();
        assertEquals(1, gateway.deliveredTo(phone).size(), "a repeat after the period sends nothing either");
        // another client's Encounter with the same identifier is another visit
        DevTokenIssuer issuer = a.getApplicationContext().getBean(DevTokenIssuer.class);
        FhirTestClient otherEhr = new FhirTestClient(a).as(new Tokens(issuer).system("other-ehr", "system/Encounter.c"));
        Encounter otherClients = visit(EVERY_VISIT_UNIT, null, null, null);
        otherClients.setIdentifier(identified.getIdentifier());
        LocalDate later = now.atZone(HELSINKI).toLocalDate();
        long laterBefore = visitsOn(EVERY_VISIT_UNIT, later);
        assertEquals(202, otherEhr.post("/fhir/Encounter", otherClients).status());
        assertEquals(laterBefore + 1, visitsOn(EVERY_VISIT_UNIT, later));

        // the same new Encounter in two requests at the same moment, one to each instance: counted once, one SMS
        for (int round = 0; round < 5; round++) {
            long start = visitsOn(EVERY_VISIT_UNIT, later);
            String concurrentPhone = newPhone();
            Encounter concurrent = visit(EVERY_VISIT_UNIT, concurrentPhone, newHetu(), null);
            concurrent.addIdentifier().setSystem("urn:oid:1.2.246.10.1234567.10").setValue("visit-" + java.util.UUID.randomUUID());
            CyclicBarrier barrier = new CyclicBarrier(2);
            boolean single = round % 2 == 0;
            List<Future<Reply>> replies = new ArrayList<>();
            for (EmbeddedServer server : List.of(a, b)) {
                replies.add(pool.submit(() -> {
                    barrier.await();
                    return single ? report(server, concurrent) : ehr(server).post("/fhir", transaction(List.of(concurrent)));
                }));
            }
            for (Future<Reply> reply : replies) {
                Reply r = reply.get();
                assertTrue(r.status() == 202 || r.status() == 200, r.body());
            }
            assertEquals(start + 1, visitsOn(EVERY_VISIT_UNIT, later), "round " + round);
            sendEverythingDue();
            assertEquals(1, gateway.deliveredTo(concurrentPhone).size(), "round " + round);
        }
        // only an HMAC of the visit is kept, and it is forgotten after the period plus a week
        long kept = Db.count(dataSource, "SELECT COUNT(*) FROM post_visit_seen");
        assertTrue(kept >= 7, "keys kept: " + kept);
        setClock(now.plus(Duration.ofDays(7 + 8)));
        a.getApplicationContext().getBean(fi.vointi.feedback.PostVisitFeedback.class).forget();
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM post_visit_seen WHERE seen_at <= ?",
                java.sql.Timestamp.from(now.minus(Duration.ofDays(7 + 7)))));
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM post_visit_seen") < kept);
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM post_visit_contact WHERE contacted_at <= ?",
                java.sql.Timestamp.from(now.minus(Duration.ofDays(7)))), "people are forgotten after the period");
    }

    /** The visit import as administrators use it: {@code POST /analytics/visits} with a CSV body. */
    Reply importVisits(EmbeddedServer server, String csv) {
        DevTokenIssuer issuer = server.getApplicationContext().getBean(DevTokenIssuer.class);
        FhirTestClient admin = new FhirTestClient(server).as(new Tokens(issuer).admin());
        return admin.send(HttpRequest.newBuilder(admin.uri("/analytics/visits")).header("Content-Type", "text/csv")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    @Test
    void importedVisitsWithAPhoneTakeThePostVisitPathAndTheOthersOnlyCount() throws Exception {
        LocalDate today = now.atZone(HELSINKI).toLocalDate();
        String finnish = newPhone();
        String swedish = newPhone();
        String stopped = newPhone();
        String reached = newPhone();
        String twice = newPhone();
        String old = newPhone();
        String closed = newPhone();
        // one person was reached today after an Encounter, another has answered STOP
        assertEquals(202, report(a, visit(EVERY_VISIT_UNIT, reached, newHetu(), null)).status());
        sendEverythingDue();
        assertEquals(1, gateway.deliveredTo(reached).size());
        assertEquals(204, callback("/messaging/sms/inbound", "{\"from\":\"" + stopped + "\",\"text\":\"STOP\"}").status());
        long queuedBefore = queuedPostVisit();

        // bad rows refuse the whole file: nothing counted, nothing queued
        String bad = "unit,period,visits,phone\n" + EVERY_VISIT_UNIT + "," + today + ",1," + finnish + "\n"
                + EVERY_VISIT_UNIT + "," + today + ",1,12\n" + EVERY_VISIT_UNIT + "," + today.toString().substring(0, 7) + ",1," + newPhone() + "\n"
                + EVERY_VISIT_UNIT + "," + today + ",2," + newPhone() + "\n";
        Reply refused = importVisits(a, bad);
        assertEquals(422, refused.status(), refused.body());
        assertTrue(refused.body().contains("line 3") && refused.body().contains("mobile number"), refused.body());
        assertTrue(refused.body().contains("line 4") && refused.body().contains("must be a day"), refused.body());
        assertTrue(refused.body().contains("line 5") && refused.body().contains("visits must be 1"), refused.body());
        assertEquals(queuedBefore, queuedPostVisit());

        // the nightly file, imported at 22:30: one row per visit, a number where the patient gave one
        setClock(today.atTime(22, 30).atZone(HELSINKI).toInstant());
        String csv = "unit,period,visits,phone,language\n"
                + EVERY_VISIT_UNIT + "," + today + ",1," + finnish + ",\n"
                + EVERY_VISIT_UNIT + "," + today + ",1," + swedish.replace("+358", "0") + ",sv\n"
                + EVERY_VISIT_UNIT + "," + today + ",1,,\n"
                + EVERY_VISIT_UNIT + "," + today + ",1," + stopped + ",\n"
                + EVERY_VISIT_UNIT + "," + today + ",1," + reached + ",\n"
                + EVERY_VISIT_UNIT + "," + today + ",1," + twice + ",en\n"
                + EVERY_VISIT_UNIT + "," + today + ",1," + twice + ",en\n"
                + EVERY_VISIT_UNIT + "," + today.minusDays(2) + ",1," + old + ",\n"
                + NO_FEEDBACK_UNIT + "," + today + ",1," + closed + ",\n";
        Reply imported = importVisits(b, csv);
        assertEquals(200, imported.status(), imported.body());
        assertTrue(imported.body().contains("\"imported\":9"), imported.body());
        // the rows of a day add up and replace the day's count (the Encounter reported earlier is one of them)
        assertEquals(7, visitsOn(EVERY_VISIT_UNIT, today));
        assertEquals(1, visitsOn(EVERY_VISIT_UNIT, today.minusDays(2)));
        assertEquals(1, visitsOn(NO_FEEDBACK_UNIT, today));
        sendEverythingDue();
        assertEquals(0, gateway.deliveredTo(finnish).size(), "quiet hours");
        setClock(today.plusDays(1).atTime(8, 0).atZone(HELSINKI).toInstant());
        sendEverythingDue();
        assertEquals(1, gateway.deliveredTo(finnish).size());
        assertTrue(gateway.deliveredTo(finnish).get(0).text().contains("kiitos käynnistäsi"));
        assertEquals(1, gateway.deliveredTo(swedish).size());
        assertTrue(gateway.deliveredTo(swedish).get(0).text().contains("tack för besöket"));
        assertEquals(1, gateway.deliveredTo(twice).size(), "once per person");
        assertTrue(gateway.deliveredTo(twice).get(0).text().contains("thank you for your visit"));
        assertEquals(1, gateway.deliveredTo(reached).size(), "already reached within the period");
        assertEquals(0, gateway.deliveredTo(stopped).size(), "opted out");
        assertEquals(0, gateway.deliveredTo(old).size(), "too old to ask");
        assertEquals(0, gateway.deliveredTo(closed).size(), "the unit takes no feedback");
        // the link opens the unit's form
        HttpResponse<String> opened = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(link(gateway.deliveredTo(finnish).get(0).text()))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(opened.headers().firstValue("Location").orElse("").startsWith("/feedback/" + EVERY_VISIT_UNIT + "?token="));

        // the same file again (an overlapping import): the same count, no second message
        assertEquals(200, importVisits(a, csv).status());
        assertEquals(7, visitsOn(EVERY_VISIT_UNIT, today));
        assertEquals(0, queuedPostVisit());
        // the number lives only in the outbox
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE detail LIKE ? OR path LIKE ?",
                "%" + finnish.substring(4) + "%", "%" + finnish.substring(4) + "%"));
    }

    @Test
    void badReportsAreRefusedAndCountNothing() {
        LocalDate today = now.atZone(HELSINKI).toLocalDate();
        long before = visitsOn(EVERY_VISIT_UNIT, today);
        Encounter planned = visit(EVERY_VISIT_UNIT, newPhone(), null, null).setStatus(Encounter.EncounterStatus.INPROGRESS);
        assertTrue(report(a, planned).outcome(422).contains("finished"));
        assertTrue(report(a, visit("no-such-unit", newPhone(), null, null)).outcome(422).contains("no-such-unit"));
        Encounter badNumber = visit(EVERY_VISIT_UNIT, "12", null, null);
        assertTrue(report(a, badNumber).outcome(422).contains("mobile number"));
        Encounter future = visit(EVERY_VISIT_UNIT, newPhone(), null, null);
        future.getPeriod().setEnd(java.util.Date.from(now.plus(Duration.ofHours(2))));
        assertTrue(report(a, future).outcome(422).contains("future"));
        // one bad entry refuses the whole transaction, naming it
        Reply mixed = ehr(a).post("/fhir", transaction(List.of(visit(EVERY_VISIT_UNIT, newPhone(), null, null), planned)));
        mixed.outcome(422);
        assertTrue(mixed.body().contains("Bundle.entry[1].resource.status"), mixed.body());
        assertEquals(before, visitsOn(EVERY_VISIT_UNIT, today));
        assertEquals(0, queuedPostVisit());
        // only backend clients with system/Encounter.c report visits
        Encounter fine = visit(EVERY_VISIT_UNIT, newPhone(), null, null);
        assertEquals(401, new FhirTestClient(a).post("/fhir/Encounter", fine).status());
        DevTokenIssuer issuer = a.getApplicationContext().getBean(DevTokenIssuer.class);
        assertEquals(403, new FhirTestClient(a).as(new Tokens(issuer).system("warehouse", "system/QuestionnaireResponse.rs"))
                .post("/fhir/Encounter", fine).status());
        assertEquals(403, new FhirTestClient(a).as(new Tokens(issuer).clinician(EVERY_VISIT_UNIT)).post("/fhir/Encounter", fine).status());
        assertEquals(400, ehr(a).post("/fhir", new Bundle().setType(Bundle.BundleType.BATCH)).status());
        assertEquals(before, visitsOn(EVERY_VISIT_UNIT, today));
        assertFalse(gateway.deliveredCount() < 0);
    }
}
