package fi.vointi.fhir;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.RawHttp;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 case 12: no link the service builds comes from the request's Host header. Without vointi.fhir.base-url
 * (tests, dev mode) links point at this server on localhost; outside dev mode the base URL is required at start-up.
 */
@MicronautTest(transactional = false)
class PublicBaseUrlTest {
    private static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;

    @Test
    void aForeignHostHeaderNeverReachesALink() {
        Tokens tokens = new Tokens(issuer);
        String patientId = "host-" + UUID.randomUUID();
        String patient = tokens.patient(patientId);
        FhirTestClient fhir = new FhirTestClient(server);
        Questionnaire prom = fhir.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        String body = fhir.encode(ResponseBuilder.answering(prom).answerAllRequired().answer("pain.any", new BooleanType(false))
                .build("completed", "Patient/" + patientId));
        String local = "http://localhost:" + server.getPort() + "/fhir/";
        Map<String, String> evil = Map.of("Host", "evil.example", "Authorization", "Bearer " + patient,
                "Content-Type", "application/fhir+json", "Accept", "application/fhir+json");

        RawHttp.Response created = RawHttp.send(server, "POST", "/fhir/QuestionnaireResponse", evil, body);
        assertEquals(201, created.status(), created.text());
        assertTrue(created.headers().get("location").startsWith(local), created.headers().get("location"));

        RawHttp.Response search = RawHttp.send(server, "GET", "/fhir/QuestionnaireResponse?patient=" + patientId + "&_count=1",
                Map.of("Host", "evil.example", "Authorization", "Bearer " + patient, "Accept", "application/fhir+json"), null);
        assertEquals(200, search.status(), search.text());
        assertTrue(search.text().contains(local), search.text());
        assertFalse(search.text().contains("evil.example"), search.text());

        RawHttp.Response metadata = RawHttp.send(server, "GET", "/fhir/metadata", Map.of("Host", "evil.example"), null);
        assertFalse(metadata.text().contains("evil.example"));

        Task invitation = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
                .setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)))
                .setFor(new Reference("Patient/" + patientId));
        invitation.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null)))
                .setValue(new CanonicalType(prom.getUrl()));
        RawHttp.Response invited = RawHttp.send(server, "POST", "/fhir/Task", Map.of("Host", "evil.example",
                "Authorization", "Bearer " + tokens.system("host-ehr", "system/Task.crs"),
                "Content-Type", "application/fhir+json", "Accept", "application/fhir+json"), fhir.encode(invitation));
        assertEquals(201, invited.status(), invited.text());
        assertFalse(invited.text().contains("evil.example"), invited.text());
        assertTrue(invited.text().contains("http://localhost:" + server.getPort() + "/invitation/"), invited.text());
        assertTrue(invited.headers().get("location").startsWith(local));
    }

    @Test
    void outsideDevModeTheBaseUrlIsRequired() {
        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> PublicBaseUrlCheck.check(null, Set.of("postgres"), false));
        assertTrue(missing.getMessage().contains("vointi.fhir.base-url"));
        assertThrows(ConfigurationException.class, () -> PublicBaseUrlCheck.check("ftp://x.example", Set.of(), false));
        assertThrows(ConfigurationException.class, () -> PublicBaseUrlCheck.check("https://x.example/fhir?q=1", Set.of(), false));
        assertDoesNotThrow(() -> PublicBaseUrlCheck.check("https://vointi.example-county.fi/fhir", Set.of("postgres"), false));
        assertDoesNotThrow(() -> PublicBaseUrlCheck.check(null, Set.of(Environment.TEST), false));
        assertDoesNotThrow(() -> PublicBaseUrlCheck.check(null, Set.of(), true));
    }
}
