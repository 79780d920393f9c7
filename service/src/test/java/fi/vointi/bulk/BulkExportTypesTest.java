package fi.vointi.bulk;

import fi.vointi.responses.ResponseService;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static fi.vointi.bulk.BulkExportSupport.answer;
import static fi.vointi.bulk.BulkExportSupport.downloadAll;
import static fi.vointi.bulk.BulkExportSupport.ids;
import static fi.vointi.bulk.BulkExportSupport.kickOff;
import static fi.vointi.bulk.BulkExportSupport.manifest;
import static fi.vointi.bulk.BulkExportSupport.outputs;
import static fi.vointi.bulk.BulkExportSupport.poll;
import static fi.vointi.bulk.BulkExportSupport.statusPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The types beyond responses and scores (issue 17): Consent, Task, Questionnaire and Organization, each only as far as
 * the client may read that type by the rules of its own read and search (docs/bulk-export.md); and {@code _since} at
 * its boundary for them. Every NDJSON line is parsed by HAPI.
 */
@MicronautTest
@Property(name = "vointi.bulk.directory", value = "target/bulk-export-types-test")
@Property(name = "vointi.bulk.max-file-lines", value = "3")
@Property(name = "vointi.bulk.page-size", value = "2")
class BulkExportTypesTest {
    static final String SDC = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    static final String PROM_URL = "https://vointi.fi/fhir/Questionnaire/demo-wellbeing-prom";
    static final String ALL_SCOPES = "system/QuestionnaireResponse.rs system/Task.rs system/Organization.rs";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;
    @Inject
    JsonMapper mapper;

