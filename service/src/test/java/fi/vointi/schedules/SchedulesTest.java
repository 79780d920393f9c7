package fi.vointi.schedules;

import fi.vointi.messaging.GatewayStub;
import fi.vointi.messaging.InvitationMessaging;
import fi.vointi.messaging.MessageSender;
import fi.vointi.messaging.MessagingController;
import fi.vointi.messaging.SettableClock;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
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
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 2: a patient enrolled in a protocol (POST /fhir/CarePlan) gets the invitations at the protocol's
 * offsets and the reminders of an unanswered one, through the real outbox and an SMS gateway on localhost
 * (GatewayStub); answering stops the reminders, opt-out (STOP) stops every message, quiet hours hold, ending the
 * episode cancels the rest, erasure removes it. Time is the server's settable clock, months ahead; the runner's and
 * the sender's rounds are run by the test (their schedules are off).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulesTest {
    static final String PROTOCOL = "https://vointi.fi/fhir/PlanDefinition/demo-wellbeing-follow-up";
    static final String UNIT = "demo-unit-health-centre";
    static final String SECRET = "schedule-callback-secret";
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final Pattern LINK = Pattern.compile("(https?://\\S+/i/[A-Za-z0-9_-]{22})");

    GatewayStub gateway;
    EmbeddedServer server;
    DataSource dataSource;
    Tokens tokens;
    Questionnaire prom;
    Instant now;

    @BeforeAll
    void start() throws Exception {
        gateway = new GatewayStub();
        Map<String, Object> config = new HashMap<>();
        if (!Db.onPostgres()) {
            config.put("datasources.default.url", "jdbc:h2:mem:vointi-schedules;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        }
        config.put("vointi.test.settable-clock", "true");
        config.put("vointi.messaging.sender-enabled", "false");
        config.put("vointi.schedules.runner-enabled", "false");
        config.put("vointi.messaging.sms.url", gateway.url());
        config.put("vointi.messaging.sms.username", GatewayStub.USER);
        config.put("vointi.messaging.sms.password", GatewayStub.PASSWORD);
        config.put("vointi.messaging.sms.callback-secret", SECRET);
        server = ApplicationContext.run(EmbeddedServer.class, config);
        dataSource = server.getApplicationContext().getBean(DataSource.class);
        tokens = new Tokens(server.getApplicationContext().getBean(DevTokenIssuer.class));
        prom = new FhirTestClient(server).get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.getApplicationContext().close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Each test starts on its own day, a week after the previous one's last moment, at nine in Helsinki. */
    @BeforeEach
    void morning() {
        Instant base = now == null ? Instant.now() : now.plus(Duration.ofDays(7));
        setClock(at(base.atZone(HELSINKI).toLocalDate(), 9, 0));
    }

    static Instant at(LocalDate date, int hour, int minute) {
        return date.atTime(hour, minute).atZone(HELSINKI).toInstant();
    }

    void setClock(Instant instant) {
        now = instant;
        server.getApplicationContext().getBean(SettableClock.class).set(instant);
    }

    LocalDate today() {
        return now.atZone(HELSINKI).toLocalDate();
    }

    /** A round of the schedule runner, then of the message sender, as the scheduled jobs would do. */
    void rounds() {
        server.getApplicationContext().getBean(ScheduleRunner.class).runDue();
        server.getApplicationContext().getBean(MessageSender.class).sendDue();
    }

    static String newPhone() {
        return "+35850" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    static String newPatient() {
        return "sch-" + UUID.randomUUID();
    }

    static CarePlan carePlan(String patientId, LocalDate start, String phone) {
        CarePlan plan = new CarePlan();
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addInstantiatesCanonical(PROTOCOL);
        plan.setSubject(new Reference("Patient/" + patientId));
        plan.getPeriod().setStartElement(new DateTimeType(start.toString()));
        if (phone != null) {
            Extension recipient = plan.addExtension().setUrl(InvitationMessaging.RECIPIENT_EXTENSION);
            recipient.addExtension("contact", new ContactPoint().setSystem(ContactPoint.ContactPointSystem.SMS).setValue(phone));
        }
        return plan;
    }

    FhirTestClient clinician() {
        return new FhirTestClient(server).as(tokens.clinician(UNIT));
    }

    CarePlan enrol(String patientId, LocalDate start, String phone) {
        Reply reply = clinician().post("/fhir/CarePlan", carePlan(patientId, start, phone));
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(CarePlan.class);
    }

    long invitations(String patientId) {
        return Db.count(dataSource, "SELECT COUNT(*) FROM invitation WHERE patient_id = ?", patientId);
    }

    static String link(String text) {
        Matcher m = LINK.matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    /** Answers through the SMS's short link as the patient would: /i/{code} leads to /invitation/{token}. */
    void answerThrough(String shortLink) throws Exception {
        HttpResponse<String> redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shortLink))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, redirect.statusCode());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        QuestionnaireResponse answer = ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build("completed", null);
        Reply answered = new FhirTestClient(server).post(location + "/QuestionnaireResponse", answer);
        assertEquals(201, answered.status(), answered.body());
    }

    @Test
    void aScheduleEnrolledAtDayZeroSendsAtTheRightOffsetsAndAReminderStopsAfterTheAnswer() throws Exception {
        String patient = newPatient();
        String phone = newPhone();
        LocalDate day0 = today();
        CarePlan plan = enrol(patient, day0, phone);
        String planId = plan.getIdElement().getIdPart();
        // enrolled at nine: the baseline is planned for ten, the others at 3, 6 and 12 months, all at ten in Helsinki
        assertEquals(List.of(at(day0, 10, 0), at(day0.plusMonths(3), 10, 0), at(day0.plusMonths(6), 10, 0),
                        at(day0.plusMonths(12), 10, 0)),
                plan.getActivity().stream().map(a -> a.getDetail().getScheduledPeriod().getStart().toInstant()).toList());
        assertTrue(plan.getActivity().stream().allMatch(a -> a.getDetail().getStatus() == CarePlan.CarePlanActivityStatus.SCHEDULED));
        assertTrue(!plan.toString().contains(phone) && !new FhirTestClient(server).as(tokens.clinician(UNIT))
                .get("/fhir/CarePlan/" + planId).body().contains(phone.substring(4)), "the contact is never shown");
        rounds();
        assertEquals(0, invitations(patient), "nothing before its time");

        setClock(at(day0, 10, 0));
        rounds();
        assertEquals(1, invitations(patient));
        List<GatewayStub.Request> sms = gateway.requestsTo(phone);
        assertEquals(1, sms.size());
        String shortLink = link(sms.get(0).text());

        // the Task comes from the schedule, and the CarePlan names it
        Task baseline = clinician().get("/fhir/Task?patient=" + patient).resource(Bundle.class).getEntry().stream()
                .map(e -> (Task) e.getResource()).findFirst().orElseThrow();
        assertEquals("CarePlan/" + planId, baseline.getBasedOnFirstRep().getReference());
        assertEquals(at(day0, 10, 0), baseline.getAuthoredOn().toInstant());
        CarePlan read = clinician().get("/fhir/CarePlan/" + planId).resource(CarePlan.class);
        assertEquals(CarePlan.CarePlanActivityStatus.INPROGRESS, read.getActivityFirstRep().getDetail().getStatus());
        assertEquals("Task/" + baseline.getIdElement().getIdPart(), read.getActivityFirstRep().getOutcomeReferenceFirstRep().getReference());

        // unanswered: reminded after three days, with the same link
        setClock(at(day0.plusDays(3), 9, 59));
        rounds();
        assertEquals(1, gateway.requestsTo(phone).size());
        setClock(at(day0.plusDays(3), 10, 0));
        rounds();
        sms = gateway.requestsTo(phone);
        assertEquals(2, sms.size());
        assertTrue(sms.get(1).text().contains("muistutus"), sms.get(1).text());
        assertEquals(shortLink, link(sms.get(1).text()));

        // answered: the reminder of day seven does not go
        answerThrough(shortLink);
        setClock(at(day0.plusDays(7), 10, 0));
        rounds();
        assertEquals(2, gateway.requestsTo(phone).size());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_step WHERE enrolment_id = ? AND kind = 'reminder'"
                + " AND status = 'skipped' AND note = 'answered'", planId));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_step WHERE enrolment_id = ? AND link IS NOT NULL", planId),
                "the link is forgotten once its reminders are over");
        assertEquals(CarePlan.CarePlanActivityStatus.COMPLETED,
                clinician().get("/fhir/CarePlan/" + planId).resource(CarePlan.class).getActivityFirstRep().getDetail().getStatus());

        // each later questionnaire at its offset, not a minute before
        int expected = 1;
        int messages = 2;
        for (int months : new int[] {3, 6, 12}) {
            setClock(at(day0.plusMonths(months), 9, 59));
            rounds();
            assertEquals(expected, invitations(patient), "before month " + months);
            setClock(at(day0.plusMonths(months), 10, 0));
            rounds();
            expected++;
            messages++;
            assertEquals(expected, invitations(patient), "at month " + months);
            assertEquals(messages, gateway.requestsTo(phone).size(), "at month " + months);
            // its reminders come and then stop at most two: three and seven days later
            setClock(at(day0.plusMonths(months).plusDays(3), 10, 0));
            rounds();
            setClock(at(day0.plusMonths(months).plusDays(7), 10, 0));
            rounds();
            setClock(at(day0.plusMonths(months).plusDays(13), 10, 0));
            rounds();
            messages += 2;
            assertEquals(messages, gateway.requestsTo(phone).size(), "reminders of month " + months);
        }
        assertEquals(List.of(at(day0, 10, 0), at(day0.plusMonths(3), 10, 0), at(day0.plusMonths(6), 10, 0), at(day0.plusMonths(12), 10, 0)),
                Db.strings(dataSource, "SELECT id FROM invitation WHERE patient_id = ? ORDER BY created_at", patient).stream()
                        .map(id -> clinician().get("/fhir/Task/" + id).resource(Task.class).getAuthoredOn().toInstant()).toList());
        // everything done: the contact is erased
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_enrolment WHERE id = ? AND sms IS NULL", planId));
    }

    @Test
    void optOutStopsEveryMessageOfTheSchedule() throws Exception {
        setClock(at(today(), 12, 0));
        String patient = newPatient();
        String phone = newPhone();
        CarePlan plan = enrol(patient, today(), phone);
        // enrolled at noon: the baseline (due at ten) goes at once, and the answer already names its Task
        assertTrue(plan.getActivityFirstRep().getOutcomeReferenceFirstRep().getReference().startsWith("Task/"));
        rounds();
        assertEquals(1, gateway.requestsTo(phone).size());

        Reply stop = callback("{\"from\":\"" + phone + "\",\"text\":\"STOP\"}");
        assertEquals(204, stop.status(), stop.body());
        setClock(at(today().plusDays(3), 10, 0));
        rounds();
        setClock(now.plus(Duration.ofDays(100)));
        rounds();
        assertEquals(1, gateway.requestsTo(phone).size(), "no reminder, no later invitation by SMS");
        assertEquals(2, invitations(patient), "the questionnaire still waits in the patient's app");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ?", patient));
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_enrolment WHERE id = ? AND sms IS NULL",
                plan.getIdElement().getIdPart()), "the contact is erased at the opt-out");
    }

    Reply callback(String json) {
        FhirTestClient client = new FhirTestClient(server);
        return client.send(HttpRequest.newBuilder(client.uri("/messaging/sms/inbound")).header("Content-Type", "application/json")
                .header(MessagingController.CALLBACK_SECRET, SECRET).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void quietHoursHoldTheScheduledSmsUntilMorning() {
        setClock(at(today(), 22, 30));
        String patient = newPatient();
        String phone = newPhone();
        enrol(patient, today(), phone); // the baseline's time (ten) has passed: it goes now, into the quiet hours
        assertEquals(1, invitations(patient));
        rounds();
        assertEquals(0, gateway.requestsTo(phone).size());
        Instant eight = at(today().plusDays(1), 8, 0);
        setClock(eight.minusSeconds(60));
        rounds();
        assertEquals(0, gateway.requestsTo(phone).size());
        setClock(eight);
        rounds();
        assertEquals(1, gateway.requestsTo(phone).size());
    }

    @Test
    void endingTheEpisodeCancelsTheRestAndErasesTheContact() {
        setClock(at(today(), 12, 0));
        String patient = newPatient();
        String phone = newPhone();
        CarePlan plan = enrol(patient, today(), phone);
        String id = plan.getIdElement().getIdPart();
        rounds();
        assertEquals(1, gateway.requestsTo(phone).size());

        CarePlan active = clinician().get("/fhir/CarePlan/" + id).resource(CarePlan.class);
        assertEquals(422, clinician().put("/fhir/CarePlan/" + id, active).status(), "only ending is an update");
        assertEquals(404, new FhirTestClient(server).as(tokens.clinician("demo-unit-child-psychiatry"))
                .put("/fhir/CarePlan/" + id, active.setStatus(CarePlan.CarePlanStatus.REVOKED)).status());
        Reply ended = clinician().put("/fhir/CarePlan/" + id, active.setStatus(CarePlan.CarePlanStatus.REVOKED));
        assertEquals(200, ended.status(), ended.body());
        CarePlan revoked = ended.resource(CarePlan.class);
        assertEquals(CarePlan.CarePlanStatus.REVOKED, revoked.getStatus());
        assertEquals("2", revoked.getMeta().getVersionId());
        assertTrue(revoked.getPeriod().hasEnd());
        assertEquals(3, revoked.getActivity().stream()
                .filter(a -> a.getDetail().getStatus() == CarePlan.CarePlanActivityStatus.CANCELLED).count());
        assertEquals(409, clinician().put("/fhir/CarePlan/" + id, revoked).status(), "already ended");
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_enrolment WHERE id = ? AND sms IS NULL", id));

        setClock(now.plus(Duration.ofDays(400)));
        rounds();
        assertEquals(1, invitations(patient));
        assertEquals(1, gateway.requestsTo(phone).size());
    }

    @Test
    void refusalsStoreNothingAndReadsFollowTheUnitAndThePatient() {
        String patient = newPatient();
        FhirTestClient anonymous = new FhirTestClient(server);
        CarePlan good = carePlan(patient, today(), newPhone());
        assertEquals(401, anonymous.post("/fhir/CarePlan", good).status());
        assertEquals(403, anonymous.as(tokens.patient(patient)).post("/fhir/CarePlan", good).status());
        assertEquals(403, anonymous.as(tokens.system("no-careplan", "system/Task.crs")).post("/fhir/CarePlan", good).status());
        CarePlan unknown = carePlan(patient, today(), null);
        unknown.getInstantiatesCanonical().get(0).setValue("https://vointi.fi/fhir/PlanDefinition/no-such");
        assertEquals(422, clinician().post("/fhir/CarePlan", unknown).status());
        assertEquals(422, clinician().post("/fhir/CarePlan", carePlan(patient, today(), "not a number")).status());
        assertEquals(422, clinician().post("/fhir/CarePlan", carePlan(patient, today().minusYears(2), null)).status());
        assertEquals(400, clinician().post("/fhir/CarePlan", "{\"resourceType\":\"CarePlan\",\"bogus\":1}").status());
        CarePlan monthOnly = carePlan(patient, today(), null);
        monthOnly.getPeriod().setStartElement(new DateTimeType(today().toString().substring(0, 7)));
        assertEquals(422, clinician().post("/fhir/CarePlan", monthOnly).status(), "the episode's start is a day");
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_enrolment WHERE patient_id = ?", patient));
        assertEquals(0, invitations(patient));

        // an EHR with CarePlan scope enrols without contacts: the invitations wait in the app, nothing is sent
        setClock(at(today(), 12, 0));
        CarePlan fromEhr = carePlan(patient, today(), null);
        fromEhr.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + UNIT));
        Reply byEhr = anonymous.as(tokens.system("ehr-schedules", "system/CarePlan.cru")).post("/fhir/CarePlan", fromEhr);
        assertEquals(201, byEhr.status(), byEhr.body());
        String id = byEhr.resource(CarePlan.class).getIdElement().getIdPart();
        assertTrue(byEhr.header("Location").endsWith("/fhir/CarePlan/" + id), byEhr.header("Location"));
        assertEquals(1, invitations(patient));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM message_outbox WHERE patient_id = ?", patient));
        assertEquals(200, anonymous.as(tokens.patient(patient)).get("/fhir/CarePlan/" + id).status());
        assertEquals(200, clinician().get("/fhir/CarePlan/" + id).status());
        assertEquals(404, anonymous.as(tokens.patient(newPatient())).get("/fhir/CarePlan/" + id).status());
        assertEquals(404, anonymous.as(tokens.clinician("demo-unit-child-psychiatry")).get("/fhir/CarePlan/" + id).status());
        assertEquals(401, anonymous.get("/fhir/CarePlan/" + id).status());
        assertEquals(404, clinician().get("/fhir/CarePlan/" + UUID.randomUUID()).status());
    }

    @Test
    void protocolsArePublicPlanDefinitions() {
        FhirTestClient anonymous = new FhirTestClient(server);
        PlanDefinition protocol = anonymous.get("/fhir/PlanDefinition/demo-wellbeing-follow-up").resource(PlanDefinition.class);
        assertEquals(PROTOCOL, protocol.getUrl());
        assertEquals(4, protocol.getAction().size());
        Bundle all = anonymous.get("/fhir/PlanDefinition?url=" + PROTOCOL).resource(Bundle.class);
        assertEquals(1, all.getEntry().size());
        assertEquals(400, anonymous.get("/fhir/PlanDefinition?title=x").status());
        assertEquals(404, anonymous.get("/fhir/PlanDefinition/no-such").status());
    }

    @Test
    void erasingThePatientRemovesTheScheduleWithItsContact() {
        setClock(at(today(), 12, 0));
        String patient = newPatient();
        enrol(patient, today(), newPhone());
        Reply erased = new FhirTestClient(server).as(tokens.admin()).post("/fhir/Patient/" + patient + "/$erase",
                "{\"resourceType\":\"Parameters\"}");
        assertEquals(200, erased.status(), erased.body());
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_enrolment WHERE patient_id = ?", patient));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM schedule_step s WHERE NOT EXISTS (SELECT 1 FROM"
                + " schedule_enrolment e WHERE e.id = s.enrolment_id)"));
    }
}
