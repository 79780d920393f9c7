package fi.vointi.bulk;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.Tokens;
import io.micronaut.context.annotation.Property;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static fi.vointi.bulk.BulkExportSupport.WAREHOUSE_SCOPES;
import static fi.vointi.bulk.BulkExportSupport.answer;
import static fi.vointi.bulk.BulkExportSupport.download;
import static fi.vointi.bulk.BulkExportSupport.downloadAll;
import static fi.vointi.bulk.BulkExportSupport.ids;
import static fi.vointi.bulk.BulkExportSupport.kickOff;
import static fi.vointi.bulk.BulkExportSupport.lines;
import static fi.vointi.bulk.BulkExportSupport.manifest;
import static fi.vointi.bulk.BulkExportSupport.outputs;
import static fi.vointi.bulk.BulkExportSupport.poll;
import static fi.vointi.bulk.BulkExportSupport.statusPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FHIR Bulk Data export over HTTP (docs/bulk-export.md): kick-off, polling, manifest and download with every NDJSON
 * line parsed by HAPI; files split at 3 lines; _type, _since exactness, Group = unit; only what a search by the same
 * client returns; the job belongs to the client that started it; cancel; refusals as OperationOutcomes.
 */
@MicronautTest
@Property(name = "vointi.bulk.directory", value = "target/bulk-export-test")
@Property(name = "vointi.bulk.max-file-lines", value = "3")
@Property(name = "vointi.bulk.page-size", value = "2")
class BulkExportTest {
    static final String PAIN_CLINIC = "demo-unit-pain-clinic";
    static final String HEALTH_CENTRE = "demo-unit-health-centre";

    @Inject
    EmbeddedServer server;
    @Inject
    DevTokenIssuer issuer;
    @Inject
    DataSource dataSource;
    @Inject
    JsonMapper mapper;
    @Inject
    ExportStore store;
    @Inject
    ExportWorker worker;

    Tokens tokens;
    FhirTestClient anonymous;
    Questionnaire prom;
    String patient;
    FhirTestClient asPatient;
    FhirTestClient warehouse;
    String warehouseClient;

    @BeforeEach
    void setUp() {
        tokens = new Tokens(issuer);
        anonymous = new FhirTestClient(server);
        prom = anonymous.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        patient = "bulk-" + UUID.randomUUID();
        asPatient = anonymous.as(tokens.patient(patient));
        warehouseClient = "warehouse-" + UUID.randomUUID();
        warehouse = anonymous.as(tokens.system(warehouseClient, WAREHOUSE_SCOPES));
    }

    private List<String> observationsOf(String responseId) {
        return Db.strings(dataSource, "SELECT id FROM observation WHERE response_id = ? ORDER BY id", responseId);
    }

    private Map<String, Object> export(FhirTestClient client, String path) throws Exception {
        return manifest(mapper, poll(client, statusPath(kickOff(client, path))));
    }