    Tokens tokens;
    FhirTestClient anonymous;
    Questionnaire prom;
    String patient;
    FhirTestClient asPatient;
    FhirTestClient warehouse;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        patient = "bulk-types-" + UUID.randomUUID();
        asPatient = anonymous.as(tokens.patient(patient));
        warehouse = anonymous.as(tokens.system("warehouse-" + UUID.randomUUID(), ALL_SCOPES));
    }

    private Map<String, List<IBaseResource>> export(FhirTestClient client, String path) throws Exception {
        return downloadAll(client, manifest(mapper, poll(client, statusPath(kickOff(client, path)))));
    }

    private List<String> decisionsOf(String responseId) {
        return Db.strings(dataSource, "SELECT id FROM sharing_decision WHERE response_id = ? ORDER BY id", responseId);
    }

    /** Invites the patient on behalf of a unit (a backend client may) and returns the Task's id and link token. */
    private String[] invite(String unit) {
        Task task = new Task();
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(SDC, "complete-questionnaire", null)));
        task.setFor(new Reference("Patient/" + patient));
        task.addInput().setType(new CodeableConcept(new Coding(SDC, "questionnaire", null))).setValue(new CanonicalType(PROM_URL));
        task.addExtension(ResponseService.SERVICE_UNIT_EXTENSION, new Reference("Organization/" + unit));
        Reply created = anonymous.as(tokens.system("inviter-" + UUID.randomUUID(), "system/Task.crs")).post("/fhir/Task", task);
        assertEquals(201, created.status(), created.body());
        Task stored = created.resource(Task.class);
        String link = stored.getExtensionByUrl(fi.vointi.invitations.InvitationService.LINK_EXTENSION).getValue().primitiveValue();
        return new String[]{stored.getIdElement().getIdPart(), link.substring(link.lastIndexOf('/') + 1)};
    }

    private String answerInvitation(String token) {
        QuestionnaireResponse response = ResponseBuilder.answering(prom).answerAllRequired()
                .answer("pain.any", new BooleanType(false)).build("completed", null);
        Reply answered = anonymous.post("/invitation/" + token + "/QuestionnaireResponse", response);
        assertEquals(201, answered.status(), answered.body());
        return answered.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
    }

    private Task taskIn(Map<String, List<IBaseResource>> exported, String id) {
        return exported.getOrDefault("Task", List.of()).stream().map(Task.class::cast)
                .filter(t -> t.getIdElement().getIdPart().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    private List<String> searchIds(FhirTestClient client, String path) {
        Reply search = client.get(path);
        assertEquals(200, search.status(), search.body());
        return search.resource(Bundle.class).getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart())
                .sorted().toList();
    }

    @Test
    void consentsAreTheSharingDecisionsOfTheResponsesTheClientMayRead() throws Exception {
        String shared = answer(asPatient, prom, patient, null, true);
        String notShared = answer(asPatient, prom, patient, null, false);
        String withdrawn = answer(asPatient, prom, patient, null, true);
        assertEquals(200, asPatient.post("/fhir/QuestionnaireResponse/" + withdrawn + "/$withdraw-share", "").status());

        Map<String, List<IBaseResource>> exported = export(warehouse, "/fhir/$export?_type=Consent");
        assertEquals(List.of("Consent"), List.copyOf(exported.keySet()));
        List<String> consents = ids(exported, "Consent");
        assertEquals(consents.size(), new HashSet<>(consents).size(), "each decision once");
        assertTrue(consents.containsAll(decisionsOf(shared)), consents.toString());
        assertEquals(2, decisionsOf(withdrawn).size());
        assertTrue(decisionsOf(withdrawn).stream().noneMatch(consents::contains), "a withdrawn response's decisions stay hidden");
        assertTrue(decisionsOf(notShared).isEmpty());
        Consent consent = exported.get("Consent").stream().map(Consent.class::cast)
                .filter(c -> c.getIdElement().getIdPart().equals(decisionsOf(shared).get(0))).findFirst().orElseThrow();
        assertEquals(Consent.ConsentState.ACTIVE, consent.getStatus());
        assertEquals("Patient/" + patient, consent.getPatient().getReference());
        assertEquals("QuestionnaireResponse/" + shared, consent.getProvision().getDataFirstRep().getReference().getReference());
    }

    @Test
    void tasksNameOnlyTheResponsesTheClientMayRead() throws Exception {
        String[] invitation = invite(BulkExportTest.PAIN_CLINIC);
        String responseId = answerInvitation(invitation[1]);

        // answered but not shared: the Task is there, its output (the response's id) is not
        Task task = taskIn(export(warehouse, "/fhir/$export?_type=Task"), invitation[0]);
        assertEquals(Task.TaskStatus.COMPLETED, task.getStatus());
        assertFalse(task.hasOutput(), "an unshared response's id is not given away");
        // the same as GET /fhir/Task by this client
        assertFalse(warehouse.get("/fhir/Task/" + invitation[0]).resource(Task.class).hasOutput());

        assertEquals(200, asPatient.post("/fhir/QuestionnaireResponse/" + responseId + "/$share", "").status());
        task = taskIn(export(warehouse, "/fhir/$export?_type=Task"), invitation[0]);
        assertEquals("QuestionnaireResponse/" + responseId, ((Reference) task.getOutputFirstRep().getValue()).getReference());

        // a Group has the invitations made on behalf of its units only
        String[] elsewhere = invite(BulkExportTest.HEALTH_CENTRE);
        List<String> inGroup = ids(export(warehouse, "/fhir/Group/" + BulkExportTest.PAIN_CLINIC + "/$export?_type=Task"), "Task");
        assertTrue(inGroup.contains(invitation[0]));
        assertFalse(inGroup.contains(elsewhere[0]));
    }

    @Test
    void questionnairesAreTheCatalogAndOrganizationsTheStructureAsTheirSearchesGiveThem() throws Exception {
        Map<String, List<IBaseResource>> exported = export(warehouse, "/fhir/$export?_type=Organization,Questionnaire");
        assertEquals(List.of("Questionnaire", "Organization"), List.copyOf(exported.keySet()));
        assertEquals(searchIds(anonymous, "/fhir/Questionnaire?_count=1000"), ids(exported, "Questionnaire").stream().sorted().toList());
        assertEquals(searchIds(warehouse, "/fhir/Organization?_count=1000"), ids(exported, "Organization").stream().sorted().toList());

        // a Group: the unit and the units under it
        List<String> group = ids(export(warehouse, "/fhir/Group/demo-unit-pain-clinic/$export?_type=Organization"), "Organization");
        assertTrue(group.contains("demo-unit-pain-clinic"), group.toString());
        assertFalse(group.contains(BulkExportTest.HEALTH_CENTRE), group.toString());
    }

    @Test
    void withoutTypeAClientGetsEveryTypeItMayReadAndATypeItMayNotReadIsRefused() throws Exception {
        answer(asPatient, prom, patient, null, true);
        invite(BulkExportTest.PAIN_CLINIC);
        Map<String, List<IBaseResource>> everything = export(warehouse, "/fhir/$export");
        assertEquals(List.of("QuestionnaireResponse", "Observation", "Consent", "Task", "Questionnaire", "Organization"),
                List.copyOf(everything.keySet()));

        FhirTestClient responsesOnly = anonymous.as(tokens.system("ehr-" + UUID.randomUUID(), "system/QuestionnaireResponse.rs"));
        Map<String, List<IBaseResource>> readable = export(responsesOnly, "/fhir/$export");
        assertEquals(List.of("QuestionnaireResponse", "Observation", "Consent", "Questionnaire"), List.copyOf(readable.keySet()));
        String refused = kickOff(responsesOnly, "/fhir/$export?_type=QuestionnaireResponse,Task").outcome(403);
        assertTrue(refused.contains("Task"), refused);
        kickOff(responsesOnly, "/fhir/$export?_type=Organization").outcome(403);
        kickOff(responsesOnly, "/fhir/$export?_type=Location").outcome(400);
    }

    @Test
    void sinceGivesExactlyTheDecisionsAndUnitsChangedAfterIt() throws Exception {
        Instant since = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String before = answer(asPatient, prom, patient, null, true);
        String exactlyAt = answer(asPatient, prom, patient, null, true);
        String justAfter = answer(asPatient, prom, patient, null, true);
        decidedAt(before, since.minusMillis(1));
        decidedAt(exactlyAt, since);
        decidedAt(justAfter, since.plusMillis(1));

        FhirTestClient admin = anonymous.as(tokens.admin());
        org.hl7.fhir.r4.model.Organization county = new org.hl7.fhir.r4.model.Organization();
        county.addType(new CodeableConcept(new Coding(fi.vointi.organization.OrganizationLevel.SYSTEM, "county", null)));
        county.setName("Bulk export county " + UUID.randomUUID());
        Reply created = admin.post("/fhir/Organization", county);
        assertEquals(201, created.status(), created.body());
        String unit = created.resource(org.hl7.fhir.r4.model.Organization.class).getIdElement().getIdPart();
        String unitBefore = unit;
        Db.update(dataSource, "UPDATE organization_unit SET last_updated = ? WHERE id = ?", since.atOffset(ZoneOffset.UTC), unitBefore);

        Map<String, List<IBaseResource>> exported = export(warehouse, "/fhir/$export?_type=Consent,Organization,Questionnaire&_since=" + since);
        Set<String> mine = new HashSet<>();
        List.of(before, exactlyAt, justAfter).forEach(r -> mine.addAll(decisionsOf(r)));
        assertEquals(Set.copyOf(decisionsOf(justAfter)), ids(exported, "Consent").stream().filter(mine::contains)
                .collect(Collectors.toSet()));
        assertFalse(ids(exported, "Organization").contains(unitBefore), "changed exactly at _since: not after it");

        Db.update(dataSource, "UPDATE organization_unit SET last_updated = ? WHERE id = ?",
                since.plusMillis(1).atOffset(ZoneOffset.UTC), unitBefore);
        Map<String, Object> manifest = manifest(mapper, poll(warehouse, statusPath(kickOff(warehouse,
                "/fhir/$export?_type=Organization,Questionnaire&_since=" + since))));
        Map<String, List<IBaseResource>> again = downloadAll(warehouse, manifest);
        assertTrue(ids(again, "Organization").contains(unitBefore));

        // the catalog was loaded when the server started: nothing new in it since the last export
        Map<String, List<IBaseResource>> next = export(warehouse, "/fhir/$export?_type=Questionnaire&_since="
                + manifest.get("transactionTime"));
        assertTrue(ids(next, "Questionnaire").isEmpty(), next.toString());
        assertTrue(outputs(manifest).stream().allMatch(o -> List.of("Organization", "Questionnaire").contains(o.get("type"))));
    }

    private void decidedAt(String responseId, Instant at) {
        Db.update(dataSource, "UPDATE sharing_decision SET decided_at = ? WHERE response_id = ?", at.atOffset(ZoneOffset.UTC), responseId);
    }
}
