package fi.vointi.invitations;

import fi.vointi.messaging.SettableClock;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code meta.lastUpdated} of an invitation (Task) and {@code _lastUpdated} search on {@code GET /fhir/Task}: the
 * time it was made, then the time it was answered, by the server's clock (moved by the test).
 */
@MicronautTest(transactional = false)
@Property(name = "vointi.test.settable-clock", value = "true")
class TaskLastUpdatedTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    SettableClock clock;

    @Test
    void lastUpdatedIsCreatedThenAnsweredAndSearchable() {
        Tokens tokens = new Tokens(issuer);
        String unit = "unit-" + UUID.randomUUID();
        String patientId = UUID.randomUUID().toString();
        FhirTestClient anonymous = new FhirTestClient(server);
        FhirTestClient clinician = anonymous.as(tokens.clinician(unit));
        Questionnaire prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);

        Instant made = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        clock.set(made);
        Task waiting = invite(clinician, patientId);
        Task answered = invite(clinician, patientId);
        assertEquals(made, waiting.getMeta().getLastUpdated().toInstant());

        Instant answeredAt = made.plus(Duration.ofDays(2));
        clock.set(answeredAt);
        var reply = anonymous.post("/invitation/" + InvitationApiTest.token(answered) + "/QuestionnaireResponse",
                ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                        .build("completed", null));
        assertEquals(201, reply.status(), reply.body());
        Task later = invite(clinician, patientId);

        // a read shows the stored time of the last change
        assertEquals(made, read(clinician, waiting).getMeta().getLastUpdated().toInstant());
        Task done = read(clinician, answered);
        assertEquals(Task.TaskStatus.COMPLETED, done.getStatus());
        assertEquals(answeredAt, done.getMeta().getLastUpdated().toInstant());

        String patient = "/fhir/Task?patient=" + patientId;
        Instant between = made.plus(Duration.ofDays(1));
        assertEquals(List.of(id(waiting)), ids(clinician, patient + "&_lastUpdated=lt" + between));
        assertEquals(List.of(id(later), id(answered)), ids(clinician, patient + "&_lastUpdated=gt" + between));
        assertEquals(List.of(id(later), id(answered)), ids(clinician, patient + "&_lastUpdated=ge" + answeredAt));
        assertEquals(List.of(id(later), id(answered)), ids(clinician, patient + "&_lastUpdated=eq" + answeredAt));
        assertEquals(List.of(id(waiting)), ids(clinician, patient + "&_lastUpdated=le" + made));
        // repeated parameters all apply: a window
        assertEquals(List.of(), ids(clinician, patient + "&_lastUpdated=gt" + made + "&_lastUpdated=lt" + answeredAt));
        assertEquals(3, ids(clinician, patient + "&_lastUpdated=ge" + made.minus(Duration.ofDays(1))
                + "&_lastUpdated=le" + answeredAt.plus(Duration.ofDays(1))).size());
        // with status, and the total
        Bundle completed = clinician.get(patient + "&status=completed&_lastUpdated=gt" + between + "&_total=accurate")
                .resource(Bundle.class);
        assertEquals(1, completed.getTotal());

        String refused = clinician.get(patient + "&_lastUpdated=yesterday").outcome(400);
        assertTrue(refused.contains("_lastUpdated"), refused);
        clinician.get(patient + "&_lastUpdated=ap" + made).outcome(400);
        clock.set(Instant.now());
    }

    private static Task invite(FhirTestClient clinician, String patientId) {
        var reply = clinician.post("/fhir/Task", InvitationApiTest.invitation(patientId, InvitationApiTest.PROM_URL));
        assertEquals(201, reply.status(), reply.body());
        return reply.resource(Task.class);
    }

    private static Task read(FhirTestClient client, Task task) {
        return client.get("/fhir/Task/" + id(task)).resource(Task.class);
    }

    private static String id(Task task) {
        return task.getIdElement().getIdPart();
    }

    /** The ids found, newest first. */
    private static List<String> ids(FhirTestClient client, String query) {
        var reply = client.get(query);
        assertEquals(200, reply.status(), reply.body());
        return reply.resource(Bundle.class).getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }
}
