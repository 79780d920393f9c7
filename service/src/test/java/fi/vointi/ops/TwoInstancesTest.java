package fi.vointi.ops;

import fi.vointi.gdpr.RetentionJob;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: two instances of the service on one database (two application contexts with their own HTTP servers,
 * connection pools, audit writers and schedulers; on PostgreSQL one schema, on H2 one named in-memory database) behave
 * as one: a single-use link is used once whichever instance each click reaches, If-Match lets one of two concurrent
 * writers win, what one instance writes to the organisation structure the other sees at once, the retention job runs on
 * one instance only, and the feedback rate limit is per instance (the documented total: instances × limit).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final int RATE_LIMIT = 3;
    static final String UNIT = "demo-unit-health-centre";

    EmbeddedServer a;
    EmbeddedServer b;
    DataSource dataSource;
    ExecutorService pool;

    @BeforeAll
    void start() {
        Map<String, Object> common = new HashMap<>();
        if (!Db.onPostgres()) {
            // one in-memory database for both contexts of this JVM (the default URL is shared by every test class)
            common.put("datasources.default.url", "jdbc:h2:mem:vointi-two-instances;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        }
        common.put("vointi.retention.responses", "P30D");
        common.put("vointi.feedback.rate-limit-submissions", Integer.toString(RATE_LIMIT));
        // a reverse proxy's header names the client, so that each check below counts against an address of its own
        common.put("micronaut.server.client-address-header", "X-Client-Address");
        a = ApplicationContext.run(EmbeddedServer.class, common);
        Map<String, Object> second = new HashMap<>(common);
        // the second instance finds the schema migrated and must not clean it away
        second.put("flyway.datasources.default.clean-schema", "false");
        b = ApplicationContext.run(EmbeddedServer.class, second);
        dataSource = a.getApplicationContext().getBean(DataSource.class);
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (b != null) {
            b.getApplicationContext().close();
        }
        if (a != null) {
            a.getApplicationContext().close();
        }
    }

    private static Tokens tokens(EmbeddedServer server) {
        return new Tokens(server.getApplicationContext().getBean(DevTokenIssuer.class));
    }

    /** Runs the calls at the same moment (a barrier), half of them on each instance, and returns their statuses. */
    private List<Integer> atOnce(List<Callable<Reply>> calls) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(calls.size());
        List<Future<Reply>> futures = new ArrayList<>();
        for (Callable<Reply> call : calls) {
            futures.add(pool.submit(() -> {
                barrier.await();
                return call.call();
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Reply> future : futures) {
            statuses.add(future.get().status());
        }
        return statuses;
    }

    @Test
    void anInvitationLinkIsUsedOnceWhicheverInstanceTheClicksReach() throws Exception {
        String patientId = "two-" + UUID.randomUUID();
        FhirTestClient clinician = new FhirTestClient(a).as(tokens(a).clinician("unit-" + UUID.randomUUID()));
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patientId));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(PROM_URL));
        Reply invited = clinician.post("/fhir/Task", task);
        assertEquals(201, invited.status(), invited.body());
        String link = invited.resource(Task.class).getExtensionByUrl(fi.vointi.invitations.InvitationService.LINK_EXTENSION)
                .getValue().primitiveValue();
        String path = "/invitation/" + link.substring(link.lastIndexOf('/') + 1) + "/QuestionnaireResponse";
        Questionnaire prom = new FhirTestClient(a).get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);

        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            FhirTestClient instance = new FhirTestClient(i % 2 == 0 ? a : b);
            calls.add(() -> instance.post(path, ResponseBuilder.answering(prom).answerAllRequired()
                    .answer("pain.any", new BooleanType(false)).build("completed", null)));
        }
        List<Integer> statuses = atOnce(calls);
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 403), statuses.toString());
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE subject_id = ?", patientId));
    }

    @Test
    void anSmsLinkTakesOneAnswerWhicheverInstanceTheClicksReach() throws Exception {
        FhirTestClient admin = new FhirTestClient(a).as(tokens(a).admin());
        Reply issued = admin.send(HttpRequest.newBuilder(admin.uri("/api/feedback/channel-tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"unit\":\"" + UNIT + "\"}")).header("Content-Type", "application/json"));
        assertEquals(201, issued.status(), issued.body());
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/p/([A-Za-z0-9_-]+)\"").matcher(issued.body());
        assertTrue(link.find(), issued.body());
        String path = "/feedback/" + UNIT + "/QuestionnaireResponse?token=" + link.group(1);
        Questionnaire adult = new FhirTestClient(a).get("/feedback/" + UNIT + "/Questionnaire?audience=adult").resource(Questionnaire.class);
        long before = storedFeedback();

        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            FhirTestClient instance = new FhirTestClient(i % 2 == 0 ? a : b);
            String address = "198.51.100." + (10 + i);
            calls.add(() -> instance.post(path, ResponseBuilder.answering(adult).answerAllRequired()
                    .answer("recommendation", new IntegerType(8)).build("completed", null), "X-Client-Address", address));
        }
        List<Integer> statuses = atOnce(calls);
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 409), statuses.toString());
        assertEquals(before + 1, storedFeedback());
    }

    @Test
    void ifMatchLetsOneOfTwoConcurrentWritersWinAcrossInstances() throws Exception {
        String patientId = "two-" + UUID.randomUUID();
        FhirTestClient onA = new FhirTestClient(a).as(tokens(a).patient(patientId));
        FhirTestClient onB = new FhirTestClient(b).as(tokens(b).patient(patientId));
        Questionnaire prom = onA.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        Reply created = onA.post("/fhir/QuestionnaireResponse", ResponseBuilder.answering(prom).build("in-progress", "Patient/" + patientId));
        assertEquals(201, created.status(), created.body());
        String id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        List<Callable<Reply>> calls = new ArrayList<>();
        for (FhirTestClient client : List.of(onA, onB, onA, onB)) {
            QuestionnaireResponse next = ResponseBuilder.answering(prom).answerAllRequired()
                    .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patientId);
            next.setId(id);
            calls.add(() -> client.put("/fhir/QuestionnaireResponse/" + id, next, "If-Match", "W/\"1\""));
        }
        List<Integer> statuses = atOnce(calls);
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 412 || s == 409), statuses.toString());
        // the history table holds only superseded versions: the one the winner replaced
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response_history WHERE id = ?", id));
    }

    @Test
    void aStructureChangeOnOneInstanceIsSeenAtOnceByTheOther() throws Exception {
        String unit = "demo-unit-pain-clinic";
        Questionnaire adult = new FhirTestClient(b).get("/feedback/" + unit + "/Questionnaire?audience=adult").resource(Questionnaire.class);
        FhirTestClient anonymousOnB = new FhirTestClient(b);
        Callable<Reply> feedbackOnB = () -> {
            QuestionnaireResponse answer = ResponseBuilder.answering(adult).answerAllRequired()
                    .answer("recommendation", new IntegerType(9)).build("completed", null);
            answer.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + unit));
            return anonymousOnB.post("/fhir/QuestionnaireResponse", answer, "X-Client-Address", "198.51.100.50");
        };
        assertEquals(201, feedbackOnB.call().status(), "B takes feedback for the active unit");

        // two admins deactivate the unit at once, one through each instance, both from the same version
        FhirTestClient adminA = new FhirTestClient(a).as(tokens(a).admin());
        FhirTestClient adminB = new FhirTestClient(b).as(tokens(b).admin());
        Reply current = adminA.get("/fhir/Organization/" + unit);
        assertEquals(200, current.status(), current.body());
        String etag = current.header("ETag");
        List<Callable<Reply>> calls = new ArrayList<>();
        for (FhirTestClient admin : List.of(adminA, adminB)) {
            Organization inactive = current.resource(Organization.class).setActive(false);
            calls.add(() -> admin.put("/fhir/Organization/" + unit, inactive, "If-Match", etag));
        }
        List<Integer> statuses = atOnce(calls);
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 412 || s == 409), statuses.toString());

        // whichever instance wrote it, B refuses feedback for the inactive unit at once: nothing cached the tree
        Reply refused = feedbackOnB.call();
        assertEquals(422, refused.status(), refused.body());
        assertTrue(!adminB.get("/fhir/Organization/" + unit).resource(Organization.class).getActive());
    }

    @Test
    void theRetentionJobRunsOnOneInstanceOnly() throws Exception {
        String patientId = "two-" + UUID.randomUUID();
        FhirTestClient patient = new FhirTestClient(a).as(tokens(a).patient(patientId));
        Questionnaire prom = patient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        Reply created = patient.post("/fhir/QuestionnaireResponse", ResponseBuilder.answering(prom).build("in-progress", "Patient/" + patientId));
        assertEquals(201, created.status(), created.body());
        String old = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
        Db.update(dataSource, "UPDATE questionnaire_response SET last_updated = ? WHERE id = ?",
                Instant.now().minus(Duration.ofDays(40)).atOffset(ZoneOffset.UTC), old);
        // a lease left by an earlier run of this suite on the same database would hide the result
        Db.update(dataSource, "DELETE FROM cluster_lock WHERE name = 'retention'");
        long runsBefore = Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'retention'");

        // both instances' schedulers fire at the same moment (the cron is the same everywhere)
        RetentionJob jobA = a.getApplicationContext().getBean(RetentionJob.class);
        RetentionJob jobB = b.getApplicationContext().getBean(RetentionJob.class);
        CyclicBarrier barrier = new CyclicBarrier(4);
        List<Future<Boolean>> runs = new ArrayList<>();
        for (RetentionJob job : List.of(jobA, jobB, jobA, jobB)) {
            runs.add(pool.submit(() -> {
                barrier.await();
                return job.runOnceInCluster();
            }));
        }
        int ran = 0;
        for (Future<Boolean> run : runs) {
            ran += run.get() ? 1 : 0;
        }
        assertEquals(1, ran, "one run in the cluster");
        assertEquals(runsBefore + 1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'retention'"));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE id = ?", old));
        // and a scheduler that comes late to the same run (a clock a little behind) finds it taken
        assertTrue(!jobA.runOnceInCluster() && !jobB.runOnceInCluster());
        assertEquals(runsBefore + 1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'retention'"));
    }

    @Test
    void theFeedbackRateLimitIsPerInstanceSoTheTotalIsInstancesTimesTheLimit() throws Exception {
        Questionnaire adult = new FhirTestClient(a).get("/feedback/" + UNIT + "/Questionnaire?audience=adult").resource(Questionnaire.class);
        String address = "203.0.113." + (1 + new java.util.Random().nextInt(250));
        int accepted = 0;
        int limited = 0;
        for (EmbeddedServer instance : List.of(a, b)) {
            FhirTestClient client = new FhirTestClient(instance);
            for (int i = 0; i < RATE_LIMIT + 2; i++) {
                QuestionnaireResponse answer = ResponseBuilder.answering(adult).answerAllRequired()
                        .answer("recommendation", new IntegerType(6)).build("completed", null);
                answer.addExtension("https://vointi.fi/fhir/StructureDefinition/service-unit", new Reference("Organization/" + UNIT));
                Reply reply = client.post("/fhir/QuestionnaireResponse", answer, "X-Client-Address", address);
                if (reply.status() == 201) {
                    accepted++;
                } else {
                    assertEquals(429, reply.status(), reply.body());
                    assertTrue(reply.header("Retry-After") != null);
                    limited++;
                }
            }
        }
        assertEquals(2 * RATE_LIMIT, accepted, "each instance lets the limit through (docs/operations.md)");
        assertEquals(4, limited);
    }

    private long storedFeedback() {
        return Db.count(dataSource, "SELECT COUNT(*) FROM questionnaire_response WHERE unit_ref = ?", "Organization/" + UNIT);
    }
}
