package fi.vointi.ops;

import fi.vointi.support.Db;
import fi.vointi.security.DevTokenIssuer;
import fi.vointi.support.FhirTestClient;
import fi.vointi.support.FhirTestClient.Reply;
import fi.vointi.support.ResponseBuilder;
import fi.vointi.support.Tokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Moving a county from the embedded H2 default to PostgreSQL (issue 18, docs/operations.md "Moving from H2 to
 * PostgreSQL"): a service on H2 stores an answer, {@link DatabaseCopy} moves the database into an empty PostgreSQL
 * schema, and a service started on PostgreSQL serves the same resource byte for byte, its scores and its audit trail,
 * with every table's row count equal. A second copy into the now filled schema is refused and changes nothing.
 * Runs in the PostgreSQL phase of {@code .ci/run} (it needs both databases).
 */
class DatabaseCopyTest {
    private static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    @Test
    void aCountyMovesFromH2ToPostgresqlWhole() throws Exception {
        assumeTrue(Db.onPostgres(), "needs the PostgreSQL server as the target");
        String h2Url = "jdbc:h2:mem:copy-source-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + H2_OPTIONS;
        String schema = System.getenv().getOrDefault("VOINTI_TEST_DB_SCHEMA", "vointi_test") + "_copy";
        String pgServer = System.getenv().getOrDefault("VOINTI_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String pgUser = System.getenv().getOrDefault("VOINTI_TEST_DB_USER", "postgres");
        String pgUrl = pgServer + "?currentSchema=" + schema;
        try (Connection admin = DriverManager.getConnection(pgServer, pgUser, "");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }

        String patientId = "moved-" + UUID.randomUUID();
        String id;
        String stored;
        String observations;
        // the service on the embedded default, as a county runs it before the move
        Map<String, Object> onH2 = new HashMap<>();
        onH2.put("datasources.default.url", h2Url);
        onH2.put("datasources.default.driver-class-name", "org.h2.Driver");
        onH2.put("datasources.default.username", "sa");
        onH2.put("datasources.default.dialect", "H2");
        onH2.put("flyway.datasources.default.locations", "classpath:db/migration,classpath:db/vendor/h2");
        onH2.put("flyway.datasources.default.schemas", "public");
        onH2.put("flyway.datasources.default.clean-schema", "false");
        try (Connection keepAlive = DriverManager.getConnection(h2Url, "sa", "")) {
            try (EmbeddedServer h2 = ApplicationContext.run(EmbeddedServer.class, onH2)) {
                FhirTestClient patient = new FhirTestClient(h2)
                        .as(new Tokens(h2.getApplicationContext().getBean(DevTokenIssuer.class)).patient(patientId));
                Questionnaire prom = patient.get("/fhir/Questionnaire/demo-wellbeing-prom").resource(Questionnaire.class);
                Reply created = patient.post("/fhir/QuestionnaireResponse", ResponseBuilder.answering(prom).answerAllRequired()
                        .build("completed", "Patient/" + patientId));
                assertEquals(201, created.status(), created.body());
                id = created.resource(QuestionnaireResponse.class).getIdElement().getIdPart();
                stored = patient.get("/fhir/QuestionnaireResponse/" + id).body();
                observations = patient.get("/fhir/Observation?patient=" + patientId + "&_sort=_lastUpdated").body();
                assertTrue(observations.contains("demo-wellbeing-prom.total"), observations);
            }
            List<String> tables = DatabaseCopy.tablesInForeignKeyOrder(keepAlive);
            Map<String, Long> sourceCounts = counts(keepAlive, "public", tables);

            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            DatabaseCopy.Report report = new DatabaseCopy(new PrintStream(progress, true, StandardCharsets.UTF_8))
                    .copy(new DatabaseCopy.Endpoint(h2Url, "sa", ""), new DatabaseCopy.Endpoint(pgUrl, pgUser, ""));
            assertEquals(sourceCounts, report.rowsByTable(), "every table, every row");
            assertTrue(report.rowsByTable().get("questionnaire_response") >= 1);
            assertTrue(report.rowsByTable().get("observation") >= 4);
            assertTrue(report.rowsByTable().get("organization_unit") > 0, "the demo county came along");
            assertTrue(report.rowsByTable().get("audit_event") > 0, "and the audit trail");
            try (Connection pg = DriverManager.getConnection(pgUrl, pgUser, "")) {
                assertEquals(sourceCounts, counts(pg, schema, tables));
            }

            // the service on PostgreSQL serves what was stored on H2
            Map<String, Object> onPostgres = new HashMap<>();
            onPostgres.put("datasources.default.url", pgUrl);
            onPostgres.put("flyway.datasources.default.schemas", schema);
            onPostgres.put("flyway.datasources.default.clean-schema", "false");
            try (EmbeddedServer pg = ApplicationContext.run(EmbeddedServer.class, onPostgres)) {
                FhirTestClient patient = new FhirTestClient(pg)
                        .as(new Tokens(pg.getApplicationContext().getBean(DevTokenIssuer.class)).patient(patientId));
                Reply read = patient.get("/fhir/QuestionnaireResponse/" + id);
                assertEquals(200, read.status(), read.body());
                assertEquals(stored, read.body(), "the same resource, version and dates");
                Reply scores = patient.get("/fhir/Observation?patient=" + patientId + "&_sort=_lastUpdated");
                assertEquals(withoutServerAddress(observations), withoutServerAddress(scores.body()),
                        "the same scores (the links name another server's port)");
            }

            // a second copy finds the target filled: refused before writing anything
            DatabaseCopy.CopyRefused refused = assertThrows(DatabaseCopy.CopyRefused.class, () -> new DatabaseCopy(
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .copy(new DatabaseCopy.Endpoint(h2Url, "sa", ""), new DatabaseCopy.Endpoint(pgUrl, pgUser, "")));
            assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
            try (Connection pg = DriverManager.getConnection(pgUrl, pgUser, "")) {
                Map<String, Long> after = counts(pg, schema, tables);
                // the service's start wrote audit rows and the like; the refused copy added nothing to the answers
                assertEquals(sourceCounts.get("questionnaire_response"), after.get("questionnaire_response"));
                assertEquals(sourceCounts.get("observation"), after.get("observation"));
            }
        } finally {
            try (Connection admin = DriverManager.getConnection(pgServer, pgUser, "");
                 Statement statement = admin.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static String withoutServerAddress(String json) {
        return json.replaceAll("http://localhost:[0-9]+/", "");
    }

    /** Row counts of the source's tables (every table but Flyway's history), read from the database itself. */
    private static Map<String, Long> counts(Connection connection, String schema, List<String> tables) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        for (String table : tables) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + schema + "." + table)) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }
}
