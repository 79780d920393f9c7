package fi.vointi.subscriptions;

import fi.vointi.messaging.SettableClock;
import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, subscriptions: an EHR subscribes over FHIR for its unit, a patient shares a response, and the EHR's
 * endpoint (a JDK HttpServer on localhost) receives a backport notification Bundle at least once, through failures
 * (503, then accepted) and a restart of the service on the same database, always with the same event number; the
 * heartbeat; what the subscriber may read decides what a notification carries. The sender's rounds are run by the
 * test (the schedule is off) and time is the server's settable clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionDeliveryTest {
    static final String EHR_SCOPES = "system/QuestionnaireResponse.crus system/Questionnaire.rs system/Task.crs";
    static final String RESPONSE_SHARED = "https://vointi.fi/fhir/SubscriptionTopic/response-shared";
    static final String SCORE_CREATED = "https://vointi.fi/fhir/SubscriptionTopic/score-observation-created";
    static final String SHARING_WITHDRAWN = "https://vointi.fi/fhir/SubscriptionTopic/response-sharing-withdrawn";
    static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

    HookStub hook;
    Map<String, Object> properties;
    EmbeddedServer server;
    Tokens tokens;
    Instant now = Instant.parse("2026-11-02T10:00:00Z");

    @BeforeAll
    void start() throws Exception {
        hook = new HookStub();
        properties = new HashMap<>();
        if (!Db.onPostgres()) {
            properties.put("datasources.default.url", "jdbc:h2:mem:vointi-subscriptions;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        }
        properties.put("vointi.test.settable-clock", "true");
        properties.put("vointi.subscriptions.sender-enabled", "false");
        properties.put("vointi.subscriptions.allow-http-localhost", "true");
        properties.put("vointi.messaging.sender-enabled", "false");
        server = ApplicationContext.run(EmbeddedServer.class, properties);
        tokens = new Tokens(server.getApplicationContext().getBean(DevTokenIssuer.class));
        clock().set(now);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.getApplicationContext().close();
        }
        if (hook != null) {
            hook.close();
        }
    }

    @Test
    void theEhrReceivesEachEventAtLeastOnceWithAStableNumberThroughFailuresAndARestart() throws Exception {
        clock().set(now); // the other tests move the clock on
        String unit = "unit-" + UUID.randomUUID();
        String other = "unit-" + UUID.randomUUID();
        FhirTestClient ehr = client().as(tokens.system("demo-ehr", EHR_SCOPES));
        String sharedPath = "/hooks/" + UUID.randomUUID();
        String scoresPath = "/hooks/" + UUID.randomUUID();
        String otherPath = "/hooks/" + UUID.randomUUID();

        // subscribe: the shared responses of the unit in full, its scores by id, and another unit's responses
        Reply created = ehr.post("/fhir/Subscription", subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit,
                hook.url(sharedPath), "full-resource", 120));
        assertEquals(201, created.status(), created.body());
        Subscription shared = created.resource(Subscription.class);
        assertEquals(Subscription.SubscriptionStatus.REQUESTED, shared.getStatus(), "requested until the handshake");
        assertEquals("Authorization: ***", shared.getChannel().getHeader().get(0).getValue(), "a header's value is never shown");
        assertTrue(created.header("Location").endsWith("/fhir/Subscription/" + shared.getIdPart()), created.header("Location"));
        assertEquals("full-resource", shared.getChannel().getPayloadElement().getExtensionByUrl(BACKPORT + "backport-payload-content")
                .getValue().primitiveValue());
        String scores = ehr.post("/fhir/Subscription", subscription(SCORE_CREATED, "Observation", unit, hook.url(scoresPath),
                "id-only", null)).resource(Subscription.class).getIdPart();
        assertEquals(201, ehr.post("/fhir/Subscription", subscription(RESPONSE_SHARED, "QuestionnaireResponse", other,
                hook.url(otherPath), "id-only", null)).status());

        // the channel header is stored encrypted (AES-GCM), and never shown again
        String stored = Db.strings(dataSource(), "SELECT headers FROM subscription WHERE id = ?", shared.getIdPart()).get(0);
        assertTrue(stored.startsWith("v1:"), stored);
        assertFalse(stored.contains("ehr-inbox-secret") || stored.contains("Bearer") || stored.contains("Authorization"), stored);
        Subscription readBack = ehr.get("/fhir/Subscription/" + shared.getIdPart()).resource(Subscription.class);
        assertEquals(List.of("Authorization: ***"), readBack.getChannel().getHeader().stream().map(StringType::getValue).toList());
        assertFalse(ehr.get("/fhir/Subscription").body().contains("ehr-inbox-secret"));

        // the handshake (R4 Subscriptions Backport): each endpoint answers 200, and the subscriptions become active
        SubscriptionSender.Round handshakes = sender().sendDue();
        assertEquals(3, handshakes.handshakes(), handshakes.toString());
        for (String path : List.of(sharedPath, scoresPath, otherPath)) {
            List<HookStub.Received> received = hook.to(path);
            assertEquals(1, received.size());
            assertEquals("Bearer ehr-inbox-secret", received.get(0).authorization(), "the handshake carries the header too");
            Parameters handshake = (Parameters) FhirTestClient.parse(Bundle.class, received.get(0).body()).getEntryFirstRep().getResource();
            assertEquals("handshake", handshake.getParameter("type").getValue().primitiveValue());
            assertEquals("requested", handshake.getParameter("status").getValue().primitiveValue());
            assertEquals("0", handshake.getParameter("events-since-subscription-start").getValue().primitiveValue());
        }
        assertEquals(Subscription.SubscriptionStatus.ACTIVE,
                ehr.get("/fhir/Subscription/" + shared.getIdPart()).resource(Subscription.class).getStatus());

        // a patient answers for the unit and shares the answer: the events are written with the decision
        String patientId = "sub-" + UUID.randomUUID();
        FhirTestClient patient = client().as(tokens.patient(patientId));
        String responseId = answer(patient, patientId, unit);
        assertEquals(0, notified(sharedPath).size());
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        assertEquals(List.of("1"), Db.strings(dataSource(), "SELECT event_number FROM subscription_event WHERE subscription_id = ?",
                shared.getIdPart()));
        long scoreCount = Db.count(dataSource(), "SELECT COUNT(*) FROM observation WHERE response_id = ?", responseId);
        assertTrue(scoreCount > 1, "the demo PROM has several scores");
        assertEquals(Db.strings(dataSource(), "SELECT id FROM observation WHERE response_id = ? ORDER BY id", responseId).toString(),
                Db.strings(dataSource(), "SELECT focus_id FROM subscription_event WHERE subscription_id = ? ORDER BY focus_id", scores).toString());

        // the EHR's endpoint is down for the shared responses (twice 503); the scores go through
        hook.script(sharedPath, 503, 503);
        SubscriptionSender.Round first = sender().sendDue();
        assertEquals(1, first.retried(), first.toString());
        assertEquals(scoreCount, first.delivered(), first.toString());
        assertEquals(scoreCount, notified(scoresPath).size(), () -> notified(scoresPath).stream().map(r -> r.answered() + " "
                + r.body().replaceAll("^.*event-number\",\"valueString\":\"([0-9]+)\".*$", "$1")).toList() + " " + hook.all().size());
        assertEquals(0, notified(otherPath).size(), "another unit's subscription hears nothing");
        assertEquals("error", status(ehr, shared.getIdPart()).getParameter("status").getValue().primitiveValue());

        // the service restarts on the same database: the event is still owed, with the same number
        restart();
        ehr = client().as(tokens.system("demo-ehr", EHR_SCOPES));
        patient = client().as(tokens.patient(patientId));
        assertEquals(0, sender().sendDue().claimed(), "not before its backoff");
        clock().set(now.plus(Duration.ofSeconds(31)));
        assertEquals(1, sender().sendDue().retried());
        clock().set(now.plus(Duration.ofMinutes(5)));
        assertEquals(1, sender().sendDue().delivered());
        List<HookStub.Received> attempts = notified(sharedPath);
        assertEquals(List.of(503, 503, 200), attempts.stream().map(HookStub.Received::answered).toList());
        for (HookStub.Received attempt : attempts) {
            assertTrue(attempt.contentType().startsWith("application/fhir+json"), attempt.contentType());
            assertEquals("Bearer ehr-inbox-secret", attempt.authorization(), "the channel's header goes along");
            Bundle notification = FhirTestClient.parse(Bundle.class, attempt.body());
            assertEquals(Bundle.BundleType.HISTORY, notification.getType());
            Parameters status = (Parameters) notification.getEntryFirstRep().getResource();
            assertEquals("event-notification", status.getParameter("type").getValue().primitiveValue());
            assertEquals("1", status.getParameter("events-since-subscription-start").getValue().primitiveValue());
            assertEquals(RESPONSE_SHARED, status.getParameter("topic").getValue().primitiveValue());
            Parameters.ParametersParameterComponent event = status.getParameter("notification-event");
            assertEquals("1", part(event, "event-number").primitiveValue(), "the same event number on every attempt");
            assertTrue(((Reference) part(event, "focus")).getReference().endsWith("/fhir/QuestionnaireResponse/" + responseId));
            QuestionnaireResponse focus = (QuestionnaireResponse) notification.getEntry().get(1).getResource();
            assertEquals(responseId, focus.getIdPart());
            assertEquals("Patient/" + patientId, focus.getSubject().getReference());
        }
        assertEquals("active", status(ehr, shared.getIdPart()).getParameter("status").getValue().primitiveValue());

        // GDPR: every attempt left an audit row (operation notify): the subscriber, the subscription, the response it
        // carried in full and its patient, event number and outcome, read like any other row through AuditEvent
        FhirTestClient admin = client().as(tokens.admin());
        Bundle trail = admin.get("/fhir/AuditEvent?entity=QuestionnaireResponse/" + responseId + "&agent=demo-ehr").resource(Bundle.class);
        List<AuditEvent> notifyRows = trail.getEntry().stream().map(e -> (AuditEvent) e.getResource())
                .filter(e -> e.getSubtypeFirstRep().getCode().equals("notify")).toList();
        assertEquals(3, notifyRows.size(), trail.getEntry().size() + " rows");
        assertEquals(List.of("0", "4", "4"), notifyRows.stream().map(e -> e.getOutcome().toCode()).toList(), "newest first");
        for (AuditEvent row : notifyRows) {
            assertEquals("demo-ehr", row.getAgentFirstRep().getWho().getIdentifier().getValue());
            List<String> what = row.getEntity().stream().map(e -> e.getWhat().getReference()).filter(java.util.Objects::nonNull).toList();
            assertTrue(what.containsAll(List.of("Subscription/" + shared.getIdPart(), "QuestionnaireResponse/" + responseId,
                    "Patient/" + patientId)), what.toString());
            assertTrue(row.getOutcomeDesc().contains("event 1"), row.getOutcomeDesc());
            assertTrue(row.getOutcomeDesc().contains("in full"), row.getOutcomeDesc());
        }
        assertTrue(notifyRows.get(0).getOutcomeDesc().startsWith("HTTP 200"), notifyRows.get(0).getOutcomeDesc());
        assertTrue(notifyRows.get(0).getOutcomeDesc().contains("delivered"), notifyRows.get(0).getOutcomeDesc());
        assertTrue(notifyRows.get(2).getOutcomeDesc().startsWith("HTTP 503"), notifyRows.get(2).getOutcomeDesc());
        Bundle byPatient = admin.get("/fhir/AuditEvent?patient=" + patientId + "&action=E").resource(Bundle.class);
        assertEquals(3 + scoreCount, byPatient.getEntry().size(), "the scores' id-only notifications name the patient's data too");

        // id-only: the scores' notifications name each Observation and carry none
        for (HookStub.Received r : notified(scoresPath)) {
            Bundle notification = FhirTestClient.parse(Bundle.class, r.body());
            assertEquals(2, notification.getEntry().size());
            assertTrue(notification.getEntry().get(1).getFullUrl().contains("/fhir/Observation/"));
            assertFalse(notification.getEntry().get(1).hasResource());
        }
        Observation read = ehr.get("/fhir/Observation/" + last(notified(scoresPath).get(0).body())).resource(Observation.class);
        assertEquals("Patient/" + patientId, read.getSubject().getReference());

        // the next event continues the numbering kept across the restart
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$withdraw-share", "").status());
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        assertTrue(sender().sendDue().delivered() >= 1);
        Parameters second = (Parameters) FhirTestClient.parse(Bundle.class, last(notified(sharedPath)).body()).getEntryFirstRep().getResource();
        assertEquals("2", part(second.getParameter("notification-event"), "event-number").primitiveValue());
        Parameters now2 = status(ehr, shared.getIdPart());
        assertEquals("2", now2.getParameter("events-since-subscription-start").getValue().primitiveValue());
        assertEquals("query-status", now2.getParameter("type").getValue().primitiveValue());

        // withdrawn before delivery: the notification keeps its number but carries nothing the EHR may no longer read
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$withdraw-share", "").status());
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$withdraw-share", "").status());
        sender().sendDue();
        Bundle withdrawn = FhirTestClient.parse(Bundle.class, last(notified(sharedPath)).body());
        Parameters third = (Parameters) withdrawn.getEntryFirstRep().getResource();
        assertEquals("3", part(third.getParameter("notification-event"), "event-number").primitiveValue());
        assertNull(part(third.getParameter("notification-event"), "focus"));
        assertEquals(1, withdrawn.getEntry().size());

        // heartbeat after the period without notifications
        int before = notified(sharedPath).size();
        clock().set(now.plus(Duration.ofMinutes(5)).plusSeconds(121));
        assertTrue(sender().sendDue().heartbeats() >= 1);
        List<HookStub.Received> afterHeartbeat = notified(sharedPath);
        assertEquals(before + 1, afterHeartbeat.size());
        Parameters heartbeat = (Parameters) FhirTestClient.parse(Bundle.class, last(afterHeartbeat).body()).getEntryFirstRep().getResource();
        assertEquals("heartbeat", heartbeat.getParameter("type").getValue().primitiveValue());
        assertEquals("3", heartbeat.getParameter("events-since-subscription-start").getValue().primitiveValue());
        assertEquals(0, sender().sendDue().heartbeats(), "one heartbeat per period");

        // the subscription is the EHR's alone; deleting it ends the notifications
        FhirTestClient warehouse = client().as(tokens.system("demo-warehouse", "system/QuestionnaireResponse.rs"));
        warehouse.get("/fhir/Subscription/" + shared.getIdPart()).outcome(404);
        warehouse.get("/fhir/Subscription/" + shared.getIdPart() + "/$status").outcome(404);
        assertEquals(0, warehouse.get("/fhir/Subscription").resource(Bundle.class).getEntry().size());
        Bundle mine = ehr.get("/fhir/Subscription?status=active").resource(Bundle.class);
        assertTrue(mine.getEntry().stream().anyMatch(e -> e.getResource().getIdPart().equals(shared.getIdPart())));
        // _lastUpdated as on every search (meta.lastUpdated of the stored subscription)
        java.time.Instant updated = ehr.get("/fhir/Subscription/" + shared.getIdPart()).resource(Subscription.class)
                .getMeta().getLastUpdated().toInstant();
        assertTrue(ehr.get("/fhir/Subscription?_lastUpdated=eq" + updated).resource(Bundle.class).getEntry().stream()
                .anyMatch(e -> e.getResource().getIdPart().equals(shared.getIdPart())));
        assertTrue(ehr.get("/fhir/Subscription?_lastUpdated=gt" + updated).resource(Bundle.class).getEntry().stream()
                .noneMatch(e -> e.getResource().getIdPart().equals(shared.getIdPart())));
        ehr.get("/fhir/Subscription?_lastUpdated=soon").outcome(400);
        assertEquals(200, ehr.delete("/fhir/Subscription/" + shared.getIdPart()).status());
        ehr.get("/fhir/Subscription/" + shared.getIdPart()).outcome(404);
        assertEquals(0, Db.count(dataSource(), "SELECT COUNT(*) FROM subscription_event WHERE subscription_id = ?", shared.getIdPart()));
    }

    @Test
    void aFailedHandshakeLeavesTheSubscriptionInErrorWithoutEventsUntilARetrySucceeds() {
        Instant base = now.plus(Duration.ofDays(1));
        clock().set(base);
        String unit = "unit-" + UUID.randomUUID();
        String path = "/hooks/" + UUID.randomUUID();
        FhirTestClient ehr = client().as(tokens.system("demo-ehr", EHR_SCOPES));
        hook.script(path, 500);
        String id = ehr.post("/fhir/Subscription", subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit, hook.url(path),
                "id-only", null)).resource(Subscription.class).getIdPart();
        assertEquals(1, sender().sendDue().handshakes());
        Subscription failed = ehr.get("/fhir/Subscription/" + id).resource(Subscription.class);
        assertEquals(Subscription.SubscriptionStatus.ERROR, failed.getStatus());
        assertTrue(failed.getError().contains("handshake") && failed.getError().contains("500"), failed.getError());

        // a share meanwhile raises nothing for it: the endpoint has not yet shown it is there
        String patientId = "sub-" + UUID.randomUUID();
        FhirTestClient patient = client().as(tokens.patient(patientId));
        String responseId = answer(patient, patientId, unit);
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        assertEquals(0, Db.count(dataSource(), "SELECT COUNT(*) FROM subscription_event WHERE subscription_id = ?", id));

        assertEquals(0, sender().sendDue().handshakes(), "not before its backoff");
        clock().set(base.plusSeconds(31));
        assertEquals(1, sender().sendDue().handshakes());
        assertEquals(List.of(500, 200), hook.to(path).stream().map(HookStub.Received::answered).toList());
        Subscription active = ehr.get("/fhir/Subscription/" + id).resource(Subscription.class);
        assertEquals(Subscription.SubscriptionStatus.ACTIVE, active.getStatus());
        assertFalse(active.hasError());
        assertEquals(200, ehr.delete("/fhir/Subscription/" + id).status());
    }

    @Test
    void aWithdrawnShareIsNotifiedByReferenceToThoseWhoCouldReadIt() {
        Instant base = now.plus(Duration.ofDays(2));
        clock().set(base);
        String unit = "unit-" + UUID.randomUUID();
        String path = "/hooks/" + UUID.randomUUID();
        FhirTestClient ehr = client().as(tokens.system("demo-ehr", EHR_SCOPES));
        assertTrue(ehr.post("/fhir/Subscription", subscription(SHARING_WITHDRAWN, "QuestionnaireResponse", unit, hook.url(path),
                "full-resource", null)).outcome(422).contains("id-only"), "a withdrawn response is never sent in full");
        String id = ehr.post("/fhir/Subscription", subscription(SHARING_WITHDRAWN, "QuestionnaireResponse", unit, hook.url(path),
                "id-only", null)).resource(Subscription.class).getIdPart();
        assertEquals(1, sender().sendDue().handshakes());

        String patientId = "sub-" + UUID.randomUUID();
        FhirTestClient patient = client().as(tokens.patient(patientId));
        String responseId = answer(patient, patientId, unit);
        // withdrawing what was never shared is no event; sharing is no event of this topic
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$withdraw-share", "").status());
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        assertEquals(0, Db.count(dataSource(), "SELECT COUNT(*) FROM subscription_event WHERE subscription_id = ?", id));
        assertEquals(200, patient.post("/fhir/QuestionnaireResponse/" + responseId + "/$withdraw-share", "").status());
        assertEquals(1, sender().sendDue().delivered());

        List<HookStub.Received> received = notified(path);
        assertEquals(1, received.size());
        Bundle notification = FhirTestClient.parse(Bundle.class, received.get(0).body());
        Parameters status = (Parameters) notification.getEntryFirstRep().getResource();
        assertEquals(SHARING_WITHDRAWN, status.getParameter("topic").getValue().primitiveValue());
        assertTrue(((Reference) part(status.getParameter("notification-event"), "focus")).getReference()
                .endsWith("/fhir/QuestionnaireResponse/" + responseId));
        Bundle.BundleEntryComponent entry = notification.getEntry().get(1);
        assertFalse(entry.hasResource(), "by reference only");
        assertEquals(Bundle.HTTPVerb.DELETE, entry.getRequest().getMethod(), "the subscriber drops its copy");
        assertEquals("QuestionnaireResponse/" + responseId, entry.getRequest().getUrl());
        ehr.get("/fhir/QuestionnaireResponse/" + responseId).outcome(404);

        Bundle trail = client().as(tokens.admin()).get("/fhir/AuditEvent?entity=Subscription/" + id).resource(Bundle.class);
        List<AuditEvent> rows = trail.getEntry().stream().map(e -> (AuditEvent) e.getResource())
                .filter(e -> e.getSubtypeFirstRep().getCode().equals("notify")).toList();
        assertEquals(1, rows.size(), "the handshake discloses nothing and is not audited; the withdrawal is");
        assertTrue(rows.get(0).getEntity().stream().anyMatch(e -> ("QuestionnaireResponse/" + responseId).equals(e.getWhat().getReference())));
        assertTrue(rows.get(0).getOutcomeDesc().contains("by reference"), rows.get(0).getOutcomeDesc());
        assertEquals(200, ehr.delete("/fhir/Subscription/" + id).status());
    }

    @Test
    void onlyBackendClientsSubscribeAndOnlyAsTheIgWritesIt() {
        String unit = "unit-" + UUID.randomUUID();
        Subscription good = subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit, hook.url("/hooks/x"), "id-only", null);
        client().post("/fhir/Subscription", good).outcome(401);
        client().as(tokens.patient("p-" + UUID.randomUUID())).post("/fhir/Subscription", good).outcome(403);
        client().as(tokens.clinician(unit)).post("/fhir/Subscription", good).outcome(403);
        client().as(tokens.system("tasks-only", "system/Task.crs")).post("/fhir/Subscription", good).outcome(403);
        FhirTestClient ehr = client().as(tokens.system("demo-ehr", EHR_SCOPES));

        Subscription unknownTopic = subscription("https://example.org/SubscriptionTopic/x", "QuestionnaireResponse", unit,
                hook.url("/hooks/x"), "id-only", null);
        assertTrue(ehr.post("/fhir/Subscription", unknownTopic).outcome(422).contains("Unknown topic"));
        Subscription plainHttp = subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit, "http://ehr.example/hook", "id-only", null);
        assertTrue(ehr.post("/fhir/Subscription", plainHttp).outcome(422).contains("https"));
        Subscription badFilter = subscription(RESPONSE_SHARED, "Observation", unit, hook.url("/hooks/x"), "id-only", null);
        assertTrue(ehr.post("/fhir/Subscription", badFilter).outcome(422).contains("service-unit"));
        Subscription badContent = subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit, hook.url("/hooks/x"), "everything", null);
        ehr.post("/fhir/Subscription", badContent).outcome(422);
        Subscription websocket = subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit, hook.url("/hooks/x"), "id-only", null);
        websocket.getChannel().setType(Subscription.SubscriptionChannelType.WEBSOCKET);
        ehr.post("/fhir/Subscription", websocket).outcome(422);
        Subscription fastHeartbeat = subscription(RESPONSE_SHARED, "QuestionnaireResponse", unit, hook.url("/hooks/x"), "id-only", 5);
        ehr.post("/fhir/Subscription", fastHeartbeat).outcome(422);
        ehr.post("/fhir/Subscription", "{\"resourceType\":\"Patient\"}").outcome(400);
        ehr.get("/fhir/Subscription?endpoint=x").outcome(400);
        assertEquals(0, Db.count(dataSource(), "SELECT COUNT(*) FROM subscription WHERE unit_refs = ?", "Organization/" + unit),
                "nothing half-written");
    }

    @Test
    void theTopicsAreListedAsBasicResourcesAndInTheStatement() {
        Bundle topics = client().get("/fhir/SubscriptionTopic").resource(Bundle.class);
        assertEquals(3, topics.getTotal());
        List<String> urls = topics.getEntry().stream().map(e -> ((Basic) e.getResource())
                .getExtensionByUrl("http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url").getValue().primitiveValue()).toList();
        assertEquals(List.of(RESPONSE_SHARED, SCORE_CREATED, SHARING_WITHDRAWN), urls);
        org.hl7.fhir.r4.model.CapabilityStatement cs = client().get("/fhir/metadata").resource(org.hl7.fhir.r4.model.CapabilityStatement.class);
        var subscription = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Subscription")).findFirst().orElseThrow();
        assertEquals(List.of(RESPONSE_SHARED, SCORE_CREATED, SHARING_WITHDRAWN), subscription.getExtensionsByUrl(BACKPORT
                + "capabilitystatement-subscriptiontopic-canonical").stream().map(e -> e.getValue().primitiveValue()).toList());
    }

    static Subscription subscription(String topic, String type, String unit, String endpoint, String content, Integer heartbeat) {
        Subscription s = new Subscription();
        s.getMeta().addProfile(BACKPORT + "backport-subscription");
        s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        s.setReason("EHR inbox of " + unit);
        s.setCriteria(topic);
        s.getCriteriaElement().addExtension(BACKPORT + "backport-filter-criteria",
                new StringType(type + "?service-unit=Organization/" + unit));
        Subscription.SubscriptionChannelComponent channel = s.getChannel();
        channel.setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint(endpoint).setPayload("application/fhir+json");
        channel.getPayloadElement().addExtension(BACKPORT + "backport-payload-content", new CodeType(content));
        if (heartbeat != null) {
            channel.addExtension(BACKPORT + "backport-heartbeat-period", new UnsignedIntType(heartbeat));
        }
        channel.addHeader("Authorization: Bearer ehr-inbox-secret");
        return s;
    }

    private String answer(FhirTestClient patient, String patientId, String unit) {
        Questionnaire prom = client().get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        QuestionnaireResponse answers = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", "Patient/" + patientId);
        answers.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        Reply stored = patient.post("/fhir/QuestionnaireResponse", answers);
        assertEquals(201, stored.status(), stored.body());
        return stored.resource(QuestionnaireResponse.class).getIdPart();
    }

    /** What an endpoint received apart from the handshake. */
    private List<HookStub.Received> notified(String path) {
        return hook.to(path).stream().filter(r -> !r.body().contains("\"valueCode\":\"handshake\"")).toList();
    }

    private Parameters status(FhirTestClient ehr, String id) {
        Reply reply = ehr.get("/fhir/Subscription/" + id + "/$status");
        assertEquals(200, reply.status(), reply.body());
        Bundle bundle = reply.resource(Bundle.class);
        assertEquals(Bundle.BundleType.SEARCHSET, bundle.getType());
        return (Parameters) bundle.getEntryFirstRep().getResource();
    }

    private static org.hl7.fhir.r4.model.Type part(Parameters.ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream().filter(p -> p.getName().equals(name)).map(Parameters.ParametersParameterComponent::getValue)
                .findFirst().orElse(null);
    }

    private static <T> T last(List<T> list) {
        assertFalse(list.isEmpty());
        return list.get(list.size() - 1);
    }

    /** The Observation id named by an id-only notification. */
    private static String last(String notificationBody) {
        String url = FhirTestClient.parse(Bundle.class, notificationBody).getEntry().get(1).getFullUrl();
        assertNotNull(url);
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private void restart() {
        server.getApplicationContext().close();
        Map<String, Object> again = new HashMap<>(properties);
        again.put("flyway.datasources.default.clean-schema", "false");
        server = ApplicationContext.run(EmbeddedServer.class, again);
        tokens = new Tokens(server.getApplicationContext().getBean(DevTokenIssuer.class));
        clock().set(now);
    }

    private FhirTestClient client() {
        return new FhirTestClient(server);
    }

    private SubscriptionSender sender() {
        return server.getApplicationContext().getBean(SubscriptionSender.class);
    }

    private SettableClock clock() {
        return server.getApplicationContext().getBean(SettableClock.class);
    }

    private DataSource dataSource() {
        return server.getApplicationContext().getBean(DataSource.class);
    }
}
