package fi.vointi.bulk;

import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.Db;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static fi.vointi.bulk.BulkExportSupport.WAREHOUSE_SCOPES;
import static fi.vointi.bulk.BulkExportSupport.answer;
import static fi.vointi.bulk.BulkExportSupport.downloadAll;
import static fi.vointi.bulk.BulkExportSupport.ids;
import static fi.vointi.bulk.BulkExportSupport.kickOff;
import static fi.vointi.bulk.BulkExportSupport.manifest;
import static fi.vointi.bulk.BulkExportSupport.poll;
import static fi.vointi.bulk.BulkExportSupport.statusPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A job whose instance stops in the middle is finished by another instance on the same database (and the same shared
 * export folder): the second instance takes the lease over and continues after the last finished file, so the first
 * instance's files stay in the manifest and no resource is written twice. Instance A writes one resource per file and
 * then pauses ({@code vointi.bulk.file-pause}), which holds it in the middle of the job until the test stops it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkExportResumeTest {
    EmbeddedServer a;
    EmbeddedServer b;

    @AfterAll
    void stop() {
        for (EmbeddedServer server : new EmbeddedServer[] {b, a}) {
            if (server != null && server.getApplicationContext().isRunning()) {
                server.getApplicationContext().close();
            }
        }
    }

    private static Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        if (!Db.onPostgres()) {
            settings.put("datasources.default.url", "jdbc:h2:mem:vointi-bulk-resume;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        }
        settings.put("vointi.bulk.directory", "target/bulk-export-resume-test");
        settings.put("vointi.bulk.max-file-lines", "1");
        settings.put("vointi.bulk.page-size", "1");
        settings.put("vointi.bulk.lease", "3s");
        settings.put("vointi.bulk.poll-interval", "1s");
        return settings;
    }

    @Test
    void aJobLeftInTheMiddleByAStoppedInstanceIsFinishedByAnother() throws Exception {
        Map<String, Object> first = settings();
        first.put("vointi.bulk.file-pause", "60s");
        a = ApplicationContext.run(EmbeddedServer.class, first);
        DataSource dataSource = a.getApplicationContext().getBean(DataSource.class);
        Tokens tokensA = new Tokens(a.getApplicationContext().getBean(DevTokenIssuer.class));
        String patient = "resume-" + UUID.randomUUID();
        FhirTestClient asPatient = new FhirTestClient(a).as(tokensA.patient(patient));
        Questionnaire prom = asPatient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
        List<String> shared = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            shared.add(answer(asPatient, prom, patient, null, true));
        }
        String client = "warehouse-" + UUID.randomUUID();
        String statusPath = statusPath(kickOff(new FhirTestClient(a).as(tokensA.system(client, WAREHOUSE_SCOPES)), "/fhir/$export"));
        String jobId = statusPath.substring(statusPath.lastIndexOf('/') + 1);
        String instanceA = a.getApplicationContext().getBean(ExportWorker.class).instance();
        awaitFiles(dataSource, jobId, 1);

        a.getApplicationContext().close(); // in the middle of the job: one file written, the others not

        Map<String, Object> second = settings();
        // the second instance finds the schema migrated and must not clean it away
        second.put("flyway.datasources.default.clean-schema", "false");
        b = ApplicationContext.run(EmbeddedServer.class, second);
        DataSource database = b.getApplicationContext().getBean(DataSource.class);
        String instanceB = b.getApplicationContext().getBean(ExportWorker.class).instance();
        Tokens tokensB = new Tokens(b.getApplicationContext().getBean(DevTokenIssuer.class));
        FhirTestClient warehouse = new FhirTestClient(b).as(tokensB.system(client, WAREHOUSE_SCOPES));
        Map<String, Object> manifest = manifest(b.getApplicationContext().getBean(JsonMapper.class), poll(warehouse, statusPath));

        List<String> writers = Db.strings(database, "SELECT written_by FROM bulk_export_file WHERE job_id = ? ORDER BY seq", jobId);
        assertEquals(instanceA, writers.get(0), "A's finished file is kept");
        assertTrue(writers.size() > 1 && writers.subList(1, writers.size()).stream().allMatch(instanceB::equals),
                "B wrote the rest: " + writers);
        Map<String, List<IBaseResource>> exported = downloadAll(warehouse, manifest);
        List<String> responses = ids(exported, "QuestionnaireResponse");
        assertEquals(responses.size(), new HashSet<>(responses).size(), "no response twice: " + responses);
        assertTrue(responses.containsAll(shared), responses.toString());
        List<String> observations = ids(exported, "Observation");
        assertEquals(observations.size(), new HashSet<>(observations).size(), "no Observation twice");
        for (String id : shared) {
            assertTrue(observations.containsAll(Db.strings(database, "SELECT id FROM observation WHERE response_id = ?", id)));
        }
    }

    private static void awaitFiles(DataSource dataSource, String jobId, long files) {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
        while (Db.count(dataSource, "SELECT COUNT(*) FROM bulk_export_file WHERE job_id = ?", jobId) < files) {
            if (Instant.now().isAfter(giveUp)) {
                fail("the job wrote no file");
            }
            BulkExportSupport.sleep(50);
        }
    }
}
