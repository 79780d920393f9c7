package fi.vointi.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Management;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18, health and metrics: the probes and /prometheus on the management port only, the metrics the operator's
 * dashboards need, and one request id in the reply header, the log lines and the incident id of a 500.
 */
@MicronautTest(transactional = false)
class HealthAndMetricsTest {
    @Inject
    EmbeddedServer server;
    @Inject
    ApplicationContext context;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void probesAnswerOnTheManagementPortOnly() {
        HttpResponse<String> readiness = Management.get(context, "/health/readiness");
        assertEquals(200, readiness.statusCode(), readiness.body());
        for (String component : new String[]{"\"migrations\"", "\"catalog\"", "\"jdbc\""}) {
            assertTrue(readiness.body().contains(component), component + " in " + readiness.body());
        }
        assertTrue(readiness.body().contains("\"questionnaires\""), readiness.body());
        assertEquals(200, Management.get(context, "/health/liveness").statusCode());

        FhirTestClient publicPort = new FhirTestClient(server);
        assertNotEquals(server.getPort(), context.getRequiredProperty("endpoints.all.port", Integer.class));
        assertEquals(404, publicPort.get("/health/readiness").status());
        assertEquals(404, publicPort.get("/prometheus").status());
        // nothing but health and prometheus is exposed, not even on the management port
        assertEquals(404, Management.get(context, "/beans").statusCode());
        assertEquals(404, Management.get(context, "/env").statusCode());
    }

    @Test
    void prometheusShowsHttpCatStepsResponsesAuditQueueAndPool() {
        String patientId = "metrics-" + UUID.randomUUID();
        FhirTestClient patient = new FhirTestClient(server).as(new Tokens(issuer).patient(patientId));
        Questionnaire prom = patient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        Reply created = patient.post("/fhir/QuestionnaireResponse", ResponseBuilder.answering(prom).answerAllRequired()
                .build("completed", "Patient/" + patientId));
        assertEquals(201, created.status(), created.body());
        Questionnaire bank = patient.get("/fhir/Questionnaire/demo-everyday-energy-bank").resource(Questionnaire.class);
        QuestionnaireResponse start = new QuestionnaireResponse();
        start.setStatus(QuestionnaireResponseStatus.INPROGRESS);
        start.setQuestionnaire(bank.getUrl() + "|" + bank.getVersion());
        assertEquals(200, new FhirTestClient(server).post("/fhir/Questionnaire/$next-question", start).status());

        HttpResponse<String> scrape = Management.get(context, "/prometheus");
        assertEquals(200, scrape.statusCode());
        String metrics = scrape.body();
        // HTTP by route (the template, not the concrete id) and status
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_count{")
                && l.contains("uri=\"/fhir/QuestionnaireResponse\"") && l.contains("status=\"201\"")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vointi_cat_steps_seconds_count{")
                && l.contains("channel=\"fhir\"") && l.contains("outcome=\"2xx\"")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vointi_responses_stored_total{")
                && l.contains("status=\"completed\"") && !l.endsWith(" 0.0")), metrics);
        assertTrue(metrics.contains("vointi_audit_queue_depth "), metrics);
        assertTrue(metrics.contains("hikaricp_connections_active") || metrics.contains("jdbc_connections_active"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
    }

    @Test
    void everyAnswerCarriesARequestIdAndAWellFormedOneFromTheIngressIsKept() {
        FhirTestClient anonymous = new FhirTestClient(server);
        String first = anonymous.get("/fhir/metadata").header("X-Request-Id");
        String second = anonymous.get("/fhir/metadata").header("X-Request-Id");
        assertTrue(first != null && !first.equals(second), first + " " + second);
        String mine = "ingress-" + UUID.randomUUID();
        Reply kept = anonymous.send(HttpRequest.newBuilder(anonymous.uri("/fhir/nowhere")).GET().header("X-Request-Id", mine));
        assertEquals(404, kept.status());
        assertEquals(mine, kept.header("X-Request-Id"), "refusals carry it too");
        Reply replaced = anonymous.send(HttpRequest.newBuilder(anonymous.uri("/fhir/metadata")).GET()
                .header("X-Request-Id", "short"));
        assertNotEquals("short", replaced.header("X-Request-Id"));
    }

    @Test
    void theIncidentIdOfA500IsTheRequestIdAndItsLogLinesCarryIt() {
        String patientId = "incident-" + UUID.randomUUID();
        FhirTestClient patient = new FhirTestClient(server).as(new Tokens(issuer).patient(patientId));
        Logger auditLogger = (Logger) LoggerFactory.getLogger(fi.vointi.audit.AuditFilter.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        auditLogger.addAppender(captured);
        String requestId = "incident-" + UUID.randomUUID();
        // the audit trail cannot be written (its table is really gone for a moment): the read is withheld with a 500
        Db.update(dataSource, "ALTER TABLE audit_event RENAME TO audit_event_away");
        Reply failed;
        try {
            failed = patient.send(HttpRequest.newBuilder(patient.uri("/fhir/QuestionnaireResponse?patient=" + patientId))
                    .GET().header("Accept", FhirTestClient.FHIR_JSON).header("X-Request-Id", requestId));
        } finally {
            Db.update(dataSource, "ALTER TABLE audit_event_away RENAME TO audit_event");
            auditLogger.detachAppender(captured);
        }
        String diagnostics = failed.outcome(500);
        assertTrue(diagnostics.contains("incident " + requestId), diagnostics);
        assertEquals(requestId, failed.header("X-Request-Id"));
        assertTrue(captured.list.stream().anyMatch(e -> e.getFormattedMessage().contains(requestId)
                && requestId.equals(e.getMDCPropertyMap().get(RequestIds.MDC_KEY))), "the log line names the incident"
                + " and carries the request id in the MDC: " + captured.list);
    }
}