    @Test
    void kickOffPollManifestAndDownloadGiveSharedResponsesAndTheirScoresOnly() throws Exception {
        List<String> shared = List.of(answer(asPatient, prom, patient, null, true), answer(asPatient, prom, patient, null, true),
                answer(asPatient, prom, patient, null, true), answer(asPatient, prom, patient, null, true));
        String notShared = answer(asPatient, prom, patient, null, false);
        String withdrawn = answer(asPatient, prom, patient, null, true);
        assertEquals(200, asPatient.post("/fhir/QuestionnaireResponse/" + withdrawn + "/$withdraw-share", "").status());

        Reply kickOff = kickOff(warehouse, "/fhir/$export");
        String statusPath = statusPath(kickOff);
        assertTrue(statusPath.startsWith("/fhir/bulk-status/"), statusPath);
        Map<String, Object> manifest = manifest(mapper, poll(warehouse, statusPath));

        assertTrue(((String) manifest.get("request")).endsWith("/fhir/$export"), manifest.toString());
        assertEquals(Boolean.TRUE, manifest.get("requiresAccessToken"));
        Instant transactionTime = Instant.parse((String) manifest.get("transactionTime"));
        assertTrue(!transactionTime.isAfter(Instant.now()), manifest.toString());
        assertEquals(List.of(), manifest.get("error"));
        for (Map<String, Object> output : outputs(manifest)) {
            assertTrue(((String) output.get("url")).contains("/fhir/bulk-files/"), output.toString());
            assertTrue(((Number) output.get("count")).intValue() <= 3, "split at max-file-lines: " + output);
        }

        Map<String, List<IBaseResource>> exported = downloadAll(warehouse, manifest);
        List<String> responses = ids(exported, "QuestionnaireResponse");
        assertEquals(responses.size(), new HashSet<>(responses).size(), "each response once");
        assertTrue(responses.containsAll(shared), responses.toString());
        assertFalse(responses.contains(notShared), "an unshared response is never exported");
        assertFalse(responses.contains(withdrawn), "nor one whose sharing was withdrawn");
        List<String> observations = ids(exported, "Observation");
        assertEquals(observations.size(), new HashSet<>(observations).size(), "each Observation once");
        for (String id : shared) {
            assertFalse(observationsOf(id).isEmpty(), "the PROM is scored");
            assertTrue(observations.containsAll(observationsOf(id)), id);
        }
        assertTrue(observationsOf(notShared).stream().noneMatch(observations::contains));
        assertTrue(observationsOf(withdrawn).stream().noneMatch(observations::contains));
        // the types in order: responses first, then their scores, the sharing decisions and the (public) catalog;
        // no Task nor Organization without scopes for them (BulkExportTypesTest)
        assertEquals(List.of("QuestionnaireResponse", "Observation", "Consent", "Questionnaire"), List.copyOf(exported.keySet()));

        // the same in a search by the same client: an export is never more than a search
        Reply search = warehouse.get("/fhir/QuestionnaireResponse?patient=" + patient + "&_count=100");
        assertEquals(200, search.status(), search.body());
        List<String> searched = search.resource(org.hl7.fhir.r4.model.Bundle.class).getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart()).sorted().toList();
        assertEquals(searched, responses.stream().filter(id -> Set.copyOf(searched).contains(id)
                || id.equals(notShared) || shared.contains(id)).sorted().toList());

        // the files belong to this client: no token 401, another client 404 (status, files, cancel alike)
        String fileUrl = (String) outputs(manifest).get(0).get("url");
        assertEquals(401, download(anonymous, fileUrl).status());
        FhirTestClient ehr = anonymous.as(tokens.system("demo-ehr", "system/QuestionnaireResponse.crus"));
        download(ehr, fileUrl).outcome(404);
        ehr.get(statusPath).outcome(404);
        ehr.delete(statusPath).outcome(404);
        assertEquals(200, download(warehouse, fileUrl).status(), "the files are still there");

