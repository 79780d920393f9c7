package fi.vointi.ops;

import fi.vointi.support.Db;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded H2 default's backup and restore (docs/operations.md, "Backup and restore"): {@code SCRIPT TO} a
 * file while the service runs, {@code RUNSCRIPT FROM} it into an empty database, and a service started on
 * the restored database serves what was stored, with Flyway finding nothing to migrate.
 */
class H2BackupRestoreTest {
    private static final String OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    @Test
    void aScriptBackupRestoresIntoAnEmptyDatabaseThatTheServiceServes(@TempDir Path dir) throws Exception {
        assumeTrue(!Db.onPostgres(), "H2 only (PostgreSQL: pg_basebackup + WAL)");
        Path backup = dir.resolve("vointi-backup.sql");
        String patientId = "backup-" + UUID.randomUUID();
        String id;
        String stored;
        try (EmbeddedServer original = ApplicationContext.run(EmbeddedServer.class, Map.of("datasources.default.url",
                "jdbc:h2:mem:backup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + OPTIONS))) {
            FhirTestClient patient = new FhirTestClient(original)
                    .as(new Tokens(original.getApplicationContext().getBean(DevTokenIssuer.class)).patient(patientId));
            Questionnaire prom = patient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
            Reply created = patient.post("/fhir/QuestionnaireResponse", ResponseBuilder.answering(prom).answerAllRequired()
                    .build("completed", "Patient/" + patientId));
            assertEquals(201, created.status(), created.body());
            id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
            stored = patient.get("/fhir/QuestionnaireResponse/" + id).body();

            // the backup, taken while the service runs (one consistent snapshot)
            DataSource dataSource = DelegatingDataSource.unwrapDataSource(original.getApplicationContext().getBean(DataSource.class));
            try (Connection c = dataSource.getConnection();
                 PreparedStatement script = c.prepareStatement("SCRIPT TO ?")) {
                script.setString(1, backup.toString());
                script.execute();
            }
        }
        assertTrue(Files.size(backup) > 0);

        // the restore: an empty database, the script run into it
        String restoredUrl = "jdbc:h2:mem:restored-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + OPTIONS;
        try (Connection keepAlive = DriverManager.getConnection(restoredUrl, "sa", "")) {
            try (PreparedStatement run = keepAlive.prepareStatement("RUNSCRIPT FROM ?")) {
                run.setString(1, backup.toString());
                run.execute();
            }
            try (EmbeddedServer restored = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "datasources.default.url", restoredUrl,
                    // the restored schema is the service's: migrate nothing away
                    "flyway.datasources.default.clean-schema", "false"))) {
                FhirTestClient patient = new FhirTestClient(restored)
                        .as(new Tokens(restored.getApplicationContext().getBean(DevTokenIssuer.class)).patient(patientId));
                Reply read = patient.get("/fhir/QuestionnaireResponse/" + id);
                assertEquals(200, read.status(), read.body());
                assertEquals(stored, read.body(), "the same resource, version and all");
                assertEquals(200, patient.get("/fhir/Observation?patient=" + patientId).status());
            }
        }
    }
}
