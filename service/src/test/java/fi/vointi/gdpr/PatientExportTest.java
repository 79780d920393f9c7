package fi.vointi.gdpr;

import ca.uhn.fhir.context.FhirContext;
import fi.vointi.catalog.ProfileValidator;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientExportTest {
    @Inject
    EmbeddedServer server;
    @Inject
    DataSource dataSource;
    @Inject
    DevTokenIssuer issuer;

    Tokens tokens;
    FhirTestClient anonymous;
    final String patientA = GdprFixtures.newPatient("export-a");
    final String patientB = GdprFixtures.newPatient("export-b");
    String responseA;
    String responseB;
    String taskA;

    @BeforeAll
    void storeData() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        GdprFixtures fixtures = new GdprFixtures(anonymous, tokens, dataSource);
        responseA = fixtures.storedResponse(patientA);
        responseB = fixtures.storedResponse(patientB);
        taskA = fixtures.invitation(patientA, Instant.now().plusSeconds(86400));
        fixtures.invitation(patientB, Instant.now().plusSeconds(86400));
        // One event touching both patients: an EHR client reading both shared responses in one search.
        Reply search = anonymous.as(tokens.system("ehr-gdpr", "system/QuestionnaireResponse.rs"))
                .get(GdprFixtures.QR + "?_id=" + responseA + "," + responseB);
        assertEquals(200, search.status(), search.body());
        assertEquals(2, search.resource(Bundle.class).getEntry().size());
    }

    @Test
    void patientGetsAllTheirDataAndNothingOfOthers() {
        Reply reply = anonymous.as(tokens.patient(patientA)).get("/fhir/Patient/" + patientA + "/$everything");
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").startsWith(FhirTestClient.FHIR_JSON));
        Bundle bundle = reply.resource(Bundle.class);
        assertEquals(Bundle.BundleType.COLLECTION, bundle.getType());

        List<QuestionnaireResponse> responses = of(bundle, QuestionnaireResponse.class);
        assertEquals(List.of("2", "1"), responses.stream().map(r -> r.getMeta().getVersionId()).toList(),
                "the current version, then the earlier one");
        responses.forEach(r -> {
            assertEquals(responseA, r.getIdElement().getIdPart());
            assertEquals("Patient/" + patientA, r.getSubject().getReference());
        });
        assertEquals("amended", responses.get(0).getStatus().toCode());
        assertEquals("completed", responses.get(1).getStatus().toCode());
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            String relative = "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            if (resource instanceof QuestionnaireResponse r && r.getMeta().getVersionId().equals("1")) {
                assertTrue(entry.getFullUrl().startsWith("urn:uuid:"), "an earlier version: " + entry.getFullUrl());
                assertTrue(entry.getLinkFirstRep().getUrl().endsWith(relative + "/_history/1"), entry.getLinkFirstRep().getUrl());
            } else {
                assertTrue(entry.getFullUrl().endsWith(relative), entry.getFullUrl());
            }
        }

        List<Consent> consents = of(bundle, Consent.class);
        assertEquals(1, consents.size());
        assertEquals("QuestionnaireResponse/" + responseA, consents.get(0).getProvision().getDataFirstRep().getReference().getReference());
        assertEquals("Organization/unit-gdpr", consents.get(0).getProvision().getActorFirstRep().getReference().getReference());

        List<org.hl7.fhir.r4.model.Observation> scores = of(bundle, org.hl7.fhir.r4.model.Observation.class);
        assertEquals(4, scores.size(), "the current version of each score of the response");
        scores.forEach(o -> {
            assertEquals("amended", o.getStatus().toCode());
            assertEquals("QuestionnaireResponse/" + responseA + "/_history/2", o.getDerivedFromFirstRep().getReference());
        });

        assertEquals(List.of(taskA), of(bundle, Task.class).stream().map(t -> t.getIdElement().getIdPart()).toList());

        List<AuditEvent> events = of(bundle, AuditEvent.class);
        Set<String> operations = events.stream().map(e -> e.getSubtypeFirstRep().getCode()).collect(Collectors.toSet());
        assertTrue(operations.containsAll(Set.of("create", "update", "share", "search")), operations.toString());
        AuditEvent ehrSearch = events.stream().filter(e -> e.getAgentFirstRep().getWho().getDisplay().equals("ehr-gdpr"))
                .findFirst().orElseThrow();
        assertEquals(Set.of("QuestionnaireResponse/" + responseA, "Patient/" + patientA), ehrSearch.getEntity().stream()
                .map(e -> e.getWhat().getReference()).collect(Collectors.toSet()), "the other patient's part is left out");

        assertFalse(reply.body().contains(patientB), "nothing about patient B");
        assertFalse(reply.body().contains(responseB), "nothing about patient B's response");
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE e.operation = 'export' AND e.outcome = '0' AND p.patient_id = ?", patientA) >= 1, "export audited");
    }

    @Test
    void exportIsValidFhir() {
        Bundle bundle = anonymous.as(tokens.admin()).get("/fhir/Patient/" + patientA + "/$everything").resource(Bundle.class);
        var errors = new ProfileValidator(FhirContext.forR4Cached(), List.of()).errors(bundle, List.of());
        assertEquals(List.of(), errors.stream().map(m -> m.getLocationString() + ": " + m.getMessage()).toList());
    }

    @Test
    void adminAndGuardianMayExportAlsoWithPost() {
        for (String token : List.of(tokens.admin(), tokens.guardian(patientA))) {
            Reply get = anonymous.as(token).get("/fhir/Patient/" + patientA + "/$everything?_pretty=true");
            assertEquals(200, get.status(), get.body());
            assertEquals(2, of(get.resource(Bundle.class), QuestionnaireResponse.class).size());
            Reply post = anonymous.as(token).post("/fhir/Patient/" + patientA + "/$everything", "");
            assertEquals(200, post.status(), post.body());
            assertEquals(1, of(post.resource(Bundle.class), Consent.class).size());
            assertFalse(post.body().contains(patientB));
        }
    }

    @Test
    void othersAreRefused() {
        String path = "/fhir/Patient/" + patientA + "/$everything";
        assertTrue(anonymous.as(tokens.patient(patientB)).get(path).outcome(403).contains("export"));
        anonymous.as(tokens.guardian(patientB)).get(path).outcome(403);
        anonymous.as(tokens.clinician("unit-gdpr")).get(path).outcome(403);
        anonymous.as(tokens.system("ehr-gdpr", "system/QuestionnaireResponse.rs")).get(path).outcome(403);
        anonymous.get(path).outcome(401);
        anonymous.post(path, "").outcome(401);
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event e JOIN audit_event_patient p ON p.event_id = e.id"
                + " WHERE e.operation = 'export' AND e.http_status = 403 AND p.patient_id = ?", patientA) >= 4,
                "refused attempts are in the patient's access log");
    }

    @Test
    void unknownParametersAreRefused() {
        FhirTestClient patient = anonymous.as(tokens.patient(patientA));
        assertTrue(patient.get("/fhir/Patient/" + patientA + "/$everything?_since=2026-01-01").outcome(400).contains("_since"));
        patient.post("/fhir/Patient/" + patientA + "/$everything",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_count\",\"valueInteger\":1}]}").outcome(400);
    }

    @Test
    void patientWithNothingStoredGetsAnEmptyCollection() {
        String nobody = GdprFixtures.newPatient("export-nobody");
        Bundle bundle = anonymous.as(tokens.admin()).get("/fhir/Patient/" + nobody + "/$everything").resource(Bundle.class);
        assertEquals(Bundle.BundleType.COLLECTION, bundle.getType());
        assertTrue(bundle.getEntry().stream().allMatch(e -> e.getResource() instanceof AuditEvent));
    }

    static <T extends Resource> List<T> of(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }
}