        // audited: the kick-off (execute), the polls and the downloads, by client
        assertEquals(1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'bulk-export'"
                + " AND action = 'E' AND agent_client = ? AND http_status = 202", warehouseClient));
        assertEquals(outputs(manifest).size() + 1, Db.count(dataSource, "SELECT COUNT(*) FROM audit_event"
                + " WHERE operation = 'bulk-export-download' AND agent_client = ? AND http_status = 200", warehouseClient));
        assertTrue(Db.count(dataSource, "SELECT COUNT(*) FROM audit_event WHERE operation = 'bulk-export-download'"
                + " AND agent_client = 'demo-ehr' AND http_status = 404") >= 1);

        // a line is the very JSON a read of the resource sends (the stored text, not a re-encoding that could drift)
        for (String type : List.of("QuestionnaireResponse", "Observation")) {
            String line = lines(warehouse, manifest, type).get(0);
            String id = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().parseResource(line).getIdElement().getIdPart();
            Reply read = warehouse.get("/fhir/" + type + "/" + id);
            assertEquals(200, read.status(), read.body());
            assertEquals(read.body(), line, type + "/" + id);
        }
    }

    @Test
    void typeNarrowsTheExportToTheTypesAsked() throws Exception {
        String shared = answer(asPatient, prom, patient, null, true);
        Map<String, Object> manifest = export(warehouse, "/fhir/$export?_type=Observation&_outputFormat=application%2Ffhir%2Bndjson");
        assertTrue(outputs(manifest).stream().allMatch(o -> "Observation".equals(o.get("type"))), manifest.toString());
        assertTrue(ids(downloadAll(warehouse, manifest), "Observation").containsAll(observationsOf(shared)));

        manifest = export(warehouse, "/fhir/$export?_type=QuestionnaireResponse&_outputFormat=ndjson");
        assertTrue(outputs(manifest).stream().allMatch(o -> "QuestionnaireResponse".equals(o.get("type"))), manifest.toString());
        assertTrue(ids(downloadAll(warehouse, manifest), "QuestionnaireResponse").contains(shared));
    }

    @Test
    void sinceGivesExactlyTheRowsChangedAfterIt() throws Exception {
        Instant since = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String before = answer(asPatient, prom, patient, null, true);
        String after = answer(asPatient, prom, patient, null, true);
        String exactlyAt = answer(asPatient, prom, patient, null, true);
        String sharedAfter = answer(asPatient, prom, patient, null, true);
        String justAfter = answer(asPatient, prom, patient, null, true);
        String justBefore = answer(asPatient, prom, patient, null, true);
        String sharedExactlyAt = answer(asPatient, prom, patient, null, true);
        String sharedJustAfter = answer(asPatient, prom, patient, null, true);
        changedAt(justAfter, since.plusMillis(1), since.plusMillis(1));
        changedAt(justBefore, since.minusMillis(1), since.minusMillis(1));
        changedAt(sharedExactlyAt, since.minusSeconds(60), since);
        changedAt(sharedJustAfter, since.minusSeconds(60), since.plusMillis(1));
        changedAt(before, since.minusSeconds(3600), since.minusSeconds(3600));
        changedAt(after, since.plusSeconds(3600), since.plusSeconds(3600));
        changedAt(exactlyAt, since, since);
        // written long ago, shared only after _since: new to an EHR, so it counts as changed
        changedAt(sharedAfter, since.minusSeconds(3600), since.plusSeconds(60));

        Map<String, List<IBaseResource>> exported = downloadAll(warehouse,
                export(warehouse, "/fhir/$export?_since=" + since));
        Set<String> mine = Set.of(before, after, exactlyAt, sharedAfter, justAfter, justBefore, sharedExactlyAt, sharedJustAfter);
        Set<String> changed = Set.of(after, sharedAfter, justAfter, sharedJustAfter);
        List<String> responses = ids(exported, "QuestionnaireResponse");
        assertEquals(changed, responses.stream().filter(mine::contains).collect(java.util.stream.Collectors.toSet()));
        assertEquals(responses.size(), new HashSet<>(responses).size(), "changed and shared after _since: still once");
        Set<String> expectedObservations = new HashSet<>();
        changed.forEach(id -> expectedObservations.addAll(observationsOf(id)));
        Set<String> allMine = new HashSet<>();
        mine.forEach(id -> allMine.addAll(observationsOf(id)));
        assertEquals(expectedObservations, ids(exported, "Observation").stream().filter(allMine::contains)
                .collect(java.util.stream.Collectors.toSet()));
    }

    /** Sets when a response and its Observations last changed and when its sharing was decided. */
    private void changedAt(String responseId, Instant changed, Instant sharedAt) {
        Db.update(dataSource, "UPDATE questionnaire_response SET last_updated = ? WHERE id = ?", changed.atOffset(ZoneOffset.UTC), responseId);
        Db.update(dataSource, "UPDATE observation SET last_updated = ? WHERE response_id = ?", changed.atOffset(ZoneOffset.UTC), responseId);
        Db.update(dataSource, "UPDATE sharing_decision SET decided_at = ? WHERE response_id = ?", sharedAt.atOffset(ZoneOffset.UTC), responseId);
    }

    @Test
    void aGroupIsTheResponsesOfAUnitAndTheUnitsUnderIt() throws Exception {
        String painClinic = answer(asPatient, prom, patient, PAIN_CLINIC, true);
        String healthCentre = answer(asPatient, prom, patient, HEALTH_CENTRE, true);
        Map<String, Object> manifest = export(warehouse, "/fhir/Group/" + PAIN_CLINIC + "/$export");
        assertTrue(((String) manifest.get("request")).endsWith("/fhir/Group/" + PAIN_CLINIC + "/$export"));
        Map<String, List<IBaseResource>> exported = downloadAll(warehouse, manifest);
        assertTrue(ids(exported, "QuestionnaireResponse").contains(painClinic));
        assertFalse(ids(exported, "QuestionnaireResponse").contains(healthCentre));
        assertTrue(ids(exported, "Observation").containsAll(observationsOf(painClinic)));
        assertTrue(observationsOf(healthCentre).stream().noneMatch(ids(exported, "Observation")::contains));

        kickOff(warehouse, "/fhir/Group/no-such-unit/$export").outcome(404);
    }

    @Test
    void refusalsAreOperationOutcomes() {
        // the async pattern is required; the kick-off is a GET
        warehouse.get("/fhir/$export").outcome(400);
        assertEquals(405, warehouse.post("/fhir/$export", "{\"resourceType\":\"Parameters\"}", "Prefer", "respond-async").status());
        kickOff(warehouse, "/fhir/$export?_type=Patient").outcome(400);
        kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse,Location").outcome(400);
        kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse,Task").outcome(403);
        kickOff(warehouse, "/fhir/$export?_outputFormat=text%2Fcsv").outcome(400);
        kickOff(warehouse, "/fhir/$export?_since=yesterday").outcome(400);
        kickOff(warehouse, "/fhir/$export?_since=2026-01-01").outcome(400);
        kickOff(warehouse, "/fhir/$export?_typeFilter=QuestionnaireResponse%3Fstatus%3Dcompleted").outcome(400);
        // who may start one
        assertEquals(401, kickOff(anonymous, "/fhir/$export").status());
        kickOff(anonymous.as(tokens.system("invitations-" + UUID.randomUUID(), "system/Task.crs")), "/fhir/$export").outcome(403);
        kickOff(asPatient, "/fhir/$export").outcome(403);
        kickOff(anonymous.as(tokens.clinician(PAIN_CLINIC)), "/fhir/$export").outcome(403);
        // nothing was stored for a refused kick-off; an unknown job is 404
        warehouse.get("/fhir/bulk-status/" + UUID.randomUUID()).outcome(404);
    }

    @Test
    void deleteCancelsAJobAndRemovesItsFiles() throws Exception {
        answer(asPatient, prom, patient, null, true);
        String statusPath = statusPath(kickOff(warehouse, "/fhir/$export"));
        String jobId = statusPath.substring(statusPath.lastIndexOf('/') + 1);
        Map<String, Object> manifest = manifest(mapper, poll(warehouse, statusPath));
        String fileUrl = (String) outputs(manifest).get(0).get("url");
        assertTrue(store.hasFiles(jobId));

        assertEquals(202, warehouse.delete(statusPath).status());
        assertFalse(store.hasFiles(jobId), "the files went with the job");
        warehouse.get(statusPath).outcome(404);
        download(warehouse, fileUrl).outcome(404);
        warehouse.delete(statusPath).outcome(404);

        // a job cancelled at once, whether or not it has started: gone for the client
        String second = statusPath(kickOff(warehouse, "/fhir/$export"));
        assertEquals(202, warehouse.delete(second).status());
        warehouse.get(second).outcome(404);
    }

    @Test
    void aFinishedJobAndItsFilesAreDeletedOnceTheRetentionRanOut() throws Exception {
        answer(asPatient, prom, patient, null, true);
        String statusPath = statusPath(kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse"));
        String jobId = statusPath.substring(statusPath.lastIndexOf('/') + 1);
        manifest(mapper, poll(warehouse, statusPath));
        worker.poll();
        assertTrue(store.hasFiles(jobId), "kept within the retention (24 h)");

        Db.update(dataSource, "UPDATE bulk_export_job SET finished_at = ? WHERE id = ?",
                Instant.now().minus(25, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC), jobId);
        worker.poll();
        assertFalse(store.hasFiles(jobId));
        assertEquals(0, Db.count(dataSource, "SELECT COUNT(*) FROM bulk_export_job WHERE id = ?", jobId));
        warehouse.get(statusPath).outcome(404);
    }

    @Test
    void aJobThatFailsAnswersWithAnErrorOutcome() throws Exception {
        String broken = answer(asPatient, prom, patient, null, true);
        String original = Db.strings(dataSource, "SELECT resource_json FROM questionnaire_response WHERE id = ?", broken).get(0);
        Db.update(dataSource, "UPDATE questionnaire_response SET resource_json = ? WHERE id = ?", "{not json", broken);
        try {
            Reply failed = poll(warehouse, statusPath(kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse")));
            String diagnostics = failed.outcome(500);
            assertTrue(diagnostics.contains("start a new export"), diagnostics);
        } finally {
            Db.update(dataSource, "UPDATE questionnaire_response SET resource_json = ? WHERE id = ?", original, broken);
        }
    }

    @Test
    void theStatusUrlIsAbsoluteAndUnderTheFhirBase() {
        Reply kickOff = kickOff(warehouse, "/fhir/$export?_type=QuestionnaireResponse");
        URI location = URI.create(kickOff.header("Content-Location"));
        assertTrue(location.isAbsolute(), location.toString());
        assertEquals(server.getPort(), location.getPort());
        poll(warehouse, location.getRawPath());
    }
}
